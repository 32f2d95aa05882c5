"""Value conversion for history, summary and config (wandb-semantics R2.11, R3.4, R4.6).

Everything a run records must be msgpack-encodable: dict/list/str/int/float/bool/None. Rich
values (NumPy, torch, datetimes, enums, sets, media) are converted here, in the caller's
thread, so bad input raises before anything is queued. NumPy and torch are never imported
here: a value is recognised by its type's module name.
"""

from __future__ import annotations

import datetime
import enum
from typing import Any

SIMPLE = frozenset((int, float, str, bool, type(None)))
HIST_BINS = 32
INLINE_MAX = 32


class Unserializable(TypeError):
    pass


def _is_media(v: Any) -> bool:
    return hasattr(v, "to_json") and hasattr(v, "_cairn_media")


def to_value(v: Any, ctx: Any = None, key: str = "", mode: str = "history") -> Any:
    """Convert one value. ``mode`` is ``"history"``, ``"summary"`` or ``"config"``.

    ``ctx`` is the run (needed to store media bytes); ``key`` names the value for media file
    names and error messages. Raises ``TypeError`` naming ``key`` for unsupported values.
    """
    t = type(v)
    if t in SIMPLE:
        if t is int and not -(1 << 63) <= v < (1 << 63):
            return float(v)
        return v
    if isinstance(v, dict):
        return {str(k): to_value(x, ctx, str(k), mode) for k, x in v.items()}
    if isinstance(v, (list, tuple)) or t is range:
        items = list(v)
        if items and ctx is not None and mode != "config" and all(_is_media(x) for x in items):
            from cairn.data_types.serialize import batch_to_json

            return batch_to_json(items, ctx, key, summary=mode == "summary")
        return [to_value(x, ctx, key, mode) for x in items]
    if isinstance(v, (set, frozenset)):
        return [to_value(x, ctx, key, mode) for x in v]
    if isinstance(v, bool):
        return bool(v)
    if isinstance(v, int) and not isinstance(v, enum.Enum):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, enum.Enum):
        return v.name
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    mod = getattr(t, "__module__", "") or ""
    if mod == "numpy" or mod.startswith("numpy."):
        return _numpy(v, ctx, key, mode)
    if mod.startswith("torch") or mod.startswith("tensorflow") or mod.startswith("jax"):
        return _tensor(v, ctx, key, mode)
    if _is_media(v):
        if mode == "config":
            raise ValueError("WBValue objects cannot be added to the run config")
        if ctx is None:
            raise TypeError(f"{t.__name__} for key {key!r} can only be logged to a run")
        return v.to_json(ctx, key) if mode != "summary" else v.to_json(ctx, key, summary=True)
    if mod.startswith("pandas") and t.__name__ == "DataFrame" and mode != "config":
        from cairn.data_types import Table

        return to_value(Table(dataframe=v), ctx, key, mode)
    if mod.startswith("matplotlib") or mod.startswith("plotly") or getattr(v, "__name__", None) == "matplotlib.pyplot":
        if mode != "config":
            from cairn.data_types.serialize import figure_to_media

            return to_value(figure_to_media(v), ctx, key, mode)
    if mode == "config":
        import dataclasses

        if dataclasses.is_dataclass(v):
            return to_value(dataclasses.asdict(v), ctx, key, mode)
        if isinstance(v, slice):
            return {"slice_start": v.start, "slice_step": v.step, "slice_stop": v.stop}
        if callable(v):
            return f"{getattr(v, '__module__', '')}.{getattr(v, '__qualname__', repr(v))}"
        return str(v)
    if callable(v):
        return f"{getattr(v, '__module__', '')}.{getattr(v, '__qualname__', repr(v))}"
    raise Unserializable(f"Object of type {t.__name__} is not JSON serializable (key {key!r})")


def _numpy(v: Any, ctx: Any, key: str, mode: str) -> Any:
    import numpy as np

    if isinstance(v, np.generic):
        return to_value(v.item(), ctx, key, mode)
    if isinstance(v, np.ndarray):
        return _array(v, ctx, key, mode)
    return to_value(v.tolist(), ctx, key, mode)


def _tensor(v: Any, ctx: Any, key: str, mode: str) -> Any:
    if hasattr(v, "detach"):
        v = v.detach()
    if hasattr(v, "cpu"):
        v = v.cpu()
    if hasattr(v, "numpy"):
        try:
            v = v.numpy()
        except Exception:
            v = v.float().numpy()
    import numpy as np

    return _array(np.asarray(v), ctx, key, mode, type_name=None)


def _array(a: Any, ctx: Any, key: str, mode: str, type_name: str | None = None) -> Any:
    import numpy as np

    if a.size == 1:
        return to_value(a.reshape(()).item(), ctx, key, mode)
    if mode == "config" or a.size <= INLINE_MAX or a.dtype.kind not in "biuf":
        return to_value(a.tolist(), ctx, key, mode)
    if mode == "summary":
        flat = a.astype(float).ravel()
        q = np.percentile(flat, [10, 25, 75, 90])
        return {
            "_type": type_name or "numpy.ndarray",
            "var": float(flat.var()),
            "mean": float(flat.mean()),
            "min": float(flat.min()),
            "max": float(flat.max()),
            "10%": float(q[0]),
            "25%": float(q[1]),
            "75%": float(q[2]),
            "90%": float(q[3]),
            "size": int(a.size),
        }
    flat = a.astype(float).ravel()
    finite = flat[np.isfinite(flat)]
    counts, edges = np.histogram(finite if finite.size else [0.0], bins=HIST_BINS)
    return {"_type": "histogram", "values": counts.tolist(), "bins": edges.tolist()}


def copy_plain(v: Any) -> Any:
    """A copy of a converted value deep enough that no dict or list is shared with ``v``.

    Used where one value goes both into live state (config, summary) and into a queued record:
    the writer packs records later, so a shared dict changed in between would change the
    record. Cost: proportional to the number of containers; scalars are returned as they are.
    """
    if type(v) is dict:
        return {k: copy_plain(x) for k, x in v.items()}
    if type(v) is list:
        return [copy_plain(x) for x in v]
    return v
