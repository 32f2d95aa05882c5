"""``run.config``: hyperparameters, with wandb's access and immutability rules (R4.1–R4.10).

Every successful write emits one CONFIG record through the run's append path. Changing an
existing key to a different value raises :class:`ConfigError` unless ``allow_val_change``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from cairn.sdk.convert import copy_plain, to_value
from cairn.sdk.errors import ConfigError


def _norm_key(k: Any) -> str:
    if not isinstance(k, str):
        k = str(k)
    return k.strip("-")


def parse_config(obj: Any, include: Any = None, exclude: Any = None) -> dict:
    """Turn any accepted config source into a plain dict (R4.5); apply include/exclude keys."""
    if include and exclude:
        from cairn.sdk.errors import UsageError

        raise UsageError("Expected at most only one of exclude or include")
    d = to_dict(obj)
    if include:
        d = {k: v for k, v in d.items() if k in include}
    if exclude:
        d = {k: v for k, v in d.items() if k not in exclude}
    return d


def to_dict(obj: Any) -> dict:
    if obj is None:
        return {}
    if isinstance(obj, Mapping):
        return dict(obj)
    if isinstance(obj, (str, os.PathLike)):
        return load_yaml_config(os.fspath(obj))
    if hasattr(obj, "flag_values_dict"):  # absl FLAGS
        return dict(obj.flag_values_dict())
    if hasattr(obj, "FLAGS") and hasattr(obj.FLAGS, "flag_values_dict"):  # the absl.flags module
        return dict(obj.FLAGS.flag_values_dict())
    if hasattr(obj, "__flags"):  # TF1 flags
        return {k: v.value for k, v in obj.__flags.items()}
    import dataclasses

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    if hasattr(obj, "__dict__"):
        return dict(vars(obj))
    raise TypeError("config must be a dict or have a __dict__ attribute.")


def load_yaml_config(path: str) -> dict:
    """Read a wandb-style config file: ``key: {value: v, desc: ...}`` (plain values accepted)."""
    import yaml

    try:
        with open(path) as f:
            data = yaml.safe_load(f) or {}
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}")
    except yaml.YAMLError as e:
        raise ConfigError(f"config file {path} is not valid YAML: {e}")
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping at the top level")
    version = data.pop("wandb_version", 1)
    if version != 1:
        raise ConfigError(f"config file {path}: unknown wandb_version {version!r}")
    out = {}
    for k, v in data.items():
        if k == "_wandb":
            continue
        out[k] = v["value"] if isinstance(v, dict) and "value" in v else v
    return out


class Config:
    """Dict-like hyperparameters with attribute access. Nested values are plain dicts."""

    def __init__(self) -> None:
        object.__setattr__(self, "_items", {})
        object.__setattr__(self, "_emit", None)
        object.__setattr__(self, "_check", None)
        object.__setattr__(self, "_locked", {})

    # -- wiring ----------------------------------------------------------------------------
    def _bind(self, emit: Callable[[dict], None] | None, check: Callable[[], None] | None) -> None:
        object.__setattr__(self, "_emit", emit)
        object.__setattr__(self, "_check", check)

    # -- reads -----------------------------------------------------------------------------
    def __getattr__(self, k: str) -> Any:
        if k.startswith("__"):
            raise AttributeError(k)
        try:
            return self._items[k]
        except KeyError:
            raise AttributeError(f"{self.__class__.__name__!r} object has no attribute {k!r}")

    def __getitem__(self, k: str) -> Any:
        return self._items[k]

    def __contains__(self, k: object) -> bool:
        return k in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def get(self, k: str, default: Any = None) -> Any:
        return self._items.get(k, default)

    def keys(self) -> list[str]:
        return [k for k in self._items if not k.startswith("_")]

    def items(self) -> list[tuple[str, Any]]:
        return [(k, v) for k, v in self._items.items() if not k.startswith("_")]

    def values(self) -> list[Any]:
        return [v for k, v in self._items.items() if not k.startswith("_")]

    def as_dict(self) -> dict:
        return {k: v for k, v in self._items.items() if not k.startswith("_")}

    def __repr__(self) -> str:
        return repr(self.as_dict())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Config):
            return self._items == other._items
        if isinstance(other, Mapping):
            return self.as_dict() == dict(other)
        return NotImplemented

    # -- writes ----------------------------------------------------------------------------
    def __setattr__(self, k: str, v: Any) -> None:
        self._write({k: v}, allow_val_change=False)

    __setitem__ = __setattr__

    def __delattr__(self, k: str) -> None:
        raise AttributeError("Config deletion is not supported")

    def __delitem__(self, k: str) -> None:
        raise AttributeError("Config deletion is not supported")

    def update(self, d: Any, allow_val_change: bool | None = None) -> None:
        """Merge ``d`` (dict, Namespace, absl flags, dataclass, YAML path) into the config."""
        self._write(to_dict(d), allow_val_change=bool(allow_val_change))

    def setdefaults(self, d: Any) -> None:
        """Add only the keys of ``d`` that are not present yet (never raises for changes)."""
        d = {_norm_key(k): v for k, v in to_dict(d).items()}
        self._write({k: v for k, v in d.items() if k not in self._items}, allow_val_change=False)

    def setdefault(self, k: str, default: Any = None) -> Any:
        """Set ``k`` to ``default`` unless present (keys normalised as on write); return its value."""
        k = _norm_key(k)
        if k not in self._items:
            self._write({k: default}, allow_val_change=False)
        return self._items[k]

    def persist(self) -> None:
        """Kept for wandb compatibility: config is written as it changes."""

    def _write(self, d: dict, allow_val_change: bool, emit: bool = True) -> None:
        if self._check is not None:
            self._check()
        upd: dict[str, Any] = {}
        for k, v in d.items():
            k = _norm_key(k)
            if k in self._locked:
                from cairn.sdk.term import termwarn

                termwarn(f"Config item '{k}' was locked by '{self._locked[k]}' (ignored update).")
                continue
            if type(v).__name__ == "Artifact" and hasattr(v, "_cairn_artifact"):
                upd[k] = v  # the run resolves it through use_artifact
                continue
            v = to_value(v, None, k, mode="config")
            if k in self._items and self._items[k] != v and not allow_val_change:
                raise ConfigError(
                    f'Attempted to change value of key "{k}" from {self._items[k]!r} to {v!r}\n'
                    "If you really want to do this, pass allow_val_change=True to config.update()"
                )
            upd[k] = v
        if not upd:
            return
        self._items.update(upd)
        if emit and self._emit is not None:
            # the record gets its own copy: in-place changes to a nested value read back from
            # the config must not reach the run file (R4.7)
            self._emit({k: copy_plain(v) for k, v in upd.items()})
