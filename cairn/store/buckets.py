"""Bucketed history views: min/max/last/count of a key in N buckets along an x-axis.

Contract (``Index.history_buckets``): the x range (``x_min``..``x_max``, default the data's
range) is cut into ``buckets`` equal bins; each returned bucket reports the min and max
(NaN ignored), the last value, the point count and ``x``, the largest x of its points. The
buckets partition the points in range: bucket *i* holds exactly the points with
``x[i-1] < x <= x[i]``. Empty buckets are left out, so at most ``buckets`` come back, and
the last point in range is always the ``last`` of the final bucket.

Cost: O(buckets + chunks touched), independent of the number of points. Statistics come from
the coarsest level that still gives at least one unit per bucket: whole chunks (their
columns), else blocks of 64 points (one small array per chunk), else raw points (only when
the range holds fewer than 64 × ``buckets`` points). A unit goes to the bin of its last x,
which keeps the partition exact with respect to the returned ``x``. Chunks only partly in
range are decoded (at most one at each end for a monotonic axis). ``_step``, ``_runtime``,
``_timestamp`` and a key's ``define_metric`` step metric (stored with the key's points at
ingest) use statistics; chunks where the step metric is missing or decreasing are decoded.
Any other x-axis key is joined point by point (O(points), the documented exception). With
repeated x values (a step metric such as ``epoch``), a block spanning a bucket edge belongs to
the bucket of its last x.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy.engine import Engine

from cairn.store import chunks as ck
from cairn.store.history import chunk_rows, series_arrays

# x-axis -> (chunk min column, chunk max column, block last-x row)
_AXES = {
    "_step": ("step_min", "step_max", ck.STEP1),
    "_runtime": ("rt_min", "rt_max", ck.RT1),
    "_timestamp": ("ts_min", "ts_max", ck.TS1),
}
_STEP_METRIC = ("x_min", "x_max", ck.X1)
_STAT_COLS = (
    "seq",
    "count",
    "step_min",
    "step_max",
    "rt_min",
    "rt_max",
    "ts_min",
    "ts_max",
    "vmin",
    "vmax",
    "last",
    "xkey",
    "x_min",
    "x_max",
    "x_mono",
    "blocks",
)


def history_buckets(
    engine: Engine,
    run_ids: list[str],
    keys: list[str],
    buckets: int = 1000,
    x_axis: str = "_step",
    x_min: float | None = None,
    x_max: float | None = None,
    cost: dict | None = None,
) -> dict:
    """``{run_id: {key: {"x", "min", "max", "last", "count"}}}`` (lists). ``cost``, when given,
    is filled with ``chunks`` (chunk rows read), ``raw_chunks`` (chunks whose points were
    decoded) and ``points`` (points decoded). Raises ``ValueError`` for ``buckets < 1``."""
    if buckets < 1:
        raise ValueError("buckets must be at least 1")
    cost = cost if cost is not None else {}
    for k in ("chunks", "raw_chunks", "points"):
        cost.setdefault(k, 0)
    out: dict[str, dict] = {}
    for rid in run_ids:
        per = out.setdefault(rid, {})
        for key in keys:
            units = _units(engine, rid, key, buckets, x_axis, x_min, x_max, cost)
            if units is None:  # x-axis key not stored with this metric: join point by point
                units = _joined_units(engine, rid, key, x_axis, x_min, x_max, cost)
            res = _reduce(units, buckets, x_min, x_max)
            if x_axis == "_step":
                res["x"] = [int(v) for v in res["x"]]
            per[key] = res
    return out


def _units(
    engine: Engine,
    rid: str,
    key: str,
    n: int,
    axis: str,
    lo: float | None,
    hi: float | None,
    cost: dict,
) -> tuple[np.ndarray, ...] | None:
    """Units (count, min, max, last, last x) in step order, from the coarsest level that
    still gives one unit per bucket; None when ``axis`` is a key not stored in the chunks."""
    builtin = axis in _AXES
    cmin, cmax, b1 = _AXES[axis] if builtin else _STEP_METRIC
    rows = chunk_rows(engine, rid, key, _STAT_COLS)
    cost["chunks"] += len(rows)
    if not builtin and any(r.xkey != axis for r in rows):
        return None
    stats, raw = [], []
    for r in rows:
        a, b = getattr(r, cmin), getattr(r, cmax)
        if a is None or b is None:  # no point of this chunk has an x value
            continue
        if (hi is not None and a > hi) or (lo is not None and b < lo):
            continue
        cut = (lo is not None and a < lo) or (hi is not None and b > hi)
        # Statistics need x in step order within the chunk; a step metric may not be.
        (raw if cut or not (builtin or r.x_mono) else stats).append(r)
    npts = sum(r.count for r in stats) + sum(r.count for r in raw)
    nch = len(stats) + len(raw)
    level = "chunk" if nch >= n else "block" if npts >= n * ck.BLOCK else "raw"
    if level == "raw":
        raw, stats = raw + stats, []
    parts: list[tuple[int, tuple]] = []
    if level == "chunk":
        nan = float("nan")
        for r in stats:
            u = (
                np.array([r.count], float),
                np.array([nan if r.vmin is None else r.vmin]),
                np.array([nan if r.vmax is None else r.vmax]),
                np.array([nan if r.last is None else r.last]),
                np.array([float(getattr(r, cmax))]),
            )
            parts.append((r.seq, u))
    elif stats:
        # Block statistics came with the first query: the blob is small and stored first.
        for r in stats:
            bl = ck.blocks_of(r)
            parts.append((r.seq, (bl[ck.COUNT], bl[ck.MIN], bl[ck.MAX], bl[ck.LAST], bl[b1])))
    if raw:
        cols = ("seq", "step_min", "count", "steps", "vals", "times", "xs")
        for r in chunk_rows(engine, rid, key, cols, seqs=[r.seq for r in raw]):
            cost["raw_chunks"] += 1
            cost["points"] += r.count
            u = _raw_units(r, axis, lo, hi, level == "raw")
            if u is not None:
                parts.append((r.seq, u))
    parts.sort(key=lambda p: p[0])
    if not parts:
        e = np.empty(0)
        return e, e, e, e, e
    return tuple(np.concatenate([p[1][i] for p in parts]) for i in range(5))


def _raw_units(r, axis: str, lo: float | None, hi: float | None, points: bool) -> tuple | None:  # noqa: ANN001
    """Units of one decoded chunk restricted to ``lo..hi``: its points, or blocks of them."""
    steps, vals = ck.steps_of(r), ck.vals_of(r)
    rt, ts = ck.times_of(r)
    xs = ck.xs_of(r)
    x = {"_step": steps.astype(np.float64), "_runtime": rt, "_timestamp": ts}.get(axis, xs)
    m = np.isfinite(x)
    if lo is not None:
        m &= x >= lo
    if hi is not None:
        m &= x <= hi
    steps, vals, rt, ts, x = steps[m], vals[m], rt[m], ts[m], x[m]
    if not len(vals):
        return None
    if points or (len(x) > 1 and np.any(x[1:] < x[:-1])):
        return np.ones(len(vals)), vals, vals, vals, x
    bl = ck.block_stats(steps, vals, rt, ts, x)
    return bl[ck.COUNT], bl[ck.MIN], bl[ck.MAX], bl[ck.LAST], bl[ck.X1]


def _joined_units(
    engine: Engine, rid: str, key: str, axis: str, lo: float | None, hi: float | None, cost: dict
) -> tuple[np.ndarray, ...]:
    x, y = series_arrays(engine, rid, key, axis)
    x = x.astype(np.float64)
    cost["points"] += len(y)
    m = np.ones(len(x), bool)
    if lo is not None:
        m &= x >= lo
    if hi is not None:
        m &= x <= hi
    x, y = x[m], y[m]
    return np.ones(len(y)), y, y, y, x


def _reduce(
    units: tuple[np.ndarray, ...], n: int, lo: float | None, hi: float | None
) -> dict[str, Any]:
    cnt, mn, mx, last, xl = units
    if not len(cnt):
        return {"x": [], "min": [], "max": [], "last": [], "count": []}
    lo = float(np.nanmin(xl)) if lo is None else float(lo)
    hi = float(np.nanmax(xl)) if hi is None else float(hi)
    if hi > lo:
        b = np.floor((xl - lo) / (hi - lo) * n)
        b = np.clip(np.nan_to_num(b, nan=0.0), 0, n - 1).astype(np.int64)
    else:
        b = np.zeros(len(xl), np.int64)
    if np.any(b[1:] < b[:-1]):  # x not monotonic in step order: group by bin, keep step order
        order = np.argsort(b, kind="stable")
        cnt, mn, mx, last, xl, b = (
            cnt[order],
            mn[order],
            mx[order],
            last[order],
            xl[order],
            b[order],
        )
        # x of a bucket is its largest x when units are out of order
        ends_x = True
    else:
        ends_x = False
    starts = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])
    ends = np.r_[starts[1:], len(b)] - 1
    with np.errstate(invalid="ignore"):
        bmin = np.fmin.reduceat(mn, starts)
        bmax = np.fmax.reduceat(mx, starts)
    x = np.fmax.reduceat(xl, starts) if ends_x else xl[ends]
    return {
        "x": x.tolist(),
        "min": bmin.tolist(),
        "max": bmax.tolist(),
        "last": last[ends].tolist(),
        "count": np.add.reduceat(cnt, starts).astype(np.int64).tolist(),
    }
