"""Sampled history: up to N rows spread evenly over a run, without decoding the whole run.

The sample is defined exactly as the query API's naive one (``cairn.api.history.sample``): of
the *qualifying* rows in logged order (every row; with ``keys``, the rows holding a non-None
value for every key), positions ``round(i * (n - 1) / (N - 1))`` for ``i < N`` — so the first
and last qualifying rows are always kept — and all of them when ``n <= N``.

How it stays cheap: ``history_rows`` keeps, per stored HISTORY payload, its row count and step
range, so a position is mapped to (payload, offset) from those few columns; inside a payload
msgpack's ``Unpacker.skip`` steps over rows in C without building them, and only the sampled
rows are decoded. With ``keys``, the qualifying rows are found from the numeric chunks of
those keys (their step arrays; dense chunks store no steps at all) when every value of every
key is a number, so nothing is decoded to count them; otherwise (strings, media, bools…) the
rows are decoded once as the naive path does (``cost["fallback"]`` says so).

Cost: O(payloads + samples) rows decoded; payload bytes of the touched payloads are read and
skipped over in C (a few ns per value). ``cost`` receives ``payloads`` (payloads read),
``rows_decoded``, ``rows_skipped`` and ``fallback`` (1 when every row had to be decoded).
"""

from __future__ import annotations

from collections.abc import Iterator

import msgpack
import numpy as np
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from cairn.store import chunks as ck
from cairn.store import history
from cairn.store import schema as S

_ROW_AXES = frozenset(("_step", "_runtime", "_timestamp"))


def positions(n: int, samples: int) -> list[int]:
    """Indices of the sample of ``n`` items (the naive rule, see the module docstring)."""
    if samples <= 0 or n <= 0:
        return []
    if n <= samples:
        return list(range(n))
    if samples == 1:
        return [n - 1]
    return sorted({round(i * (n - 1) / (samples - 1)) for i in range(samples)})


def sample_rows(
    engine: Engine,
    run_id: str,
    schemas: dict,
    samples: int = 500,
    keys: list[str] | None = None,
    x_axis: str = "_step",
    cost: dict | None = None,
) -> list[dict]:
    """Up to ``samples`` wandb-shaped rows of ``run_id``, evenly spread (see module docstring).

    Without ``keys`` rows are whole (nested dicts as logged); with ``keys`` they are projected
    to ``x_axis`` (when the row has it) + ``keys``. Never raises for an empty run (``[]``).
    """
    cost = cost if cost is not None else {}
    for k in ("payloads", "rows_decoded", "rows_skipped", "fallback"):
        cost.setdefault(k, 0)
    R = S.history_rows.c
    with engine.connect() as conn:
        meta = conn.execute(
            select(R.seq, R.count, R.step_min, R.step_max, R.t0, R.rt_off)
            .where(R.run_id == run_id)
            .order_by(R.seq)
        ).all()
    if not meta:
        return []
    if keys is None:
        counts = np.array([m.count for m in meta], dtype=np.int64)
        want = positions(int(counts.sum()), samples)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        at = np.searchsorted(starts, want, side="right") - 1
        picks: dict[int, list[int]] = {}
        for pos, i in zip(want, at.tolist(), strict=True):
            picks.setdefault(i, []).append(pos - int(starts[i]))
        return list(_decode(engine, run_id, meta, picks, schemas, None, cost))
    steps = _qualifying_steps(engine, run_id, keys)
    if steps is None:  # some key holds non-numbers: decode every row once
        cost["fallback"] = 1
        got = []
        for row in history.rows(engine, run_id, schemas):
            cost["rows_decoded"] += 1
            out = _project(row, keys, x_axis)
            if out is not None:
                got.append(out)
        return [got[i] for i in positions(len(got), samples)]
    chosen = steps[positions(len(steps), samples)]
    lo = np.array([m.step_min for m in meta], dtype=np.int64)
    at = np.searchsorted(lo, chosen, side="right") - 1
    picks = {}
    for s, i in zip(chosen.tolist(), at.tolist(), strict=True):
        picks.setdefault(i, []).append(s)
    return [
        out
        for row in _decode(engine, run_id, meta, picks, schemas, "step", cost)
        if (out := _project(row, keys, x_axis)) is not None
    ]


