"""``Index``: the one object that reads and maintains the index of a root (the contract is in
``docs/architecture.md``). The only module callers use to talk to the database.

An ``Index`` owns an SQLAlchemy engine (SQLite in WAL mode by default, PostgreSQL by URL) whose
schema is migrated on open. Queries over runs are evaluated over an in-process copy of the
runs table that is refreshed incrementally: every change bumps a global counter, and a query
first reads that one value, then reloads only rows changed since (cost: one small query when
nothing changed). History reads go through :mod:`cairn.store.history` and
:mod:`cairn.store.buckets`; writing goes through :mod:`cairn.ingest` and the run files.
Thread-safe for reads; several processes may ingest and read the same index at once.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import gc
import os
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
from sqlalchemy import select

from cairn.ingest.run_ingest import IngestReport
from cairn.runlog import format as fmt
from cairn.sdk.errors import CommError
from cairn.store import history
from cairn.store import schema as S
from cairn.store.db import connect, default_url
from cairn.store.filters import compile_filter, sort_runs


def open_index(root: str, url: str | None = None) -> Index:
    """Open (creating and migrating if needed) the index of ``root``.

    ``url`` is an SQLAlchemy URL; default ``sqlite:///<root>/index.sqlite``. Raises the driver's
    error when the database cannot be reached. Does not ingest: call :meth:`Index.ingest`.
    """
    root = os.path.abspath(os.fspath(root))
    os.makedirs(root, exist_ok=True)
    return Index(root, connect(url or default_url(root)))


def iso(ts: float | None) -> str | None:
    """Epoch seconds as wandb's timestamp format (UTC, no zone suffix)."""
    if ts is None:
        return None
    # datetime formatting is ~5x cheaper than time.strftime; this runs for every cached run.
    return _dt.datetime.fromtimestamp(int(ts), _dt.UTC).isoformat()[:19]


_RUN_NAMES = (
    "id",
    "project",
    "entity",
    "name",
    "state",
    "created_at",
    "heartbeat_at",
    "runtime",
    "tags",
    "group",
    "job_type",
    "notes",
    "config",
    "summary",
    "last_step",
    "exit_code",
    "host",
    "metadata",
    "metrics",
)
_UNPACKED = {"tags": list, "config": dict, "summary": dict, "metadata": dict, "metrics": list}


def run_dicts(rows: list) -> list[dict]:
    """``runs`` rows (tuples in ``_RUN_NAMES`` order) as the contract's run dicts, plus
    ``created_ts``/``heartbeat_ts`` (epoch seconds). Dates are formatted in one numpy call,
    which keeps loading 10,000 runs cheap."""
    if not rows:
        return []
    ts = np.array([(r[5], r[6]) for r in rows], dtype=np.float64)
    dates = np.datetime_as_string(ts.astype("datetime64[s]"), unit="s").tolist()
    out = []
    unpack = fmt.unpack
    for r, (c, h) in zip(rows, dates, strict=True):
        d = dict(zip(_RUN_NAMES, r, strict=True))
        for k, empty in _UNPACKED.items():
            v = d[k]
            d[k] = unpack(v) if v else empty()
        d["created_ts"], d["heartbeat_ts"] = d["created_at"], d["heartbeat_at"]
        d["created_at"], d["heartbeat_at"] = c, h
        out.append(d)
    return out


_RUN_COLS = [S.runs.c[n] for n in _RUN_NAMES]


