"""Split HISTORY batches into per-key numeric columns and per-key statistics.

A batch is a list of ``[schema, step, time, v1…vn]`` rows (the run file's HISTORY payload).
Rows that share a schema are converted column by column with numpy, so a batch of plain
floats costs a few numpy calls per key rather than Python work per value; columns holding
anything else (strings, ``None``, nested dicts, media) take a per-value path. Nested dicts
without ``_type`` are flattened into dotted keys (``"nested.x.y"``), as the wandb server does
for charts (R2.10); the exact logged rows are kept elsewhere (``history_rows``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cairn.sdk.metrics import MetricDefs

_MEDIA = frozenset(
    (
        "image-file",
        "images/separated",
        "video-file",
        "audio-file",
        "html-file",
        "object3D-file",
        "molecule-file",
        "plotly-file",
        "table-file",
        "joined-table",
        "partitioned-table",
        "bokeh-file",
        "graph-file",
        "images",
        "audio",
        "videos",
        # Batch descriptors of several media objects under one key (cairn/data_types/serialize.py)
        "object3D",
        "molecule",
        "html",
        # A table logged inline (cairn/data_types/artifact_json.py); overlays of an image.
        "table",
        "mask",
        "boxes2D",
    )
)
_DERIVED = frozenset(("_step", "_runtime", "_timestamp"))


def kind_of(v: Any) -> str:
    """The ``metric_keys`` kind of one logged value."""
    t = type(v)
    if t is float or t is int:
        return "number"
    if t is str:
        return "string"
    if t is dict:
        typ = v.get("_type")
        if typ == "histogram":
            return "histogram"
        if typ in _MEDIA or (isinstance(typ, str) and typ.endswith("-file")):
            return "media"
    return "other"


class Columns:
    """Accumulates the numeric points and key statistics of the batches it is fed.

    ``points[key]`` is a list of ``(steps, values, runtime, timestamp, xs, xkey)`` in step order
    (``xs``/``xkey``: the key's step-metric values and name, or None); ``stats[key]`` is ``[kind, count, first_step, last_step]`` for every key seen
    (numeric or not, ``None`` values not counted).
    """

    def __init__(self) -> None:
        self.points: dict[str, list[tuple[np.ndarray, ...]]] = {}
        self.stats: dict[str, list] = {}
        self.values = 0

    def add_batch(
        self, batch: list, schemas: dict, t0: float, rt_off: float, defs: MetricDefs | None = None
    ) -> list:
        """Add one HISTORY payload. Returns its runs of same-schema rows as
        ``(start, end, has_dict)`` (``has_dict``: some value is a dict), for the summary replay.

        With ``defs``, a key with a ``step_metric`` also gets that metric's value from each of
        its rows (NaN where the row lacks a number for it), for bucketed views over it."""
        groups = []
        i, n = 0, len(batch)
        while i < n:
            sid = batch[i][0]
            j = i + 1
            while j < n and batch[j][0] == sid:
                j += 1
            groups.append((i, j, self._add_group(batch[i:j], schemas[sid], t0, rt_off, defs)))
            i = j
        return groups

    def _add_group(
        self, rows: list, keys: list, t0: float, rt_off: float, defs: MetricDefs | None
    ) -> bool:
        cols = list(zip(*rows, strict=True))  # one C-level transpose: a tuple per column
        steps = np.array(cols[1], dtype=np.int64)
        times = np.array(cols[2], dtype=np.float64)
        rt = times - t0 + rt_off
        ts = times
        if "_timestamp" in keys:
            # A user _timestamp wins over the SDK clock (as in wandb).
            col = keys.index("_timestamp") + 3
            ts = np.array(
                [r[col] if type(r[col]) in (int, float) else r[2] for r in rows], dtype=np.float64
            )
        has_dict = False
        xcols: dict[str, np.ndarray] = {}
        for c, key in enumerate(keys):
            if key in _DERIVED:
                continue
            col = cols[c + 3]
            arr = np.array(col)
            if arr.dtype.kind in "fiu" and arr.ndim == 1:
                self._numeric(
                    key,
                    steps,
                    arr.astype(np.float64, copy=False),
                    rt,
                    ts,
                    self._x_for(key, keys, cols, defs, xcols),
                )
            else:
                has_dict = self._slow(key, col, steps, rt, ts, keys, cols, defs, xcols) or has_dict
        return has_dict

    @staticmethod
    def _x_for(
        key: str, keys: list, cols: list, defs: MetricDefs | None, cache: dict
    ) -> tuple[np.ndarray, str] | None:
        """``(values, name)`` of ``key``'s step metric in these rows, or None."""
        if defs is None or not defs.any_step:
            return None
        d = defs.resolve(key)
        sm = d.get("step_metric") if d else None
        if not sm or sm == key:
            return None
        xs = cache.get(sm)
        if xs is None:
            if sm in keys:
                col = cols[keys.index(sm) + 3]
                xs = np.array(
                    [v if type(v) in (int, float) else np.nan for v in col], dtype=np.float64
                )
            else:
                xs = np.full(len(cols[1]), np.nan)
            cache[sm] = xs
        return xs, sm

    def _numeric(self, key: str, steps, vals, rt, ts, x=None) -> None:  # noqa: ANN001
        xs, xkey = x if x is not None else (None, None)
        self.points.setdefault(key, []).append((steps, vals, rt, ts, xs, xkey))
        self._count(key, "number", len(vals), int(steps[0]), int(steps[-1]))
        self.values += len(vals)

    def _count(self, key: str, kind: str, n: int, first: int, last: int) -> None:
        st = self.stats.get(key)
        if st is None:
            self.stats[key] = [kind, n, first, last]
        else:
            st[1] += n
            st[3] = last

    def _slow(self, key: str, col: tuple, steps, rt, ts, keys, cols, defs, xcols) -> bool:  # noqa: ANN001
        flat: dict[str, list] = {}
        has_dict = False
        for i, v in enumerate(col):
            if type(v) is dict:
                has_dict = True
            _flatten(key, v, i, flat)
        for k, items in flat.items():
            idx = np.array([i for i, v in items if type(v) in (int, float)], dtype=np.int64)
            if len(idx):
                vals = np.array([v for _, v in items if type(v) in (int, float)], dtype=np.float64)
                x = self._x_for(k, keys, cols, defs, xcols)
                xs, xkey = (x[0][idx], x[1]) if x is not None else (None, None)
                self.points.setdefault(k, []).append((steps[idx], vals, rt[idx], ts[idx], xs, xkey))
                self.values += len(idx)
            kinds = [kind_of(v) for _, v in items]
            self._count(
                k,
                kinds[0] if kinds else "other",
                len(items),
                int(steps[items[0][0]]),
                int(steps[items[-1][0]]),
            )
        return has_dict


def _flatten(key: str, v: Any, i: int, out: dict) -> None:
    if v is None:
        return
    if type(v) is dict and "_type" not in v:
        for kk, vv in v.items():
            _flatten(f"{key}.{kk}", vv, i, out)
        return
    out.setdefault(key, []).append((i, v))
