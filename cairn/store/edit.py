"""Edits made through the query side (``Index.update_run``/``delete_run``).

An edit is appended to the run file as ordinary records (RUN_UPDATE, CONFIG, SUMMARY, FILES
delete markers ``{"path", "deleted": true, "time"}``) with one
``write`` per frame on an ``O_APPEND`` descriptor, so it lands whole after whatever a live
writer has appended and survives ``reindex``. Deleting removes the run's folder, then its rows.
"""

from __future__ import annotations

import os
import shutil
import time
from typing import Any

from sqlalchemy.engine import Engine

from cairn.runlog import format as fmt
from cairn.store.db import write

_ATTRS = ("name", "notes", "tags", "group", "job_type")
_ALIASES = {"display_name": "name", "jobType": "job_type"}


def _names(v: Any) -> list[str]:
    """A list of names given as one string or an iterable of them (one string is one name,
    not its characters)."""
    return [v] if isinstance(v, str) else [str(n) for n in v]


def edit_records(fields: dict[str, Any]) -> list[tuple[int, Any]]:
    """The records that apply ``fields``; raises ``ValueError`` for an unknown field."""
    attrs: dict[str, Any] = {}
    recs: list[tuple[int, Any]] = []
    for k, v in fields.items():
        k = _ALIASES.get(k, k)
        if k in _ATTRS:
            if k == "tags":
                v = _names(v)
            elif v is not None:
                v = str(v)
            attrs[k] = v
        elif k == "config":
            if not isinstance(v, dict):
                raise ValueError("config must be a dict")
            recs.append((fmt.CONFIG, {"update": v}))
        elif k == "config_remove":
            recs.append((fmt.CONFIG, {"remove": _names(v)}))
        elif k == "summary":
            if not isinstance(v, dict):
                raise ValueError("summary must be a dict")
            recs.append((fmt.SUMMARY, {"nested": [[[kk], vv] for kk, vv in v.items()]}))
        elif k == "summary_remove":
            recs.append((fmt.SUMMARY, {"remove": [[kk] for kk in _names(v)]}))
        elif k == "delete_files":
            names = _names(v)
            now = time.time()
            recs.append(
                (fmt.FILES, {"files": [{"path": n, "deleted": True, "time": now} for n in names]})
            )
        else:
            raise ValueError(f"cannot update run field {k!r}")
    if attrs:
        recs.insert(0, (fmt.RUN_UPDATE, attrs))
    return recs


def update_run(
    root: str, run_id: str, fields: dict[str, Any], scan_from: int = 0, writer_gone: bool = False
) -> None:
    """Append the records for ``fields`` to ``runs/<run_id>/run.cairn``.

    When the run's writer is gone (``writer_gone``) a torn last frame left by its crash is cut
    off first (the bytes after ``scan_from`` are checked), as ``RunWriter`` does on resume;
    otherwise the edit would sit behind bytes no reader gets past. A live writer's unfinished
    frame is never touched: O_APPEND places the edit after it.
    """
    recs = edit_records(fields)
    path = os.path.join(root, "runs", run_id, "run.cairn")
    if writer_gone:
        from cairn.runlog.reader import Scan

        scan = Scan(path, scan_from)
        for _ in scan.frames():
            pass
        if scan.problem and scan.problem.startswith("torn") and scan.end >= fmt.HEADER_SIZE:
            os.truncate(path, scan.end)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        for rtype, payload in recs:
            data = fmt.frame(rtype, fmt.pack(payload))
            n = os.write(fd, data)
            if n != len(data):  # regular files write whole; anything else is a torn frame
                raise OSError(f"short write appending to {path}")
        os.fsync(fd)
    finally:
        os.close(fd)
    _remove_copies(root, run_id, fields.get("delete_files") or ())


def _remove_copies(root: str, run_id: str, names: Any) -> None:
    """Remove deleted files' copies (or links) from the run's ``files/`` folder. Blobs stay:
    other runs and artifacts may hold the same bytes. Names leading outside the folder are
    left alone."""
    base = os.path.realpath(os.path.join(root, "runs", run_id, "files"))
    for name in _names(names):
        p = os.path.join(base, name)
        if os.path.commonpath([base, os.path.realpath(os.path.dirname(p))]) != base:
            continue
        if os.path.islink(p) or os.path.isfile(p):
            os.remove(p)


def delete_run(engine: Engine, root: str, run_id: str) -> None:
    """Remove the run folder and every index row of the run."""
    from cairn.ingest.ingest import refresh_projects
    from cairn.ingest.sink import bump_rev, delete_run_rows

    shutil.rmtree(os.path.join(root, "runs", run_id), ignore_errors=True)
    with write(engine) as conn:
        delete_run_rows(conn, run_id)
        bump_rev(conn)
    refresh_projects(engine)
