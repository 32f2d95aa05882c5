"""Apply one run-file record to a run's ingest state, queueing the index rows it implies.

Pure with respect to the database: everything to write goes to a :class:`Pending` (flushed by
``cairn.ingest.sink``). The summary is replayed with the SDK's own :class:`SummaryState` and
:class:`MetricDefs`, so a live run's indexed summary equals what ``run.summary`` shows; a final
SUMMARY record (written by ``finish``) replaces it with the SDK's snapshot.
"""

from __future__ import annotations

import copy
from typing import Any

from cairn.ingest.columns import Columns
from cairn.ingest.state import RunState
from cairn.runlog import format as fmt
from cairn.sdk.summary_state import SummaryState

_INFO_SKIP = frozenset(("config", "start_time", "runtime_offset", "rewind_to", "resumed"))


class Pending:
    """Rows produced by applied records, not yet written."""

    def __init__(self) -> None:
        self.columns = Columns()
        self.rows: list[dict] = []  # history_rows
        self.files: dict[str, dict | None] = {}  # None: deleted
        self.alerts: list[dict] = []
        self.console: list[dict] = []
        self.stats: list[dict] = []
        self.records = 0
        self.history_rows = 0
        self.values_flushed = 0  # numeric values already written by earlier flushes
        self.rows_bytes = 0  # payload bytes in ``rows``


def apply(st: RunState, p: Pending, offset: int, rtype: int, raw: bytes, d: Any) -> None:
    """Apply record ``d`` (decoded from ``raw``) found at byte ``offset`` of the run file.

    RUN records carrying ``rewind_to`` are not handled here: the caller flushes and rewinds
    the stored history first, then calls :func:`start_session`.
    """
    p.records += 1
    if rtype == fmt.HISTORY:
        _history(st, p, raw, d)
    elif rtype == fmt.KEYS:
        st.schemas[d["schema"]] = d["keys"]
    elif rtype == fmt.RUN:
        start_session(st, d)
    elif rtype == fmt.CONFIG:
        st.config.update(d.get("update") or {})
        for k in d.get("remove") or ():
            st.config.pop(k, None)
    elif rtype == fmt.METRIC:
        if not d.get("expanded_from_glob"):
            st.define(d)
    elif rtype == fmt.SUMMARY:
        _summary(st, d)
    elif rtype == fmt.RUN_UPDATE:
        st.info.update(d)
    elif rtype == fmt.EXIT:
        code = d.get("exit_code")
        st.exit_code = int(code) if code is not None else 0
        st.state = "finished" if st.exit_code == 0 else "failed"
        st.runtime = max(st.runtime, float(d.get("runtime") or 0.0))
        _beat(st, d.get("time"))
    elif rtype == fmt.PREEMPTING:
        if st.exit_code is None:
            st.state = "preempting"
        _beat(st, d.get("time"))
    elif rtype == fmt.TELEMETRY:
        st.metadata = d if isinstance(d, dict) else {"value": d}
        if isinstance(d, dict) and d.get("host"):
            st.host = st.host or str(d["host"])
    elif rtype == fmt.FILES:
        for f in d.get("files") or ():
            name = f.get("path") or f.get("name")
            if name and f.get("deleted"):
                p.files[name] = None  # a File.delete() marker (cairn.store.edit)
            elif name:
                p.files[name] = {
                    "name": name,
                    "size": f.get("size"),
                    "sha256": f.get("sha256"),
                    "policy": f.get("policy"),
                    "updated_at": f.get("time"),
                }
    elif rtype == fmt.ALERT:
        p.alerts.append(
            {
                "seq": st.next_seq("alerts"),
                "title": str(d.get("title", "")),
                "text": str(d.get("text", "")),
                "level": str(d.get("level", "INFO")),
                "wait_duration": d.get("wait_duration"),
                "time": d.get("time"),
                "throttled": int(bool(d.get("throttled"))),
            }
        )
        _beat(st, d.get("time"))
    elif rtype == fmt.OUTPUT:
        lines = d.get("lines") or ()
        if isinstance(lines, str):
            lines = lines.splitlines()
        base = st.next_seq("console", len(lines))
        times = d.get("times")
        if not isinstance(times, list) or len(times) != len(lines):
            times = [d.get("time")] * len(lines)  # one time for the whole record
        stream = str(d.get("stream", "stdout"))
        for i, line in enumerate(lines):
            p.console.append(
                {"seq": base + i, "stream": stream, "time": times[i], "line": str(line)}
            )
        _beat(st, times[-1] if times else d.get("time"))
    elif rtype == fmt.STATS:
        t = d.get("time") or 0.0
        p.stats.append(
            {
                "seq": st.next_seq("system"),
                "time": float(t),
                "values": fmt.pack(d.get("values") or {}),
            }
        )
        _beat(st, t)


