"""Write what ingest produced (:class:`~cairn.ingest.apply.Pending`) into the index tables.

All functions take a connection inside the caller's write transaction. Numeric points of a
key go to a few small tail chunks that are merged into full chunks of ``CHUNK_POINTS`` once
they add up (see ``_append_points``), so a live run ingested often writes little, and reads
still meet mostly full chunks.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from cairn.ingest.apply import Pending
from cairn.ingest.columns import Columns
from cairn.ingest.state import RunState
from cairn.runlog import format as fmt
from cairn.store import chunks as ck
from cairn.store import schema as S


def flush(conn: Connection, st: RunState, p: Pending) -> None:
    """Write and clear everything pending for run ``st.run_id``."""
    rid = st.run_id
    if p.rows:
        conn.execute(insert(S.history_rows), [{"run_id": rid, **r} for r in p.rows])
    for key, parts in p.columns.points.items():
        _append_points(conn, st, key, parts)
    if p.columns.stats:
        _merge_key_stats(conn, st, p.columns.stats)
    if p.files:
        conn.execute(
            delete(S.files).where(S.files.c.run_id == rid, S.files.c.name.in_(list(p.files)))
        )
        kept = [{"run_id": rid, **f} for f in p.files.values() if f is not None]
        if kept:  # names mapped to None were deleted: their rows stay gone
            conn.execute(insert(S.files), kept)
    for table, items in ((S.alerts, p.alerts), (S.console, p.console), (S.system_metrics, p.stats)):
        if items:
            conn.execute(insert(table), [{"run_id": rid, **x} for x in items])
    p.values_flushed += p.columns.values
    p.columns = Columns()
    p.rows, p.files, p.alerts, p.console, p.stats = [], {}, [], [], []
    p.rows_bytes = 0


MAX_TAIL = 8  # partial chunks a key may end with before they are merged


def _append_points(conn: Connection, st: RunState, key: str, parts: list) -> None:
    """Append new points of ``key``: as one more small chunk while the key's partial tail
    chunks are few and small, else merged with that tail into full chunks.

    A live run ingested every second thus writes only its new points most of the time, and
    rewrites at most ``CHUNK_POINTS`` points once every ``MAX_TAIL`` passes; chunks stay
    contiguous in ``seq`` and step order.
    """
    rid, C = st.run_id, S.history_chunks.c
    steps = np.concatenate([x[0] for x in parts])
    vals = np.concatenate([x[1] for x in parts])
    rt = np.concatenate([x[2] for x in parts])
    ts = np.concatenate([x[3] for x in parts])
    xkeys = {x[5] for x in parts}
    # A chunk carries step-metric values only when every point has them for the same metric
    # (a define_metric arriving mid-run leaves earlier chunks without; readers then join).
    xkey = xkeys.pop() if len(xkeys) == 1 else None
    xs = np.concatenate([x[4] for x in parts]) if xkey is not None else None
    n = st.key_chunks.get(key, 0)
    tail_seq, tail_pts = st.key_tail.get(key, (n, 0))
    if n - tail_seq < MAX_TAIL and tail_pts + len(vals) < ck.CHUNK_POINTS:
        conn.execute(
            insert(S.history_chunks),
            [{"run_id": rid, "key": key, "seq": n, **ck.pack(steps, vals, rt, ts, xs, xkey)}],
        )
        st.key_chunks[key] = n + 1
        st.key_tail[key] = (tail_seq, tail_pts + len(vals))
        return
    if tail_seq < n:
        where = (C.run_id == rid, C.key == key, C.seq >= tail_seq)
        olds = conn.execute(
            select(C.seq, C.count, C.step_min, C.steps, C.vals, C.times, C.xs, C.xkey)
            .where(*where)
            .order_by(C.seq)
        ).all()
        if olds:
            times = [ck.times_of(o) for o in olds]
            steps = np.concatenate([*(ck.steps_of(o) for o in olds), steps])
            vals = np.concatenate([*(ck.vals_of(o) for o in olds), vals])
            rt = np.concatenate([*(t[0] for t in times), rt])
            ts = np.concatenate([*(t[1] for t in times), ts])
            if xkey is not None and all(o.xkey == xkey for o in olds):
                xs = np.concatenate([*(ck.xs_of(o) for o in olds), xs])
            else:
                xkey, xs = None, None
            conn.execute(delete(S.history_chunks).where(*where))
    seq = tail_seq
    out = []
    for a in range(0, len(vals), ck.CHUNK_POINTS):
        b = a + ck.CHUNK_POINTS
        x = xs[a:b] if xs is not None else None
        out.append(
            {
                "run_id": rid,
                "key": key,
                "seq": seq,
                **ck.pack(steps[a:b], vals[a:b], rt[a:b], ts[a:b], x, xkey),
            }
        )
        seq += 1
    conn.execute(insert(S.history_chunks), out)
    st.key_chunks[key] = seq
    last = out[-1]["count"]
    st.key_tail[key] = (seq - 1, last) if last < ck.CHUNK_POINTS else (seq, 0)


def _merge_key_stats(conn: Connection, st: RunState, stats: dict) -> None:
    rid, K = st.run_id, S.history_keys.c
    keys = list(stats)
    old = {}
    for i in range(0, len(keys), 500):
        part = keys[i : i + 500]
        for r in conn.execute(select(S.history_keys).where(K.run_id == rid, K.key.in_(part))):
            old[r.key] = r
    rows = []
    for k, (kind, n, first, last) in stats.items():
        o = old.get(k)
        if o is not None:
            kind = o.kind
            n += o.count
            first = o.first_step if o.first_step is not None else first
        rows.append(
            {
                "run_id": rid,
                "key": k,
                "kind": kind,
                "count": n,
                "first_step": first,
                "last_step": last,
                "chunks": st.key_chunks.get(k, 0),
            }
        )
    if old:
        for i in range(0, len(keys), 500):
            conn.execute(
                delete(S.history_keys).where(K.run_id == rid, K.key.in_(keys[i : i + 500]))
            )
    conn.execute(insert(S.history_keys), rows)


def rewind(conn: Connection, st: RunState, cut: int) -> None:
    """Drop every stored history point and row of the run above step ``cut``.

    Rows and chunks wholly above ``cut`` are deleted, the ones straddling it are rewritten,
    and per-key statistics are recounted from the rows that remain. Cost O(rows kept) for the
    recount; rewinds are rare.
    """
    rid = st.run_id
    R, C = S.history_rows.c, S.history_chunks.c
    conn.execute(delete(S.history_rows).where(R.run_id == rid, R.step_min > cut))
    for r in conn.execute(select(S.history_rows).where(R.run_id == rid, R.step_max > cut)).all():
        kept = [x for x in fmt.unpack(r.payload) if x[1] <= cut]
        conn.execute(
            update(S.history_rows)
            .where(R.run_id == rid, R.seq == r.seq)
            .values(payload=fmt.pack(kept), count=len(kept), step_max=max(x[1] for x in kept))
        )
    conn.execute(delete(S.history_chunks).where(C.run_id == rid, C.step_min > cut))
    for r in conn.execute(select(S.history_chunks).where(C.run_id == rid, C.step_max > cut)).all():
        steps, vals = ck.steps_of(r), ck.vals_of(r)
        rt, ts = ck.times_of(r)
        m = steps <= cut
        xs = ck.xs_of(r)
        conn.execute(
            update(S.history_chunks)
            .where(C.run_id == rid, C.key == r.key, C.seq == r.seq)
            .values(
                **ck.pack(steps[m], vals[m], rt[m], ts[m], None if xs is None else xs[m], r.xkey)
            )
        )
    _recount_chunks(conn, st)
    # Recount per-key statistics from the rows that remain.
    cols = Columns()
    for r in conn.execute(select(R.payload, R.t0, R.rt_off).where(R.run_id == rid).order_by(R.seq)):
        batch = fmt.unpack(r.payload)
        if batch:
            cols.add_batch(batch, st.schemas, r.t0, r.rt_off)
    conn.execute(delete(S.history_keys).where(S.history_keys.c.run_id == rid))
    if cols.stats:
        conn.execute(
            insert(S.history_keys),
            [
                {
                    "run_id": rid,
                    "key": k,
                    "kind": kind,
                    "count": n,
                    "first_step": a,
                    "last_step": b,
                    "chunks": st.key_chunks.get(k, 0),
                }
                for k, (kind, n, a, b) in cols.stats.items()
            ],
        )
    if st.last_step is not None and st.last_step > cut:
        st.last_step = int(cut) if cols.stats or cut >= 0 else None


def delete_run_rows(conn: Connection, run_id: str) -> None:
    """Remove every index row of one run (the run row included)."""
    for t in S.PER_RUN:
        conn.execute(delete(t).where(t.c.run_id == run_id))
    conn.execute(delete(S.runs).where(S.runs.c.id == run_id))


def bump_rev(conn: Connection) -> int:
    """Advance the global change counter; returns the new value (serialises writers on PG)."""
    c = S.counters.c
    q = update(S.counters).where(c.name == "rev").values(value=c.value + 1).returning(c.value)
    return conn.execute(q).scalar_one()


def _recount_chunks(conn: Connection, st: RunState) -> None:
    """Rebuild each key's chunk count and partial tail from the stored chunks."""
    C = S.history_chunks.c
    counts: dict[str, list[int]] = {}
    q = select(C.key, C.count).where(C.run_id == st.run_id).order_by(C.key, C.seq)
    for key, count in conn.execute(q):
        counts.setdefault(key, []).append(count)
    st.key_chunks, st.key_tail = {}, {}
    for key, cs in counts.items():
        st.key_chunks[key] = len(cs)
        i = len(cs)
        while i > 0 and cs[i - 1] < ck.CHUNK_POINTS:
            i -= 1
        st.key_tail[key] = (i, sum(cs[i:]))
