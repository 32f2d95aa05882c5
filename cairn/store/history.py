"""History readers over the index: exact rows, one key's series, per-key statistics.

``rows`` decodes the stored HISTORY payloads (the bytes the run file holds) with the run's key
schemas, so rows come back exactly as logged, in logged order. ``series`` reads one key's
numeric chunks: for a 1,000,000-step metric that is ~123 rows of packed arrays. Bucketed views
live in :mod:`cairn.store.buckets`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Engine

from cairn.runlog import format as fmt
from cairn.store import chunks as ck
from cairn.store import schema as S

BUILTIN_X = ("_step", "_runtime", "_timestamp")


def rows(
    engine: Engine,
    run_id: str,
    schemas: dict,
    keys: list[str] | None = None,
    min_step: int | None = None,
    max_step: int | None = None,
    page_size: int = 1000,
) -> Iterator[dict]:
    """wandb-shaped rows with ``min_step <= _step < max_step``, in logged order.

    With ``keys``, only rows holding every key (dotted keys reach into nested dicts) are
    yielded, projected to those keys, as ``scan_history(keys=…)`` does. Reads stored payloads
    in pages of about ``page_size`` rows, so memory stays bounded for any run length.
    """
    R = S.history_rows.c
    seq = -1
    while True:
        q = select(R.seq, R.t0, R.rt_off, R.payload, R.count).where(R.run_id == run_id, R.seq > seq)
        if min_step is not None:
            q = q.where(R.step_max >= min_step)
        if max_step is not None:
            q = q.where(R.step_min < max_step)
        got, n = [], 0
        with engine.connect() as conn:
            for r in conn.execute(q.order_by(R.seq)):
                got.append(r)
                n += r.count
                if n >= page_size:
                    break
        if not got:
            return
        for r in got:
            seq = r.seq
            for item in fmt.unpack(r.payload):
                step = item[1]
                if (min_step is not None and step < min_step) or (
                    max_step is not None and step >= max_step
                ):
                    continue
                row = decode_row(item, r.t0, r.rt_off, schemas)
                if keys is None:
                    yield row
                else:
                    out = project_row(row, keys)
                    if out is not None:
                        yield out


def decode_row(item: list, t0: float, rt_off: float, schemas: dict) -> dict:
    """One stored history item ``[schema, step, time, *values]`` as a wandb row; ``t0`` and
    ``rt_off`` are its payload's session clock (``_runtime = time - t0 + rt_off``)."""
    t = item[2]
    row = {"_step": item[1], "_runtime": t - t0 + rt_off, "_timestamp": t}
    row.update(zip(schemas[item[0]], item[3:], strict=False))
    return row


MISSING = object()  # what lookup() returns for a key the row does not hold


def lookup(row: dict, key: str) -> Any:
    """``row[key]``, else the value at dotted ``key`` inside nested dicts, else ``MISSING``."""
    v = row.get(key, MISSING)
    if v is not MISSING or "." not in key:
        return v
    node: Any = row
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


def project_row(row: dict, keys: list[str]) -> dict | None:
    """``row`` projected to ``keys``; None unless every key has a non-None value."""
    out = {}
    for k in keys:
        v = lookup(row, k)
        if v is MISSING or v is None:
            return None
        out[k] = v
    return out


def chunk_rows(
    engine: Engine,
    run_id: str,
    key: str,
    cols: tuple[str, ...],
    step_min: float | None = None,
    step_max: float | None = None,
    seqs: list[int] | None = None,
) -> list:
    """The chunk rows of one key (selected columns), in step order; only those overlapping
    ``step_min..step_max``, and only chunks ``seqs`` when given."""
    C = S.history_chunks.c
    q = select(*(getattr(C, c) for c in cols)).where(C.run_id == run_id, C.key == key)
    if seqs is not None:
        q = q.where(C.seq.in_(seqs))
    if step_min is not None:
        q = q.where(C.step_max >= step_min)
    if step_max is not None:
        q = q.where(C.step_min <= step_max)
    with engine.connect() as conn:
        return conn.execute(q.order_by(C.seq)).all()


def series_arrays(
    engine: Engine, run_id: str, key: str, x_axis: str = "_step"
) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` numpy arrays of every numeric point of ``key``.

    ``x_axis`` is ``_step``, ``_runtime``, ``_timestamp`` or another key, in which case only the
    steps where both keys have numeric values are kept (as a chart over that key draws).
    Cost: one read of the key's chunks (16 bytes per point; 24 with a time axis).
    """
    if x_axis in ("_runtime", "_timestamp"):
        rs = chunk_rows(engine, run_id, key, ("vals", "times"))
        ys = [ck.vals_of(r) for r in rs]
        xs = [ck.times_of(r)[0 if x_axis == "_runtime" else 1] for r in rs]
        return _cat(xs, np.float64), _cat(ys, np.float64)
    rs = chunk_rows(engine, run_id, key, ("step_min", "count", "steps", "vals"))
    steps = _cat([ck.steps_of(r) for r in rs], np.int64)
    ys = _cat([ck.vals_of(r) for r in rs], np.float64)
    if x_axis == "_step":
        return steps, ys
    xsteps, xv = series_arrays(engine, run_id, x_axis)
    if len(xsteps) == len(steps) and np.array_equal(xsteps, steps):
        return xv, ys  # the usual case: the x key is in every row of the metric (step_sync)
    # Both step arrays are sorted and unique: match them by binary search.
    j = np.minimum(np.searchsorted(xsteps, steps), max(len(xsteps) - 1, 0))
    hit = (xsteps[j] == steps) if len(xsteps) else np.zeros(len(steps), bool)
    return xv[j[hit]], ys[hit]


def _cat(parts: list, dtype: Any) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def metric_keys(engine: Engine, run_ids: list[str]) -> list[dict]:
    """Per key over ``run_ids``: kind, count, first and last step (keys sorted by name)."""
    K = S.history_keys.c
    out: dict[str, dict] = {}
    with engine.connect() as conn:
        res = conn.execute(
            select(K.key, K.kind, K.count, K.first_step, K.last_step).where(K.run_id.in_(run_ids))
        )
        for r in res:
            o = out.get(r.key)
            if o is None:
                out[r.key] = {
                    "key": r.key,
                    "kind": r.kind,
                    "count": r.count,
                    "first_step": r.first_step,
                    "last_step": r.last_step,
                }
            else:
                o["count"] += r.count
                o["first_step"] = min(o["first_step"], r.first_step)
                o["last_step"] = max(o["last_step"], r.last_step)
    return [out[k] for k in sorted(out)]
