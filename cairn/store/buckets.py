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
range are decoded (at most one at each end for a monotonic axis). ``_step``, ``_runtime`` and
``_timestamp`` use stored statistics; any other x-axis key is joined point by point with the
metric (O(points); a documented exception).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy.engine import Engine

from cairn.store import chunks as ck
from cairn.store.history import chunk_rows, series_arrays

# x-axis -> (chunk min column, chunk max column, block first row, block last row)
_AXES = {
    "_step": ("step_min", "step_max", ck.STEP0, ck.STEP1),
    "_runtime": ("rt_min", "rt_max", ck.RT0, ck.RT1),
    "_timestamp": ("ts_min", "ts_max", ck.TS0, ck.TS1),
}
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
            if x_axis in _AXES:
                units = _units(engine, rid, key, buckets, x_axis, x_min, x_max, cost)
            else:
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
) -> tuple[np.ndarray, ...]:
    cmin, cmax, b0, b1 = _AXES[axis]
    rows = chunk_rows(engine, rid, key, _STAT_COLS)
    cost["chunks"] += len(rows)
    inside, partial = [], []
    for r in rows:
        a, b = getattr(r, cmin), getattr(r, cmax)
        if (hi is not None and a > hi) or (lo is not None and b < lo):
            continue
        if (lo is not None and a < lo) or (hi is not None and b > hi):
            partial.append(r)
        else:
            inside.append(r)
    npts = sum(r.count for r in inside) + sum(r.count for r in partial)
    level = (
        "chunk" if len(inside) + len(partial) >= n else "block" if npts >= n * ck.BLOCK else "raw"
    )
    parts: list[tuple[float, tuple]] = []
    if level == "chunk":
        for r in inside:
            nan = float("nan")
            u = (
                np.array([r.count], float),
                np.array([nan if r.vmin is None else r.vmin]),
                np.array([nan if r.vmax is None else r.vmax]),
                np.array([nan if r.last is None else r.last]),
                np.array([float(getattr(r, cmax))]),
            )
            parts.append((r.seq, u))
    need_blocks = [r.seq for r in inside] if level == "block" else []
    need_raw = [r.seq for r in partial] + ([r.seq for r in inside] if level == "raw" else [])
    if need_blocks:
        for r in _fetch(engine, rid, key, need_blocks, ("seq", "blocks")):
            bl = ck.blocks_of(r)
            parts.append((r.seq, (bl[ck.COUNT], bl[ck.MIN], bl[ck.MAX], bl[ck.LAST], bl[b1])))
    if need_raw:
        for r in _fetch(engine, rid, key, need_raw, ("seq", "step_min", "count", "steps", "vals", "times")):
            cost["raw_chunks"] += 1
            steps, vals = ck.steps_of(r), ck.vals_of(r)
            rt, ts = ck.times_of(r)
            x = {"_step": steps.astype(np.float64), "_runtime": rt, "_timestamp": ts}[axis]
            cost["points"] += len(vals)
            m = np.ones(len(x), bool)
            if lo is not None:
                m &= x >= lo
            if hi is not None:
                m &= x <= hi
            steps, vals, rt, ts, x = steps[m], vals[m], rt[m], ts[m], x[m]
            if not len(vals):
                continue
            if level == "raw":
                parts.append((r.seq, (np.ones(len(vals)), vals, vals, vals, x)))
            else:
                bl = ck.block_stats(steps, vals, rt, ts)
                parts.append((r.seq, (bl[ck.COUNT], bl[ck.MIN], bl[ck.MAX], bl[ck.LAST], bl[b1])))
    parts.sort(key=lambda p: p[0])
    if not parts:
        e = np.empty(0)
        return e, e, e, e, e
    return tuple(np.concatenate([p[1][i] for p in parts]) for i in range(5))


def _fetch(engine: Engine, rid: str, key: str, seqs: list[int], cols: tuple[str, ...]) -> list:
    from sqlalchemy import select

    from cairn.store import schema as S

    C = S.history_chunks.c
    q = select(*(getattr(C, c) for c in cols)).where(C.run_id == rid, C.key == key, C.seq.in_(seqs))
    with engine.connect() as conn:
        return conn.execute(q).all()


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
