"""Ingest one run file: read the bytes after the stored offset, update the index, remember.

One write transaction per run: it re-reads the run's stored offset and decoder state inside
the transaction (SQLite holds the write lock, PostgreSQL a row lock), so two processes
ingesting the same run at once cannot both apply the same bytes; the second one finds the
offset already advanced and applies only what is still new. A torn tail (a frame still being
written) ends the pass cleanly and is read again next time; a corrupt frame is reported with
the path and offset, what precedes it stays indexed, and other runs are unaffected.
"""

from __future__ import annotations

import copy
import os
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from cairn.ingest import sink
from cairn.ingest.apply import Pending, apply, replay_summary, start_session
from cairn.ingest.state import RunState
from cairn.runlog import format as fmt
from cairn.runlog.reader import Scan
from cairn.sdk.metrics import MetricDefs
from cairn.sdk.summary_state import SummaryState
from cairn.store import schema as S
from cairn.store.db import write

_UNKNOWN = object()
_UPDATE_RUN = update(S.runs).where(S.runs.c.id == bindparam("run_id"))
FLUSH_VALUES = 4_000_000  # pending numeric points before an intermediate flush
FLUSH_BYTES = 64 << 20  # pending history payload bytes before an intermediate flush
STALE_AFTER_S = 600.0  # no new bytes for this long and no exit record: the run crashed
_HOST = socket.gethostname()
# What an ingest pass needs to know of an indexed run whose file did not grow.
LIVENESS_COLS = (S.runs.c.file_offset, S.runs.c.state, S.runs.c.host, S.runs.c.pid)


@dataclass
class IngestReport:
    """What one ``ingest``/``reindex`` call did."""

    runs_seen: int = 0
    runs_updated: int = 0
    records: int = 0
    rows: int = 0
    values: int = 0
    bytes: int = 0
    seconds: float = 0.0
    problems: list[dict] = field(default_factory=list)  # {"run_id","path","offset","error"}


def run_path(root: str, run_id: str) -> str:
    return os.path.join(root, "runs", run_id, "run.cairn")


def ingest_run(
    engine: Engine, root: str, run_id: str, report: IngestReport, known: Any = _UNKNOWN
) -> None:
    """Bring the index up to date with ``runs/<run_id>/run.cairn``. Never raises for a bad file.

    ``known`` is the run's ``LIVENESS_COLS`` row when the caller already read it (``None``: not
    indexed), which saves a query per unchanged run.
    Cost: O(new bytes) plus one rewrite of each touched key's last chunk.
    """
    try:
        try:
            _ingest_run(engine, root, run_id, report, known)
        except IntegrityError:
            # Another process inserted the same new run first (PostgreSQL): its rows are in;
            # one more pass applies whatever it did not.
            _ingest_run(engine, root, run_id, report, _UNKNOWN)
    except Exception as e:  # one bad run must not stop the others; its transaction rolled back
        report.problems.append(
            {
                "run_id": run_id,
                "path": run_path(root, run_id),
                "offset": None,
                "error": f"ingest failed: {e!r}"[:2000],
            }
        )


class _NotYet(Exception):
    """Raised inside the write transaction to roll it back: the run cannot be indexed yet."""


def _ingest_run(engine: Engine, root: str, run_id: str, report: IngestReport, known: Any) -> None:
    try:
        _ingest_run_once(engine, root, run_id, report, known)
    except _NotYet:
        pass


def _ingest_run_once(
    engine: Engine, root: str, run_id: str, report: IngestReport, known: Any
) -> None:
    path = run_path(root, run_id)
    report.runs_seen += 1
    try:
        stat = os.stat(path)
    except OSError:
        return
    R = S.runs.c
    row = known
    if row is _UNKNOWN:
        with engine.connect() as conn:
            row = conn.execute(select(*LIVENESS_COLS).where(R.id == run_id)).first()
    if row is not None and row.file_offset == stat.st_size:
        if row.state in ("running", "preempting"):
            _refresh_liveness(engine, run_id, stat.st_mtime, row)
        return
    with write(engine) as conn:
        if conn.dialect.name == "postgresql":
            # One ingest of a run at a time, even before its row exists (SQLite's write lock
            # already gives this); a row lock alone cannot cover a run not yet inserted.
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:rid))"), {"rid": run_id})
        row = conn.execute(
            select(R.file_offset, R.decoder).where(R.id == run_id).with_for_update()
        ).first()
        offset = row.file_offset if row is not None else 0
        if row is not None and offset == stat.st_size:
            return
        if offset > stat.st_size:
            # The file was replaced by a shorter one: forget the run and read it afresh.
            sink.delete_run_rows(conn, run_id)
            row, offset = None, 0
        st = (
            RunState.from_bytes(run_id, row.decoder)
            if row is not None and row.decoder
            else RunState(run_id)
        )
        p = Pending()
        scan = Scan(path, offset)
        try:
            for off, rtype, raw in scan.frames():
                try:
                    d = fmt.unpack(raw)
                except Exception as e:  # CRC-valid but undecodable: corrupt, stop here
                    scan.problem = f"undecodable record at offset {off}: {e}"
                    scan.end = off
                    break
                if rtype == fmt.RUN and d.get("rewind_to") is not None:
                    sink.flush(conn, st, p)
                    _rewind(conn, st, path, off, d)
                    p.records += 1
                    continue
                apply(st, p, off, rtype, raw, d)
                if p.columns.values > FLUSH_VALUES or p.rows_bytes > FLUSH_BYTES:
                    sink.flush(conn, st, p)  # bound memory on long files; same transaction
        except ValueError as e:  # bad header: not a run file
            scan.problem, scan.end = f"{e} at offset 0", 0
        if scan.problem and not _is_torn(scan.problem):
            report.problems.append(
                {"run_id": run_id, "path": path, "offset": _offset_of(scan), "error": scan.problem}
            )
        if scan.end <= offset and p.records == 0:
            return
        if not st.info.get("project") and row is None:
            # No RUN record yet (a file just created): index it once it has one, and keep
            # nothing an intermediate flush may have written.
            raise _NotYet
        report.rows += p.history_rows
        report.values += p.values_flushed + p.columns.values
        report.records += p.records
        report.bytes += scan.end - offset
        sink.flush(conn, st, p)
        _state_from_liveness(st, stat.st_mtime)
        values = _run_values(st, scan.end, stat.st_mtime, sink.bump_rev(conn))
        # Parameters rather than literal values: the compiled statement is cached, which
        # matters when thousands of small runs are ingested.
        if row is None:
            conn.execute(insert(S.runs), {"id": run_id, **values})
        else:
            conn.execute(_UPDATE_RUN, {"run_id": run_id, **values})
        report.runs_updated += 1


