"""Resuming, rewinding (``resume_from``) and forking (``fork_from``) local runs.

All three read an existing run file through the one reader and replay it with the same
summary rules ingest uses. A rewind is recorded as ``rewind_to`` in the new RUN record:
readers drop rows above that step logged before it.
"""

from __future__ import annotations

import os
from typing import Any

from cairn.runlog import format as fmt
from cairn.runlog.reader import HistoryDecoder, read_records, rewind_limit, rewinds
from cairn.sdk.metrics import MetricDefs
from cairn.sdk.summary_state import SummaryState

_AUTO = ("_step", "_runtime", "_timestamp")


def _user_keys(row: dict) -> dict:
    """A decoded history row without the automatic keys the SDK adds on commit."""
    return {k: v for k, v in row.items() if k not in _AUTO}


def replay(path: str, upto_step: float | None = None, keep_rows: bool = False) -> dict:
    """Replay a run file. Returns identity fields, config, metric definitions, summary,
    ``next_step``, ``runtime``, the :class:`SummaryState` (``state``, so aggregates such as a
    running minimum continue across a resume) and (with ``keep_rows``) the history rows."""
    dec = HistoryDecoder()
    defs = MetricDefs()
    state = SummaryState(defs)
    info: dict[str, Any] = {}
    config: dict = {}
    rows: list[dict] = []
    last_step = -1
    runtime = 0.0
    final = None
    cuts = rewinds(path)  # rows above a later rewind point are dead: skip them everywhere
    for rec in read_records(path):
        t, d = rec.type, rec.data
        if t == fmt.HISTORY:
            limit = rewind_limit(cuts, rec.offset) if cuts else None
            if upto_step is not None:
                limit = upto_step if limit is None else min(limit, upto_step)
            for row in dec.rows(d):
                if limit is not None and row["_step"] > limit:
                    continue
                last_step = max(last_step, row["_step"])
                runtime = max(runtime, row["_runtime"])
                state.apply_row(_user_keys(row))
                state.latest.update({k: row[k] for k in _AUTO})
                if keep_rows:
                    rows.append(row)
            continue
        dec.observe(rec)
        if t == fmt.RUN:
            info.update({k: d.get(k) for k in ("project", "name", "notes", "tags", "group", "job_type")})
            config.update(d.get("config") or {})
        elif t == fmt.RUN_UPDATE:
            info.update(d)
        elif t == fmt.CONFIG:
            config.update(d.get("update") or {})
            for k in d.get("remove") or ():
                config.pop(k, None)
        elif t == fmt.METRIC:
            if not d.get("expanded_from_glob"):
                defs.define(d)
        elif t == fmt.SUMMARY:
            for p, v in d.get("nested") or ():
                state.set(p, v)
            for p in d.get("remove") or ():
                state.remove(p)
            if d.get("final") is not None:
                final = d["final"]
        elif t == fmt.EXIT:
            runtime = max(runtime, float(d.get("runtime") or 0.0))
    summary = state.snapshot() if upto_step is not None or final is None else final
    summary.pop("_wandb", None)
    return {
        **info,
        "config": config,
        "metrics": defs.all(),
        "summary": summary,
        "next_step": last_step + 1,
        "runtime": runtime,
        "rows": rows,
        "state": state,
    }


def prior_state(path: str, rewind_step: float | None = None) -> dict:
    """State of an existing run before it is resumed (or rewound to ``rewind_step``)."""
    st = replay(path, upto_step=rewind_step)
    if rewind_step is not None:
        st["next_step"] = int(rewind_step) + 1
    return st


def copy_fork(run: Any, root: str, source_id: str, step: float) -> None:
    """Copy ``source_id``'s config and history up to ``step`` into the new ``run``.

    The caller (``init``) has checked that the source run exists before creating the new one."""
    src = os.path.join(root, "runs", source_id, "run.cairn")
    st = replay(src, upto_step=step, keep_rows=True)
    run.config._write(st["config"], allow_val_change=True)
    for d in st["metrics"]:
        run.define_metric(**{k: v for k, v in d.items() if k in ("name", "step_metric", "step_sync", "hidden", "goal")},
                          summary=",".join(d["summary"]) if d.get("summary") else None)
    for row in st["rows"]:
        run._pending = _user_keys(row)
        run._pending_flat = False  # decoded rows may hold None or nested dicts: no bulk update
        run._pending_time = row["_timestamp"]
        run._step = row["_step"]
        run._commit()
    run._step = int(step) + 1
    run._starting_step = run._step
    run._emit(fmt.RUN_UPDATE, {"forked_from": source_id, "fork_step": step, "starting_step": run._step})