def _fetch_all_runs(conn: Any) -> list[tuple]:
    """Every runs row as plain tuples (``_RUN_NAMES`` order), read with the driver's own cursor:
    SQLAlchemy's per-row result processing is about a third of a cold 10,000-run load, and
    these columns need none (both drivers return bytes for blobs, floats for floats)."""
    sql = str(select(*_RUN_COLS).compile(dialect=conn.dialect))
    cur = conn.connection.dbapi_connection.cursor()
    try:
        cur.execute(sql)
        return [tuple(r) for r in cur.fetchall()]
    finally:
        cur.close()


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many containers at once (a bulk load
    of the runs cache allocates ~100,000 objects, which triggers repeated full collections
    that cost ~40% of the load); no cycles are created, so nothing is left for it to find."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class Index:
    """The index of one root. See ``docs/architecture.md`` for the contract."""

    def __init__(self, root: str, engine: Any) -> None:
        self.root = root
        self.engine = engine
        self._lock = threading.Lock()
        self._cache: dict[str, dict] = {}
        self._cache_rev = -1

    def close(self) -> None:
        """Close the engine's pooled connections. The object must not be used afterwards;
        calling ``close`` twice is harmless."""
        self.engine.dispose()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingest -------------------------------------------------------------------------------
    def ingest(self, run_ids: list[str] | None = None) -> IngestReport:
        """Read new bytes of every run file (or of ``run_ids``) into the index.

        Incremental and idempotent; a corrupt file is reported in ``problems`` (path and
        offset) and does not stop other runs. Cost: O(new bytes).
        """
        from cairn.ingest.ingest import ingest

        return ingest(self.engine, self.root, run_ids)

    def reindex(self, progress: Any = None) -> IngestReport:
        """Drop every indexed row and rebuild from the run files alone.

        ``progress(done, total, run_id)``, when given, is called after each run file (in the
        calling thread; raising from it stops the rebuild, with the runs done so far kept).
        Cost: every byte of every run file."""
        from cairn.ingest.ingest import reindex

        rep = reindex(self.engine, self.root, progress)
        with self._lock:
            self._cache, self._cache_rev = {}, -1
        return rep

    # -- runs ---------------------------------------------------------------------------------
    def _runs(self) -> dict[str, dict]:
        """The cached runs table, refreshed with rows changed since the last call.

        The cache dict is replaced, never changed in place, so a caller iterating an older one
        is unaffected by a refresh in another thread."""
        with self._lock:
            with self.engine.connect() as conn:
                rev = conn.execute(
                    select(S.counters.c.value).where(S.counters.c.name == "rev")
                ).scalar_one()
                if rev == self._cache_rev:
                    return self._cache
                cold = self._cache_rev < 0
                with _no_gc():
                    if cold:
                        changed = _fetch_all_runs(conn)
                    else:
                        q = select(*_RUN_COLS).where(S.runs.c.rev > self._cache_rev)
                        changed = [tuple(r) for r in conn.execute(q)]
                        ids = {x for (x,) in conn.execute(select(S.runs.c.id))}
            # Rows deleted since (delete_run, a vanished folder) are those no longer listed.
            cache = {} if cold else {k: v for k, v in self._cache.items() if k in ids}
            with _no_gc():
                for d in run_dicts(changed):
                    cache[d["id"]] = d
            self._cache, self._cache_rev = cache, rev
            return cache

    def projects(self) -> list[dict]:
        """Projects with at least one run: name, entity, run_count, created_at, updated_at."""
        out: dict[str, dict] = {}
        for r in self._runs().values():
            p = out.get(r["project"])
            if p is None:
                out[r["project"]] = {
                    "name": r["project"],
                    "entity": r["entity"],
                    "run_count": 1,
                    "created_ts": r["created_ts"],
                    "updated_ts": r["heartbeat_ts"],
                }
            else:
                p["run_count"] += 1
                p["created_ts"] = min(p["created_ts"], r["created_ts"])
                p["updated_ts"] = max(p["updated_ts"], r["heartbeat_ts"])
        res = []
        for name in sorted(out):
            p = out[name]
            res.append(
                {
                    "name": name,
                    "entity": p["entity"],
                    "run_count": p["run_count"],
                    "created_at": iso(p["created_ts"]),
                    "updated_at": iso(p["updated_ts"]),
                }
            )
        return res

    def runs(
        self,
        project: str | None = None,
        filters: dict | None = None,
        order: str = "+created_at",
        limit: int | None = None,
        offset: int = 0,
        search: str | None = None,
    ) -> tuple[list[dict], int]:
        """One page of runs matching ``filters`` (wandb's MongoDB-style, see
        :mod:`cairn.store.filters`), ordered by ``order``; returns ``(page, total)``.

        ``search`` matches the display name or id, case-insensitively. Raises ``ValueError``
        for a malformed filter or order. Cost: O(runs) in Python over the cached table.
        """
        pred = compile_filter(filters)
        needle = search.lower() if search else None
        sel = []
        for r in self._runs().values():
            if project is not None and r["project"] != project:
                continue
            if needle and needle not in (r["name"] or "").lower() and needle not in r["id"].lower():
                continue
            if pred(r):
                sel.append(r)
        sel = sort_runs(sel, order)
        end = None if limit is None else offset + limit
        # Copies: callers may change what they get without touching the shared cache.
        return [copy.deepcopy(r) for r in sel[offset:end]], len(sel)

    def run(self, run_id: str, project: str | None = None) -> dict:
        """The run dict of ``run_id``; raises ``cairn.CommError`` if it is not indexed."""
        r = self._runs().get(run_id)
        if r is None or (project is not None and r["project"] != project):
            where = f" in project {project!r}" if project else ""
            raise CommError(f"Could not find run {run_id!r}{where}")
        return copy.deepcopy(r)

    # -- history ------------------------------------------------------------------------------
    def _state(self, run_id: str) -> Any:
        from cairn.ingest.state import RunState

        with self.engine.connect() as conn:
            dec = conn.execute(
                select(S.runs.c.decoder).where(S.runs.c.id == run_id)
            ).scalar_one_or_none()
        if dec is None:
            raise CommError(f"Could not find run {run_id!r}")
        return RunState.from_bytes(run_id, dec)

    def history_rows(
        self,
        run_id: str,
        keys: list[str] | None = None,
        min_step: int | None = None,
        max_step: int | None = None,
        page_size: int = 1000,
    ) -> Iterator[dict]:
        """wandb-shaped rows (``_step``, ``_runtime``, ``_timestamp``, user keys as logged) with
        ``min_step <= _step < max_step``, in step order; with ``keys``, only rows holding every
        key, projected to them. Raises ``CommError`` for an unknown run."""
        st = self._state(run_id)
        return history.rows(self.engine, run_id, st.schemas, keys, min_step, max_step, page_size)

    def history_sample(
        self,
        run_id: str,
        samples: int = 500,
        keys: list[str] | None = None,
        x_axis: str = "_step",
        cost: dict | None = None,
    ) -> list[dict]:
        """Up to ``samples`` rows spread evenly over the run, first and last always included
        (the same rows as sampling :meth:`history_rows`); with ``keys`` only rows holding a
        non-None value for every key, projected to ``x_axis`` + ``keys``. Raises ``CommError``
        for an unknown run. Cost: O(payloads + samples) rows decoded, not O(rows) (see
        :mod:`cairn.store.sample`; ``cost`` receives what was read)."""
        from cairn.store.sample import sample_rows

        st = self._state(run_id)
        return sample_rows(self.engine, run_id, st.schemas, samples, keys, x_axis, cost)

    def series(self, run_id: str, key: str, x_axis: str = "_step") -> tuple[list, list]:
        """Every numeric point of ``key`` as ``(x, y)`` lists (see ``history.series_arrays``)."""
        x, y = history.series_arrays(self.engine, run_id, key, x_axis)
        return x.tolist(), y.tolist()

    def series_arrays(self, run_id: str, key: str, x_axis: str = "_step") -> tuple[Any, Any]:
        """As :meth:`series`, as numpy arrays (no per-point Python objects)."""
        return history.series_arrays(self.engine, run_id, key, x_axis)

    def metric_keys(self, run_ids: list[str]) -> list[dict]:
        """Keys logged by ``run_ids``: key, kind, count, first_step, last_step."""
        return history.metric_keys(self.engine, run_ids)

    def history_buckets(
        self,
        run_ids: list[str],
        keys: list[str],
        buckets: int = 1000,
        x_axis: str = "_step",
        x_min: float | None = None,
        x_max: float | None = None,
        cost: dict | None = None,
    ) -> dict:
        """Bucketed min/max/last/count per run and key (see :mod:`cairn.store.buckets`);
        ``cost``, when given, receives the chunk rows and points read."""
        from cairn.store.buckets import history_buckets

        return history_buckets(self.engine, run_ids, keys, buckets, x_axis, x_min, x_max, cost)

    # -- edits --------------------------------------------------------------------------------
    def update_run(self, run_id: str, **fields: Any) -> None:
        """Edit ``name`` (``display_name``), ``notes``, ``tags``, ``group``, ``job_type``
        (``jobType``), ``config``/``summary`` (dicts of changed keys), ``config_remove``/
        ``summary_remove`` (keys), or delete saved files (``delete_files=[names]``: a FILES
        delete marker; the run folder's copies go, blobs stay).

        Appended to the run file, then re-ingested, so ``reindex`` keeps the edit. Raises
        ``CommError`` for an unknown run, ``ValueError`` for an unknown field. Cost: one
        append and an ingest of this run's new bytes."""
        from cairn.store.edit import update_run

        r = self.run(run_id)
        with self.engine.connect() as conn:
            offset = conn.execute(
                select(S.runs.c.file_offset).where(S.runs.c.id == run_id)
            ).scalar()
        gone = r["state"] not in ("running", "preempting")
        update_run(self.root, run_id, fields, scan_from=offset or 0, writer_gone=gone)
        self.ingest([run_id])

    def delete_run(self, run_id: str) -> None:
        """Delete the run's folder and its index rows. Raises ``CommError`` if unknown."""
        from cairn.store.edit import delete_run

        self.run(run_id)
        delete_run(self.engine, self.root, run_id)

    # -- other per-run tables -----------------------------------------------------------------
    def files(self, run_id: str) -> list[dict]:
        """Saved files: name, size, sha256, updated_at (size/time from disk when unrecorded)."""
        F = S.files.c
        with self.engine.connect() as conn:
            rs = conn.execute(select(S.files).where(F.run_id == run_id).order_by(F.name)).all()
        out = []
        for r in rs:
            size, upd = r.size, r.updated_at
            p = os.path.join(self.root, "runs", run_id, "files", r.name)
            if (size is None or upd is None) and os.path.isfile(p):
                st = os.stat(p)
                size = st.st_size if size is None else size
                upd = st.st_mtime if upd is None else upd
            out.append({"name": r.name, "size": size, "sha256": r.sha256, "updated_at": iso(upd)})
        return out

    def alerts(self, run_id: str) -> list[dict]:
        """Alerts in the order sent: title, text, level, wait_duration (ms), time, throttled."""
        A = S.alerts.c
        with self.engine.connect() as conn:
            rs = conn.execute(select(S.alerts).where(A.run_id == run_id).order_by(A.seq)).all()
        return [
            {
                "title": r.title,
                "text": r.text,
                "level": r.level,
                "wait_duration": r.wait_duration,
                "time": r.time,
                "throttled": bool(r.throttled),
            }
            for r in rs
        ]

    def console(self, run_id: str, offset: int = 0, limit: int = 1000) -> list[dict]:
        """Console lines ``offset`` … ``offset+limit``: line_no, stream, time, text."""
        C = S.console.c
        q = (
            select(S.console)
            .where(C.run_id == run_id, C.seq >= offset)
            .order_by(C.seq)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            rs = conn.execute(q).all()
        return [{"line_no": r.seq, "stream": r.stream, "time": r.time, "text": r.line} for r in rs]

    def system_metrics(self, run_id: str) -> list[dict]:
        """System metric samples in time order: ``_timestamp`` plus the sampled values."""
        M = S.system_metrics.c
        with self.engine.connect() as conn:
            rs = conn.execute(
                select(S.system_metrics).where(M.run_id == run_id).order_by(M.seq)
            ).all()
        return [{"_timestamp": r.time, **fmt.unpack(r.values)} for r in rs]
