"""Numeric history chunks: packing, unpacking and per-block statistics.

A chunk holds up to ``CHUNK_POINTS`` consecutive points of one key of one run, in step order:
steps (int64), values (float64), runtime and timestamp (float64) and, when the key has a
``define_metric`` step metric, that metric's value in the same row (``xs``, NaN where the row
lacks it). Next to the points it keeps statistics for each block of ``BLOCK`` points
(``STAT_ROWS`` float64 rows, one column per block): count, min, max, last value, and the
first/last step, runtime, timestamp and step-metric value. Bucketed views combine block
statistics instead of points, so their cost follows the number of blocks and buckets, never
the number of points. Min and max ignore NaN (a block of only NaN has NaN).
"""

from __future__ import annotations

import math

import numpy as np

CHUNK_POINTS = 8192
BLOCK = 64
# Row indices of the block statistics array.
COUNT, MIN, MAX, LAST, STEP0, STEP1, RT0, RT1, TS0, TS1, X0, X1 = range(12)
STAT_ROWS = 12


def block_stats(
    steps: np.ndarray,
    vals: np.ndarray,
    rt: np.ndarray,
    ts: np.ndarray,
    xs: np.ndarray | None = None,
    block: int = BLOCK,
) -> np.ndarray:
    """Statistics of consecutive blocks of ``block`` points; shape ``(STAT_ROWS, nblocks)``."""
    n = len(vals)
    starts = np.arange(0, n, block)
    ends = np.minimum(starts + block, n) - 1
    out = np.empty((STAT_ROWS, len(starts)))
    out[COUNT] = ends - starts + 1
    with np.errstate(invalid="ignore"):
        out[MIN] = np.fmin.reduceat(vals, starts)
        out[MAX] = np.fmax.reduceat(vals, starts)
    out[LAST] = vals[ends]
    out[STEP0] = steps[starts]
    out[STEP1] = steps[ends]
    out[RT0] = rt[starts]
    out[RT1] = rt[ends]
    out[TS0] = ts[starts]
    out[TS1] = ts[ends]
    out[X0] = np.nan if xs is None else xs[starts]
    out[X1] = np.nan if xs is None else xs[ends]
    return out


def _num(x: float) -> float | None:
    # SQLite stores NaN as NULL anyway; make both databases agree.
    x = float(x)
    return None if math.isnan(x) else x


def pack(
    steps: np.ndarray,
    vals: np.ndarray,
    rt: np.ndarray,
    ts: np.ndarray,
    xs: np.ndarray | None = None,
    xkey: str | None = None,
) -> dict:
    """Column values of one chunk row (without run_id/key/seq). Cost O(points).

    ``xs``/``xkey``: the step metric's value in each point's row, and its name. ``x_mono`` says
    whether ``xs`` is finite and non-decreasing, which bucketed views over it rely on.
    """
    steps = np.ascontiguousarray(steps, dtype="<i8")
    vals = np.ascontiguousarray(vals, dtype="<f8")
    rt = np.ascontiguousarray(rt, dtype="<f8")
    ts = np.ascontiguousarray(ts, dtype="<f8")
    if xs is not None:
        xs = np.ascontiguousarray(xs, dtype="<f8")
    with np.errstate(invalid="ignore"):
        vmin = np.fmin.reduce(vals)
        vmax = np.fmax.reduce(vals)
        xmin = np.fmin.reduce(xs) if xs is not None else np.nan
        xmax = np.fmax.reduce(xs) if xs is not None else np.nan
    mono = xs is not None and bool(np.all(np.isfinite(xs))) and bool(np.all(xs[1:] >= xs[:-1]))
    return {
        "count": len(vals),
        "step_min": int(steps[0]),
        "step_max": int(steps[-1]),
        "rt_min": float(rt.min()),
        "rt_max": float(rt.max()),
        "ts_min": float(ts.min()),
        "ts_max": float(ts.max()),
        "vmin": _num(vmin),
        "vmax": _num(vmax),
        "first": _num(vals[0]),
        "last": _num(vals[-1]),
        "xkey": xkey if xs is not None else None,
        "x_min": _num(xmin),
        "x_max": _num(xmax),
        "x_mono": int(mono),
        "blocks": block_stats(steps, vals, rt, ts, xs).astype("<f8").tobytes(),
        # Dense steps (the usual case) are implied by step_min and count.
        "steps": b"" if int(steps[-1]) - int(steps[0]) + 1 == len(steps) else steps.tobytes(),
        "vals": vals.tobytes(),
        "xs": xs.tobytes() if xs is not None else b"",
        "times": np.concatenate([rt, ts]).tobytes(),
    }


def steps_of(row) -> np.ndarray:  # noqa: ANN001 - a row with steps, step_min, count
    """The chunk's steps (implied by ``step_min``/``count`` when stored dense)."""
    if not row.steps:
        return np.arange(row.step_min, row.step_min + row.count, dtype=np.int64)
    return np.frombuffer(row.steps, dtype="<i8")


def vals_of(row) -> np.ndarray:  # noqa: ANN001
    """The chunk's values (a read-only view of the stored bytes)."""
    return np.frombuffer(row.vals, dtype="<f8")


def xs_of(row) -> np.ndarray | None:  # noqa: ANN001
    """The step metric's value at each point, or None when the chunk stores none."""
    return np.frombuffer(row.xs, dtype="<f8") if row.xs else None


def times_of(row) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """``(runtime, timestamp)`` of each point."""
    t = np.frombuffer(row.times, dtype="<f8")
    n = len(t) // 2
    return t[:n], t[n:]


def blocks_of(row) -> np.ndarray:  # noqa: ANN001
    """The block statistics, shape ``(STAT_ROWS, nblocks)`` (see :func:`block_stats`)."""
    return np.frombuffer(row.blocks, dtype="<f8").reshape(STAT_ROWS, -1)
