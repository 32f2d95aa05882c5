"""Map request paths to files under the root, refusing anything that would leave it.

Every byte the server sends from disk goes through :func:`run_file` or :func:`blob_file`. Both
resolve symlinks and ``..`` with :func:`os.path.realpath` and then check containment, so encoded
traversal (``%2e%2e/``), absolute paths and symlinks pointing outside all end in ``None``.
"""

from __future__ import annotations

import os
import re

from cairn.store import blobs

_RUN_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,128}$")


def valid_run_id(run_id: str) -> bool:
    """A run id names one folder under ``runs/``: no separators, never ``.`` or ``..``."""
    return bool(_RUN_ID.match(run_id)) and run_id not in (".", "..")


def inside(base: str, path: str) -> bool:
    """True if ``path`` (already real) is ``base`` (already real) or below it."""
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)


def run_files_dir(root: str, run_id: str) -> str | None:
    """The real path of ``<root>/runs/<run_id>/files`` or ``None`` for an invalid id."""
    if not valid_run_id(run_id):
        return None
    return os.path.realpath(os.path.join(root, "runs", run_id, "files"))


def run_file(root: str, run_id: str, rel: str) -> str | None:
    """The real path of the run file ``rel`` if it exists inside the run's files folder."""
    base = run_files_dir(root, run_id)
    if base is None or not rel or "\x00" in rel or os.path.isabs(rel):
        return None
    real_root = os.path.realpath(root)
    path = os.path.realpath(os.path.join(base, rel))
    if not (inside(base, path) and inside(real_root, path)):
        return None
    return path if os.path.isfile(path) else None


def blob_file(root: str, sha256: str | None) -> str | None:
    """The path of a stored blob by digest, or ``None`` when the digest is bad or missing."""
    if not sha256:
        return None
    try:
        path = os.path.realpath(blobs.blob_path(root, sha256))
    except ValueError:
        return None
    if not inside(os.path.realpath(root), path):
        return None
    return path if os.path.isfile(path) else None