def _is_torn(problem: str) -> bool:
    return problem.startswith("torn") or problem.startswith("header incomplete")


def _offset_of(scan: Scan) -> int:
    import re

    m = re.search(r"offset (\d+)", scan.problem or "")
    return int(m.group(1)) if m else scan.end


def _rewind(conn, st: RunState, path: str, off: int, d: dict) -> None:  # noqa: ANN001
    """A RUN record with ``rewind_to``: drop later-logged rows above the cut, rebuild summary."""
    cut = int(d["rewind_to"])
    sink.rewind(conn, st, cut)
    st.rewinds.append([off, cut])
    start_session(st, d)
    st.summary.latest = _summary_upto(path, off, st.rewinds, st.defs)
    st.runtime = float(d.get("runtime_offset") or 0.0)


def _summary_upto(path: str, end: int, rewinds: list, defs: MetricDefs) -> dict:
    """The summary the SDK starts a rewound session from: replay of everything before byte
    ``end`` with rows dropped by rewinds, final snapshots ignored (``resume.replay``)."""
    s = SummaryState(MetricDefs())
    schemas: dict[int, list] = {}
    t0 = off0 = 0.0
    for off, rtype, raw in Scan(path, 0).frames():
        if off >= end:
            break
        d = fmt.unpack(raw)
        if rtype == fmt.KEYS:
            schemas[d["schema"]] = d["keys"]
        elif rtype == fmt.RUN:
            t0, off0 = float(d.get("start_time") or 0.0), float(d.get("runtime_offset") or 0.0)
        elif rtype == fmt.METRIC and not d.get("expanded_from_glob"):
            s.defs.define(d)
        elif rtype == fmt.SUMMARY:
            for p, v in d.get("nested") or ():
                s.set(p, v)
            for p in d.get("remove") or ():
                s.remove(p)
        elif rtype == fmt.HISTORY:
            cuts = [c for ro, c in rewinds if ro > off]
            cut = min(cuts) if cuts else None
            batch = d if cut is None else [r for r in d if r[1] <= cut]
            if batch:
                replay_summary(s, batch, schemas, t0, off0)
    out = copy.deepcopy(s.latest)
    out.pop("_wandb", None)
    return out


def _alive(host: str, pid: int | None) -> bool | None:
    """True/False when the writer is on this host; None when it cannot be known."""
    if host != _HOST or not pid:
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _state_from_liveness(st: RunState, mtime: float) -> None:
    if st.state not in ("running", "preempting"):
        return
    alive = _alive(st.host, st.pid)
    if alive is False or (alive is None and time.time() - mtime > STALE_AFTER_S):
        st.state = "crashed"


def _refresh_liveness(engine: Engine, run_id: str, mtime: float, r: Any) -> None:
    """Mark a live-looking run ``crashed`` when its writer is gone; ``r`` is its
    ``LIVENESS_COLS`` row as read before (no query when the writer is still alive)."""
    R = S.runs.c
    alive = _alive(r.host, r.pid)
    if alive is False or (alive is None and time.time() - mtime > STALE_AFTER_S):
        with write(engine) as conn:
            rev = sink.bump_rev(conn)
            conn.execute(
                update(S.runs)
                # Only if no other pass changed the run meanwhile (new bytes reset the state).
                .where(R.id == run_id, R.state == r.state, R.file_offset == r.file_offset)
                .values(state="crashed", rev=rev, file_mtime=mtime)
            )


def _run_values(st: RunState, offset: int, mtime: float, rev: int) -> dict:
    i = st.info
    return {
        "project": str(i.get("project") or "uncategorized"),
        "entity": str(i.get("entity") or ""),
        "name": i.get("name"),
        "state": st.state,
        "created_at": st.created_at or 0.0,
        "heartbeat_at": st.heartbeat_at,
        "runtime": st.runtime,
        "tags": fmt.pack(list(i.get("tags") or [])),
        "group": str(i.get("group") or ""),
        "job_type": str(i.get("job_type") or ""),
        "notes": str(i.get("notes") or ""),
        "config": fmt.pack(st.config),
        "summary": fmt.pack(st.summary.latest),
        "metrics": fmt.pack(st.defs.all()),
        "host": st.host or "",
        "pid": st.pid,
        "metadata": fmt.pack(st.metadata),
        "exit_code": st.exit_code,
        "last_step": st.last_step,
        "file_offset": offset,
        "file_mtime": mtime,
        "decoder": st.to_bytes(),
        "rev": rev,
    }
