"""Ingest every run file of a root (or some of them), and rebuild the index from scratch.

Runs are independent: each gets its own transaction (:func:`cairn.ingest.run_ingest.ingest_run`),
so one corrupt file, or another process ingesting the same root, never blocks the rest.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import Engine

from cairn.ingest.run_ingest import LIVENESS_COLS, IngestReport, ingest_run, run_path
from cairn.store import schema as S
from cairn.store.db import write


def run_ids_on_disk(root: str) -> list[str]:
    """Ids of every ``<root>/runs/<id>/run.cairn``, sorted."""
    d = os.path.join(root, "runs")
    try:
        names = os.listdir(d)
    except FileNotFoundError:
        return []
    return sorted(n for n in names if os.path.isfile(os.path.join(d, n, "run.cairn")))


def _is_run_folder_name(run_id: str) -> bool:
    """Whether ``run_id`` names one folder inside ``runs/`` (so a caller-supplied id such as
    ``../x`` can never make ingest read a file outside the root)."""
    return (
        isinstance(run_id, str)
        and run_id not in ("", ".", "..")
        and "/" not in run_id
        and "\\" not in run_id
        and "\0" not in run_id
    )


def ingest(
    engine: Engine,
    root: str,
    run_ids: list[str] | None = None,
    progress: Callable[[int, int, str], Any] | None = None,
) -> IngestReport:
    """Bring the index up to date with the run files; see :class:`IngestReport`.

    Runs whose folder disappeared are dropped from the index; ``run_ids`` that are not a plain
    folder name (``../x``) are skipped. ``progress(done, total, run_id)``
    is called after each run (in this thread; an exception it raises stops the ingest, leaving
    the runs done so far committed). Cost: O(new bytes) plus one ``stat`` per run.
    """
    t = time.perf_counter()
    rep = IngestReport()
    ids = (
        run_ids_on_disk(root) if run_ids is None else [r for r in run_ids if _is_run_folder_name(r)]
    )
    R = S.runs.c
    with engine.connect() as conn:
        known = {r.id: r for r in conn.execute(select(R.id, *LIVENESS_COLS))}
    for i, rid in enumerate(ids):
        ingest_run(engine, root, rid, rep, known.get(rid))
        if progress is not None:
            progress(i + 1, len(ids), rid)
    if run_ids is None:
        _forget_missing(engine, root, set(ids), set(known))
    if rep.runs_updated:
        refresh_projects(engine)
    rep.seconds = time.perf_counter() - t
    return rep


def refresh_projects(engine: Engine) -> None:
    """Recompute the projects table from the runs table (one aggregate query)."""
    R = S.runs.c
    q = select(
        R.project, func.min(R.entity), func.min(R.created_at), func.max(R.heartbeat_at)
    ).group_by(R.project)
    with write(engine) as conn:
        if conn.dialect.name == "postgresql":
            # Concurrent refreshes would both re-insert the same names: take turns.
            conn.execute(text("SELECT pg_advisory_xact_lock(7424712)"))
        rows = conn.execute(q).all()
        conn.execute(delete(S.projects))
        if rows:
            conn.execute(
                insert(S.projects),
                [
                    {"name": p, "entity": e or "", "created_at": c, "updated_at": u}
                    for p, e, c, u in rows
                ],
            )


def _forget_missing(engine: Engine, root: str, present: set[str], indexed: set[str]) -> None:
    """Drop the rows of indexed runs whose run file is gone.

    ``present`` was listed before ``indexed`` was read, so a run created in between and
    already indexed by another process is in ``indexed`` only: its file is looked at again
    before its rows go, or this pass would delete a live run."""
    from cairn.ingest.sink import bump_rev, delete_run_rows

    gone = {r for r in indexed - present if not os.path.isfile(run_path(root, r))}
    if gone:
        with write(engine) as conn:
            for rid in gone:
                delete_run_rows(conn, rid)
            bump_rev(conn)


def reindex(
    engine: Engine, root: str, progress: Callable[[int, int, str], Any] | None = None
) -> IngestReport:
    """Delete every indexed row, then ingest all run files from their first byte
    (``progress`` as in :func:`ingest`)."""
    from cairn.ingest.sink import bump_rev

    with write(engine) as conn:
        for t in (*S.PER_RUN, S.runs, S.projects):
            conn.execute(delete(t))
        bump_rev(conn)
    return ingest(engine, root, progress=progress)