def start_session(st: RunState, d: dict) -> None:
    """A RUN record: a new (or resumed) session of the run starts."""
    st.info.update({k: v for k, v in d.items() if k not in _INFO_SKIP and k != "id"})
    st.config.update(d.get("config") or {})
    st.t0 = float(d.get("start_time") or 0.0)
    st.rt_off = float(d.get("runtime_offset") or 0.0)
    if st.created_at is None:
        st.created_at = st.t0
    _beat(st, st.t0)
    st.host = str(d.get("host") or st.host or "")
    st.pid = d.get("pid")
    st.state = "running"
    st.exit_code = None
    st.finished_summary = False
    # The SDK starts a resumed session from the prior summary with fresh aggregates.
    latest = st.summary.latest
    latest.pop("_wandb", None)
    st.summary = SummaryState(st.defs)
    st.summary.latest = latest


def _beat(st: RunState, t: Any) -> None:
    if isinstance(t, (int, float)) and t > st.heartbeat_at:
        st.heartbeat_at = float(t)


def _summary(st: RunState, d: dict) -> None:
    s = st.summary
    for path, v in d.get("nested") or ():
        s.set(path, v)
    for k, v in (d.get("update") or {}).items():
        s.set([k], v)
    for path in d.get("remove") or ():
        s.remove(path if isinstance(path, list) else [path])
    if d.get("final") is not None:
        s.latest = copy.deepcopy(d["final"])
        st.finished_summary = True


def _history(st: RunState, p: Pending, raw: bytes, batch: list) -> None:
    if not batch:
        return
    t0, off = st.t0, st.rt_off
    groups = p.columns.add_batch(batch, st.schemas, t0, off, st.defs)
    first, last = batch[0], batch[-1]
    p.rows.append(
        {
            "seq": st.next_seq("rows"),
            "step_min": first[1],
            "step_max": last[1],
            "count": len(batch),
            "t0": t0,
            "rt_off": off,
            "payload": raw,
        }
    )
    p.history_rows += len(batch)
    p.rows_bytes += len(raw)
    st.last_step = last[1] if st.last_step is None else max(st.last_step, last[1])
    st.runtime = max(st.runtime, last[2] - t0 + off)
    _beat(st, last[2])
    replay_summary(st.summary, batch, st.schemas, t0, off, groups)


def replay_summary(
    s: SummaryState, batch: list, schemas: dict, t0: float, off: float, groups: list | None = None
) -> None:
    """Apply committed rows to the summary exactly as the SDK's ``Run._commit`` does.

    Without ``define_metric(summary=…)`` only the last row of each run of same-schema rows
    matters when none of its values is a dict (latest value wins; ``None`` removes), which keeps
    the replay cheap for long runs; otherwise every row is applied. ``groups`` are those runs
    as ``(start, end, has_dict)`` when the caller already knows them.
    """
    if s.defs.any_summary:
        for r in batch:
            _apply_row(s, schemas[r[0]], r, t0, off)
        return
    if groups is None:
        groups = []
        i, n = 0, len(batch)
        while i < n:
            j = i + 1
            while j < n and batch[j][0] == batch[i][0]:
                j += 1
            groups.append((i, j, any(type(v) is dict for r in batch[i:j] for v in r[3:])))
            i = j
    for i, j, has_dict in groups:
        keys = schemas[batch[i][0]]
        for r in batch[i:j] if has_dict else batch[j - 1 : j]:
            _apply_row(s, keys, r, t0, off)


def _apply_row(s: SummaryState, keys: list, r: list, t0: float, off: float) -> None:
    row = dict(zip(keys, r[3:], strict=False))
    s.apply_row(row)
    latest = s.latest
    latest["_step"] = r[1]
    latest["_timestamp"] = row.get("_timestamp", r[2])
    latest["_runtime"] = r[2] - t0 + off
