"""Cairn: a local-first experiment tracker, call-compatible with wandb.

``import cairn as wandb`` and a wandb training script runs unchanged, writing to a local
root (``./cairn-data``) with no account, network or service process. Importing stays cheap:
data types, artifacts, the query API and their dependencies load on first use.
"""

from __future__ import annotations

from typing import Any

from cairn.sdk.errors import CommError, ConfigError, Error, UsageError
from cairn.sdk.term import termerror, termlog, termwarn

__version__ = "0.1.0"

_LAZY = {
    "init": ("cairn.sdk.init", "init"),
    "Settings": ("cairn.sdk.settings", "Settings"),
    "Run": ("cairn.sdk.run", "Run"),
    "AlertLevel": ("cairn.sdk.run_extras", "AlertLevel"),
    "Api": ("cairn.api", "Api"),
    "Artifact": ("cairn.artifacts", "Artifact"),
    "Image": ("cairn.data_types", "Image"),
    "Video": ("cairn.data_types", "Video"),
    "Audio": ("cairn.data_types", "Audio"),
    "Histogram": ("cairn.data_types", "Histogram"),
    "Table": ("cairn.data_types", "Table"),
    "Object3D": ("cairn.data_types", "Object3D"),
    "Molecule": ("cairn.data_types", "Molecule"),
    "Html": ("cairn.data_types", "Html"),
    "Plotly": ("cairn.data_types", "Plotly"),
    "Graph": ("cairn.data_types", "Graph"),
    "plot": ("cairn.plot", None),
    "data_types": ("cairn.data_types", None),
    "apis": ("cairn.api", None),
    "errors": ("cairn.errors", None),
    "wandb_run": ("cairn.wandb_run", None),
}

__all__ = [
    "init", "finish", "log", "config", "summary", "run", "define_metric", "Error",
    "UsageError", "CommError", "ConfigError", "termlog", "termwarn", "termerror", *_LAZY,
]


def __getattr__(name: str) -> Any:
    spec = _LAZY.get(name)
    if spec is None:
        raise AttributeError(f"module 'cairn' has no attribute {name!r}")
    import importlib

    mod = importlib.import_module(spec[0])
    value = mod if spec[1] is None else getattr(mod, spec[1])
    globals()[name] = value
    return value


def finish(exit_code: int | None = None, quiet: bool | None = None) -> None:
    """Finish the active run, if any (a no-op without one)."""
    from cairn.sdk.globals import active_run

    r = active_run()
    if r is not None:
        r.finish(exit_code=exit_code, quiet=quiet)


def setup(settings: Any = None) -> None:
    """Accepted for compatibility; Cairn needs no service process."""


def login(*args: Any, **kwargs: Any) -> bool:
    """Accepted for compatibility; local runs need no credentials."""
    return True


def teardown(exit_code: int | None = None) -> None:
    """Finish the active run, as :func:`finish`."""
    finish(exit_code=exit_code)


def require(*args: Any, **kwargs: Any) -> None:
    """Accepted for compatibility."""


def define_metric(*args: Any, **kwargs: Any) -> Any:  # replaced on init
    raise Error("You must call cairn.init() before cairn.define_metric()")


def plot_table(*args: Any, **kwargs: Any) -> Any:
    from cairn.plot import plot_table as _pt

    return _pt(*args, **kwargs)


run: Any = None
from cairn.sdk import globals as _globals  # noqa: E402

_globals.reset_module()
