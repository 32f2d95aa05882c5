"""Run settings and where they come from (wandb-semantics R1.12–R1.15).

Precedence, lowest to highest: defaults < ``WANDB_*`` environment < ``CAIRN_*`` environment <
``settings=`` < ``cairn.init`` keyword arguments. :func:`resolve` applies it; ``Run.settings``
is a frozen copy.
"""

from __future__ import annotations

import os
from typing import Any

MODES = ("online", "offline", "disabled", "dryrun", "run", "shared")
RESUME = ("allow", "must", "never", "auto")

# setting name -> the suffix after WANDB_ / CAIRN_ that sets it
ENV = {
    "mode": "MODE",
    "project": "PROJECT",
    "entity": "ENTITY",
    "run_name": "NAME",
    "run_notes": "NOTES",
    "run_tags": "TAGS",
    "run_group": "RUN_GROUP",
    "run_job_type": "JOB_TYPE",
    "run_id": "RUN_ID",
    "resume": "RESUME",
    "root_dir": "DIR",
    "silent": "SILENT",
    "quiet": "QUIET",
    "config_paths": "CONFIG_PATHS",
    "sweep_id": "SWEEP_ID",
    "save_code": "SAVE_CODE",
    "disable_code": "DISABLE_CODE",
    "disable_git": "DISABLE_GIT",
    "ignore_globs": "IGNORE_GLOBS",
    "artifact_dir": "ARTIFACT_DIR",
    "cache_dir": "CACHE_DIR",
    "data_dir": "DATA_DIR",
    "console": "CONSOLE",
    "base_url": "BASE_URL",
    "api_key": "API_KEY",
    "x_disable_stats": "X_DISABLE_STATS",
    "x_stats_sampling_interval": "X_STATS_SAMPLING_INTERVAL",
}

_BOOL = {"silent", "quiet", "save_code", "disable_code", "disable_git", "x_disable_stats"}

DEFAULTS: dict[str, Any] = {
    "mode": "online",
    "project": None,
    "entity": None,
    "run_name": None,
    "run_notes": None,
    "run_tags": None,
    "run_group": None,
    "run_job_type": None,
    "run_id": None,
    "resume": None,
    "root_dir": None,
    "silent": False,
    "quiet": False,
    "config_paths": None,
    "sweep_id": None,
    "save_code": False,
    "disable_code": False,
    "disable_git": False,
    "ignore_globs": (),
    "artifact_dir": None,
    "cache_dir": None,
    "data_dir": None,
    "console": "auto",
    "base_url": None,
    "api_key": None,
    "fork_from": None,
    "resume_from": None,
    "program": None,
    "x_flush_interval": 0.05,
    "x_disable_stats": False,
    "x_stats_sampling_interval": 10.0,
    "x_console_flush_interval": 1.0,
}


class Settings:
    """A bag of settings. ``Settings(project="p", run_name="n")``; unknown names are kept."""

    def __init__(self, **kwargs: Any) -> None:
        object.__setattr__(self, "_frozen", False)
        object.__setattr__(self, "_values", dict(DEFAULTS))
        object.__setattr__(self, "_explicit", set())
        self.update(kwargs)

    def update(self, d: dict | None = None, **kwargs: Any) -> None:
        """Set values (marked explicit). Raises ``TypeError`` on a frozen copy."""
        if self._frozen:
            raise TypeError("Please use update() to update attribute `settings` values")
        for k, v in {**(d or {}), **kwargs}.items():
            self._values[k] = v
            self._explicit.add(k)

    def __getattr__(self, k: str) -> Any:
        if k.startswith("__"):
            raise AttributeError(k)
        try:
            return self._values[k]
        except KeyError:
            raise AttributeError(f"Settings has no attribute {k!r}")

    def __setattr__(self, k: str, v: Any) -> None:
        if self._frozen:
            raise TypeError("Please use update() to update attribute `settings` values")
        self.update({k: v})

    def __getitem__(self, k: str) -> Any:
        return self._values[k]

    def explicit(self) -> dict:
        """Only the values set on this object, not the defaults (what ``settings=`` passes on)."""
        return {k: self._values[k] for k in self._explicit}

    def to_dict(self) -> dict:
        """Every value, defaults included."""
        return dict(self._values)

    def frozen_copy(self) -> Settings:
        """A copy whose attribute writes and ``update`` raise ``TypeError``."""
        s = Settings(**self._values)
        object.__setattr__(s, "_frozen", True)
        return s

    def __repr__(self) -> str:
        return f"Settings({self._values!r})"


def _parse_env(name: str, raw: str) -> Any:
    if name in _BOOL:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if name in ("run_tags", "ignore_globs", "config_paths"):
        return tuple(t.strip() for t in raw.split(",") if t.strip())
    return raw


def from_env(environ: dict | None = None) -> dict:
    """Settings named by WANDB_* then CAIRN_* variables (CAIRN_* wins)."""
    env = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for prefix in ("WANDB_", "CAIRN_"):
        for name, suffix in ENV.items():
            raw = env.get(prefix + suffix)
            if raw is not None and raw != "":
                out[name] = _parse_env(name, raw)
    return out


def resolve(settings: Any, kwargs: dict) -> Settings:
    """Merge defaults, environment, a ``settings=`` object or dict, and init keyword args."""
    s = Settings()
    s.update(from_env())
    if settings is not None:
        if isinstance(settings, Settings):
            s.update(settings.explicit())
        elif isinstance(settings, dict):
            s.update(settings)
        else:
            raise TypeError(f"settings must be a cairn.Settings or a dict, not {type(settings).__name__}")
    s.update({k: v for k, v in kwargs.items() if v is not None})
    return s