def _project(row: dict, keys: list[str], x_axis: str) -> dict | None:
    if x_axis in keys:  # x first, as the naive path projects to [x_axis, *keys]
        return history.project_row(row, list(dict.fromkeys([x_axis, *keys])))
    out = history.project_row(row, keys)
    if out is None:
        return None
    x = history.lookup(row, x_axis)
    return out if x is history.MISSING else {x_axis: x, **out}


def _qualifying_steps(engine: Engine, run_id: str, keys: list[str]) -> np.ndarray | None:
    """Sorted steps of the rows holding a non-None value for every key, from the keys' numeric
    chunks; None when some key has values the chunks do not hold (then the caller decodes)."""
    user = [k for k in dict.fromkeys(keys) if k not in _ROW_AXES]
    K, C = S.history_keys.c, S.history_chunks.c
    with engine.connect() as conn:
        counts = dict(
            conn.execute(
                select(K.key, K.count).where(K.run_id == run_id, K.key.in_(user))
            ).all()
        )
        pts = dict(
            conn.execute(
                select(C.key, func.sum(C.count))
                .where(C.run_id == run_id, C.key.in_(user))
                .group_by(C.key)
            ).all()
        )
    missing = [k for k in user if k not in counts]
    if missing:
        with engine.connect() as conn:
            known = conn.execute(select(K.key).where(K.run_id == run_id)).scalars().all()
        if any(s.startswith(k + ".") for k in missing for s in known):
            return None  # a parent of dotted keys: rows hold it as a dict, decode them
        return np.empty(0, dtype=np.int64)  # a key never logged: no row qualifies
    if any(int(pts.get(k) or 0) != int(counts[k]) for k in user):
        return None
    out: np.ndarray | None = None
    for k in user:
        rs = history.chunk_rows(engine, run_id, k, ("step_min", "count", "steps"))
        st = np.concatenate([ck.steps_of(r) for r in rs]) if rs else np.empty(0, np.int64)
        if out is None or (len(out) == len(st) and np.array_equal(out, st)):
            out = st  # the usual case: keys logged together in every row
        else:
            out = np.intersect1d(out, st, assume_unique=True)
    if out is None:  # only row axes asked for: every row qualifies
        R = S.history_rows.c
        with engine.connect() as conn:
            rs = conn.execute(
                select(R.step_min, R.step_max, R.count).where(R.run_id == run_id).order_by(R.seq)
            ).all()
        if all(r.step_max - r.step_min + 1 == r.count for r in rs):
            return np.concatenate([np.arange(r.step_min, r.step_max + 1) for r in rs])
        return None
    return out


def _decode(
    engine: Engine,
    run_id: str,
    meta: list,
    picks: dict[int, list],
    schemas: dict,
    by: str | None,
    cost: dict,
) -> Iterator[dict]:
    """Rows picked from payloads ``picks`` (index into ``meta`` → offsets, or steps when
    ``by == "step"``), decoded one by one with everything between them skipped."""
    R = S.history_rows.c
    seqs = [meta[i].seq for i in sorted(picks)]
    payloads: dict[int, bytes] = {}
    with engine.connect() as conn:
        for lo in range(0, len(seqs), 500):
            q = select(R.seq, R.payload).where(R.run_id == run_id, R.seq.in_(seqs[lo : lo + 500]))
            payloads.update(conn.execute(q).all())
    for i in sorted(picks):
        m = meta[i]
        raw = payloads[m.seq]
        cost["payloads"] += 1
        wanted = picks[i]
        if by == "step":
            if m.step_max - m.step_min + 1 != m.count:  # sparse steps: find offsets by decoding
                items = msgpack.unpackb(raw, raw=False, strict_map_key=False)
                cost["rows_decoded"] += len(items)
                where = {it[1]: j for j, it in enumerate(items)}
                for s in wanted:
                    if s in where:
                        yield history.decode_row(items[where[s]], m.t0, m.rt_off, schemas)
                continue
            wanted = [s - m.step_min for s in wanted]
        u = msgpack.Unpacker(raw=False, strict_map_key=False, max_buffer_size=len(raw) + 1)
        u.feed(raw)
        u.read_array_header()
        j = 0
        for off in wanted:
            while j < off:
                u.skip()
                j += 1
            item = u.unpack()
            j += 1
            cost["rows_decoded"] += 1
            yield history.decode_row(item, m.t0, m.rt_off, schemas)
        cost["rows_skipped"] += j - len(wanted)
