"""Names, types and aliases of artifacts: validation and parsing of ``[entity/][project/]name[:alias]``.

Rules follow wandb-semantics R7.1, R7.5, R7.7 and R7.11. Every function is pure (no I/O) and
raises ``ValueError`` with a message naming the bad value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = re.compile(r"^[A-Za-z0-9_\-.]+$")
_VERSION = re.compile(r"^v(\d+)$")
_DIGEST = re.compile(r"^[0-9a-f]{32}$")
NAME_MSG = (
    "Artifact name may only contain alphanumeric characters, dashes, underscores, and dots. "
    "Invalid name: {!r}"
)


def validate_name(name: object) -> str:
    """Return ``name`` if it is a valid artifact (collection) name, else raise ``ValueError``."""
    # "." and ".." match the pattern but would name a folder outside the collection store
    if not isinstance(name, str) or not _NAME.match(name) or name in (".", ".."):
        raise ValueError(NAME_MSG.format(name))
    return name


def validate_type(type_: object) -> str:
    """Artifact types ``job`` and ``wandb-*`` are reserved (R7.1)."""
    if not isinstance(type_, str) or not type_:
        raise ValueError(f"Artifact type must be a non-empty string, got {type_!r}")
    if type_ == "job" or type_.startswith("wandb-"):
        raise ValueError(f"Artifact type {type_!r} is reserved for internal use")
    return type_


def validate_aliases(aliases: object, add_latest: bool = True) -> list[str]:
    """Normalise ``aliases`` to a list (a str becomes one item), reject ``/`` and ``:``, and
    append ``latest`` when missing (R7.5)."""
    if aliases is None:
        out: list[str] = []
    elif isinstance(aliases, str):
        out = [aliases]
    else:
        out = list(aliases)
    for a in out:
        if not isinstance(a, str) or not a:
            raise ValueError(f"Artifact aliases must be non-empty strings, got {a!r}")
        if "/" in a or ":" in a:
            raise ValueError(
                f"Aliases must not contain any of the following characters: /, : (got {a!r})"
            )
    if add_latest and "latest" not in out:
        out.append("latest")
    seen: set[str] = set()
    return [a for a in out if not (a in seen or seen.add(a))]


def version_number(alias: str) -> int | None:
    """``"v3"`` → 3; anything else → None."""
    m = _VERSION.match(alias)
    return int(m.group(1)) if m else None


def is_digest(alias: str) -> bool:
    return bool(_DIGEST.match(alias))


@dataclass(frozen=True)
class Ref:
    """A parsed artifact reference; ``entity``/``project`` are None when not given."""

    entity: str | None
    project: str | None
    name: str
    alias: str | None  # None when the string had no ":part"


def parse_ref(text: object) -> Ref:
    """Parse ``name``, ``name:alias``, ``project/name:alias`` or ``entity/project/name:alias``.

    More than three path parts, an empty part or an invalid name raises ``ValueError``.
    """
    if not isinstance(text, str) or not text:
        raise ValueError(f"Artifact name must be a non-empty string, got {text!r}")
    path, sep, alias = text.partition(":")
    parts = path.split("/")
    if len(parts) > 3:
        raise ValueError(
            f"Invalid artifact name {text!r}: expected [entity/][project/]name[:alias] (at most 3 path parts)"
        )
    if any(not p for p in parts):
        raise ValueError(f"Invalid artifact name {text!r}: empty path part")
    if sep and (not alias or "/" in alias or ":" in alias):
        raise ValueError(f"Invalid artifact alias in {text!r}")
    name = validate_name(parts[-1])
    project = parts[-2] if len(parts) >= 2 else None
    entity = parts[0] if len(parts) == 3 else None
    return Ref(entity, project, name, alias if sep else None)


def sanitize(name: str, limit: int = 128) -> str:
    """Replace characters outside ``[A-Za-z0-9_.-]`` with ``_``; middle-truncate over ``limit``
    characters with ``..`` (R7.11)."""
    s = re.sub(r"[^A-Za-z0-9_\-.]", "_", name)
    if len(s) > limit:
        half = (limit - 2) // 2
        s = s[:half] + ".." + s[-(limit - 2 - half):]
    return s
