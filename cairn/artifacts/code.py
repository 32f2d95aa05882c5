"""``run.log_code``: the source files under a folder as a ``code`` artifact (R7.11).

Default name ``source-<project>-<program path relative to root>`` (sanitised, at most 128
characters); default include: ``*.py`` and ``Dockerfile*``; default exclude: anything under
``<root>/wandb/``, ``<root>/.wandb/`` and — so a local root or a virtual env is never swept in
— ``cairn-data/`` and ``.venv/`` anywhere below root. Filters may take ``(path)`` or
``(path, root)``. No matching file → a warning and None.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from typing import Any

from cairn.artifacts import names
from cairn.sdk.term import termwarn

_SKIP_DIRS = ("cairn-data", ".venv")


def is_py_or_dockerfile(path: str, root: str | None = None) -> bool:
    base = os.path.basename(path)
    return base.endswith(".py") or base.startswith("Dockerfile")


def exclude_default(path: str, root: str) -> bool:
    rel = os.path.relpath(path, root).replace(os.sep, "/")
    first = rel.split("/", 1)[0]
    if first in ("wandb", ".wandb"):
        return True
    return any(part in _SKIP_DIRS for part in rel.split("/")[:-1])


def _call(fn: Callable, path: str, root: str) -> bool:
    try:
        nparams = len(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        nparams = 2
    return bool(fn(path, root) if nparams >= 2 else fn(path))


def default_name(run: Any, root: str) -> str:
    program = run._info.get("program") or "<python>"
    if program not in ("<python>", "-c", "") and os.path.exists(program):
        rel = os.path.relpath(os.path.abspath(program), root)
    else:
        rel = program
    return names.sanitize(f"source-{run.project}-{rel}")


def log_code(run: Any, root: str | None = ".", name: str | None = None,
             include_fn: Callable | None = None, exclude_fn: Callable | None = None) -> Any:
    """Log matching files under ``root`` as a ``code`` artifact; returns it, or None (with a
    warning) when nothing matched. Cost: one walk of ``root`` plus hashing the matches."""
    from cairn.artifacts.artifact import Artifact
    from cairn.artifacts.run_ops import log_artifact

    root = os.path.abspath(root or ".")
    include_fn = include_fn or is_py_or_dockerfile
    exclude_fn = exclude_fn or exclude_default
    art = Artifact(name or default_name(run, root), "code")
    found = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        if exclude_fn is exclude_default:  # prune whole trees the default excludes
            dirnames[:] = [d for d in dirnames
                           if not exclude_default(os.path.join(dirpath, d, "x"), root)]
        for fn in sorted(filenames):
            full = os.path.join(dirpath, fn)
            if _call(exclude_fn, full, root) or not _call(include_fn, full, root):
                continue
            art.add_file(full, name=os.path.relpath(full, root).replace(os.sep, "/"))
            found += 1
    if not found:
        termwarn("No relevant files were detected in the specified directory. No code will be logged to your run.")
        return None
    return log_artifact(run, art)
