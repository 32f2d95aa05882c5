"""Run ids, generated display names, id validation and the default project (R1.1–R1.4).

Ids come from ``os.urandom``, so ``random.seed`` in the user's program never makes two runs
share an id. Cost: microseconds; names count the entries of ``<root>/runs`` (one listdir).
"""

from __future__ import annotations

import os
import re

from cairn.sdk.errors import UsageError

_ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
_BAD_ID = re.compile(r"[:;,#?/\\'\s]")

_ADJ = ("amber", "brisk", "calm", "dapper", "eager", "fancy", "gentle", "hazy", "icy", "jolly",
        "keen", "lively", "misty", "noble", "olive", "proud", "quiet", "rosy", "silver", "tidy",
        "upbeat", "vivid", "wild", "young", "zesty", "bold", "crisp", "dusty", "fresh", "golden")
_NOUN = ("river", "meadow", "cairn", "forest", "harbor", "summit", "valley", "breeze", "comet",
         "canyon", "glade", "lagoon", "mesa", "orbit", "pine", "ridge", "spark", "tide", "wave",
         "field", "moon", "cloud", "stone", "dune", "fjord", "grove", "haze", "isle", "lake", "sky")


def _uniform(n: int, count: int) -> list[int]:
    """``count`` integers uniform in ``[0, n)`` from the OS RNG (rejection sampling, n < 256)."""
    out: list[int] = []
    limit = 256 - 256 % n
    while len(out) < count:
        out.extend(b % n for b in os.urandom(count * 2) if b < limit)
    return out[:count]


def generate_id(length: int = 8) -> str:
    """``length`` characters of ``[a-z0-9]``, uniform, from the OS RNG."""
    return "".join(_ID_CHARS[i] for i in _uniform(len(_ID_CHARS), length))


def generate_name(root: str, run_id: str | None = None) -> str:
    """``adjective-noun-N``: N is one more than the runs already in the root (not counting
    ``run_id`` itself, whose folder may already exist)."""
    try:
        n = sum(1 for e in os.listdir(os.path.join(root, "runs")) if e != run_id and not e.startswith(".")) + 1
    except OSError:
        n = 1
    a, b = _uniform(len(_ADJ), 2)
    return f"{_ADJ[a]}-{_NOUN[b % len(_NOUN)]}-{n}"


def check_id(run_id: object) -> None:
    """Raise ``UsageError`` unless ``run_id`` can name a run (and a folder)."""
    if not isinstance(run_id, str) or not run_id.strip():
        raise UsageError(f"Invalid run id {run_id!r}: it must be a non-empty string")
    if _BAD_ID.search(run_id) or run_id in (".", ".."):
        raise UsageError(
            f"Invalid run id {run_id!r}: it may not contain whitespace or any of : ; , # ? / \\ '"
        )
    if len(run_id) > 128:
        raise UsageError(f"Invalid run id {run_id!r}: at most 128 characters")


def default_project() -> str:
    """The git repository's name if the working directory is in one, else "uncategorized"."""
    d = os.path.abspath(os.getcwd())
    while True:
        if os.path.exists(os.path.join(d, ".git")):
            return os.path.basename(d) or "uncategorized"
        parent = os.path.dirname(d)
        if parent == d:
            return "uncategorized"
        d = parent
