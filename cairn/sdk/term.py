"""Terminal messages with wandb's prefix rules; silenced by WANDB_SILENT / CAIRN_SILENT."""

from __future__ import annotations

import os
import sys

_PREFIX = "cairn:"


def _silent() -> bool:
    for var in ("CAIRN_SILENT", "WANDB_SILENT"):
        if os.environ.get(var, "").lower() in ("1", "true", "yes"):
            return True
    return False


def termlog(string: str = "", newline: bool = True, repeat: bool = True, prefix: bool = True) -> None:
    """Print an informational line to stderr (unless silenced)."""
    if _silent():
        return
    text = f"{_PREFIX} {string}" if prefix and string else string
    sys.stderr.write(text + ("\n" if newline else ""))


def termwarn(string: str, repeat: bool = True, prefix: bool = True) -> None:
    """Print a warning line to stderr (unless silenced)."""
    if _silent():
        return
    sys.stderr.write(f"{_PREFIX} WARNING {string}\n" if prefix else f"{string}\n")


def termerror(string: str, repeat: bool = True, prefix: bool = True) -> None:
    """Print an error line to stderr (unless silenced)."""
    if _silent():
        return
    sys.stderr.write(f"{_PREFIX} ERROR {string}\n" if prefix else f"{string}\n")
