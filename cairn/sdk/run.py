"""The ``Run`` object: logging, summary, config, define_metric and the run's life cycle.

Every record a run writes goes through :meth:`Run._emit` (or, for committed history rows,
:meth:`Run._commit`), which hands it to the run's :class:`~cairn.runlog.writer.RunWriter`.
``log`` validates and converts in the caller's thread and never blocks on I/O; see
``docs/formats/runfile.md`` for what reaches disk. Methods about artifacts, files and alerts
live in :mod:`cairn.sdk.run_extras` and are mixed in here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from threading import get_ident
from typing import Any

from cairn.runlog import format as fmt
from cairn.sdk import convert
from cairn.sdk.config import Config
from cairn.sdk.errors import Error, UsageError
from cairn.sdk.metrics import Metric, MetricDefs, validate
from cairn.sdk.preconditions import raise_if_finished
from cairn.sdk.run_extras import RunExtras
from cairn.sdk.summary import Summary
from cairn.sdk.summary_state import SummaryState
from cairn.sdk.term import termlog, termwarn

_STR_ONLY = frozenset((str,))
# value types that need no conversion and cannot change the summary's shape (no None, no dict)
_FLAT = frozenset((int, float, str, bool))


class Run(RunExtras):
    """A unit of computation logged by Cairn, typically an ML experiment.

    Create one with ``cairn.init()``; at most one is active per process (``cairn.run``).
    """

    def __init__(self, settings: Any, info: dict, writer: Any, root: str) -> None:
        self._settings = settings
        self._info = info
        self._writer = writer
        self._root = root
        self._finished = False
        self._id = info["id"]
        self._start_time = info["start_time"]
        self._runtime_offset = info.get("runtime_offset", 0.0)
        self._step = info.get("starting_step", 0)
        self._starting_step = self._step
        self._pending: dict = {}
        self._pending_flat = True
        self._pending_time = 0.0
        self._valid_keys: frozenset = frozenset()
        self._last_commit: tuple | None = None
        self._services: list[Any] = []  # background helpers with a stop(): console, system stats
        self._resume_file: str | None = None
        self._defs = MetricDefs()
        self._summary_state = SummaryState(self._defs)
        self._seen_keys: set[str] = set()
        self._step_values: dict[str, Any] = {}
        self._summary_obj = Summary(self)
        self._config = Config()
        self._config._bind(self._emit_config, self._check_active)
        self._extras_init()

    # -- the append path ------------------------------------------------------------------
    def _emit(self, rtype: int, payload: Any) -> None:
        """Queue one record for the run file. The single way a run writes a record."""
        if self._writer is not None:
            self._writer.put(rtype, payload)

    def _emit_config(self, upd: dict) -> None:
        self._emit(fmt.CONFIG, {"update": self._config_payload(upd)})

    def _config_payload(self, upd: dict) -> dict:
        out = {}
        for k, v in upd.items():
            if hasattr(v, "_cairn_artifact"):
                art = self.use_artifact(v)
                v = {"_type": "artifactVersion", "name": art.name, "type": art.type}
                self._config._items[k] = art
            out[k] = v
        return out

    def _check_active(self) -> None:
        if self._finished:
            raise UsageError(f"Run ({self.id}) is finished. The call to `config` will be ignored.")

    # -- log ------------------------------------------------------------------------------
    def log(
        self,
        data: dict[str, Any],
        step: int | None = None,
        commit: bool | None = None,
        sync: bool | None = None,
    ) -> None:
        """Log a dict of values to the run's history (and summary).

        Implicit step (``step=None``) commits a row now unless ``commit=False``; an explicit
        ``step`` merges into that step's pending row until a higher step, ``commit=True``, an
        implicit log, or ``finish``. A step lower than the current one drops the whole call
        with a warning. Raises ``ValueError`` for non-dict data or non-str keys, ``TypeError``
        for unserializable values or a non-integer step; nothing of a failed call is recorded.
        """
        if self._finished:
            raise UsageError(
                f"Run ({self._id}) is finished. The call to `log` will be ignored. "
                "Please make sure that you are using an active run."
            )
        if data.__class__ is not dict:
            if not isinstance(data, Mapping):
                raise ValueError("cairn.log must be passed a dictionary")
            data = dict(data)
        if data.keys() != self._valid_keys:  # a key set seen before is known to be all str
            self._check_keys(data)
        if _FLAT.issuperset(map(type, data.values())):
            row = data.copy()  # numbers/strings/bools only: nothing to convert, summary can bulk-update
            flat = True
            pending = None
        else:
            row = {}
            # side effects of converting (media FILES records, config entries, run_table
            # artifacts) wait until the call is accepted: cairn.data_types.base.after_row.
            # The thread id keeps a concurrent log call in another thread out of this list.
            pending = []
            window = self._media_pending = (get_ident(), pending)
            try:
                for k, v in data.items():
                    if getattr(type(v), "_cairn_chart", False):  # a custom chart logs its table as K_table (R6.16)
                        k, v = v._cairn_split(self, k)
                    row[k] = convert.to_value(v, self, k)
            finally:
                if self.__dict__.get("_media_pending") is window:
                    del self._media_pending
            flat = False
        if "_step" in row:
            del row["_step"]
        if "_runtime" in row:
            del row["_runtime"]
        now = time.time()
        if step is None:
            commit_now = True if commit is None else bool(commit)
        else:
            if step.__class__ is not int:
                step = _as_step(step)
            if step < self._step:
                termwarn(
                    f"Tried to log to step {step} that is less than the current step {self._step}. "
                    "Steps must be monotonically increasing, so this data will be ignored."
                )
                return
            if step > self._step:
                if self._pending:
                    self._commit()
                self._step = step
            commit_now = bool(commit)
        if pending:  # accepted (not dropped for a lower step): now the side effects of converting
            from cairn.data_types.base import run_pending

            run_pending(pending)
        if commit_now and flat and not self._pending:
            # The common case (a flat row committed alone, no define_metric): what _commit
            # does, inlined, since a method call is a sizeable share of a ~1.5 µs log().
            defs = self._defs
            writer = self._writer
            if not defs.exact and not defs.globs and writer is not None:
                s = self._step
                writer.put_row(s, now, row)
                self._summary_state.latest.update(row)
                self._last_commit = (s, now, row)
                self._step = s + 1
                return
        if self._pending:
            self._pending.update(row)
            self._pending_flat = self._pending_flat and flat
        else:
            self._pending = row
            self._pending_flat = flat
        self._pending_time = now
        if commit_now:
            self._commit()

    def _check_keys(self, data: dict) -> None:
        if not _STR_ONLY.issuperset(map(type, data)):
            for k in data:
                if not isinstance(k, str):
                    raise ValueError(f"Key values passed to `cairn.log` must be strings (got {k!r}).")
        self._valid_keys = frozenset(data)  # a snapshot: the caller may mutate its dict later

    def _commit(self) -> None:
        """Write the pending row at the current step and advance the step."""
        row = self._pending
        self._pending = {}
        defs = self._defs
        if defs.exact or defs.globs:
            self._metric_hooks(row)
        t = self._pending_time
        step = self._step
        if self._writer is not None:
            self._writer.put_row(step, t, row)
        self._summary_state.apply_row(row, flat=self._pending_flat)
        self._last_commit = (step, t, row)  # the summary's _step/_timestamp/_runtime, set on read
        self._step = step + 1

    def _summary_latest(self) -> dict:
        """The live summary dict, with the automatic keys of the last committed row filled in.

        Every reader and writer of the summary goes through here: ``log`` only notes the last
        commit, which keeps three dict writes per step off the hot path."""
        latest = self._summary_state.latest
        lc = self._last_commit
        if lc is not None:
            self._last_commit = None
            step, t, row = lc
            latest["_step"] = step
            latest["_timestamp"] = row.get("_timestamp", t)
            latest["_runtime"] = t - self._start_time + self._runtime_offset
        return latest

    def _metric_hooks(self, row: dict) -> None:
        """Glob expansion (records a concrete definition per new key) and step_sync insertion."""
        defs = self._defs
        if defs.globs:
            seen = self._seen_keys
            for k in row:
                if k not in seen:
                    seen.add(k)
                    d = defs.resolve(k) if k not in defs.exact else None
                    if d is not None:
                        self._emit(fmt.METRIC, {**d, "name": k, "expanded_from_glob": True})
        if defs.any_step:
            sv = self._step_values
            for sm in defs.step_metrics:
                if sm in row:
                    sv[sm] = row[sm]
            for k in list(row):
                d = defs.resolve(k)
                if d and d.get("step_metric") and d.get("step_sync"):
                    sm = d["step_metric"]
                    if sm not in row:
                        row[sm] = sv.get(sm, 0)

    # -- summary --------------------------------------------------------------------------
    @property
    def summary(self) -> Summary:
        """Single values for each key: the last logged value unless set or aggregated."""
        return self._summary_obj

    def _summary_view(self) -> dict:
        if self._finished:
            termwarn("Summary data not available in finished run")
            return {}
        return self._summary_latest()

    def _summary_set(self, path: tuple[str, ...], value: Any) -> None:
        if self._finished:
            raise UsageError(f"Run ({self.id}) is finished. The call to `summary` will be ignored.")
        v = convert.to_value(value, self, path[-1], mode="summary")
        self._summary_latest()
        self._summary_state.set(path, v)
        self._emit(fmt.SUMMARY, {"nested": [[list(path), v]]})

    def _summary_remove(self, path: tuple[str, ...]) -> None:
        if self._finished:
            raise UsageError(f"Run ({self.id}) is finished. The call to `summary` will be ignored.")
        self._summary_latest()
        self._summary_state.remove(path)
        self._emit(fmt.SUMMARY, {"remove": [list(path)]})

    # -- define_metric --------------------------------------------------------------------
    @raise_if_finished("define_metric")
    def define_metric(
        self,
        name: str,
        step_metric: str | Metric | None = None,
        step_sync: bool | None = None,
        hidden: bool | None = None,
        summary: str | None = None,
        goal: str | None = None,
        overwrite: bool | None = None,
        **kwargs: Any,
    ) -> Metric:
        """Customize how a logged metric is charted and summarised (see the reference)."""
        if kwargs:
            raise Error(f"define_metric() got unexpected arguments: {', '.join(kwargs)}")
        d = validate(name, step_metric, step_sync, hidden, summary, goal, overwrite)
        merged = self._defs.define(d)
        self._emit(fmt.METRIC, {**d, "name": name})
        return Metric(name, merged)

    # -- config ---------------------------------------------------------------------------
    @property
    def config(self) -> Config:
        """The run's hyperparameters."""
        return self._config

    @property
    def config_static(self) -> Any:
        """A read-only namespace of the config's user keys."""

        from types import SimpleNamespace

        return SimpleNamespace(**self._config.as_dict())

    # -- attributes -----------------------------------------------------------------------
    @property
    def id(self) -> str:
        """Identifier for this run."""
        return self._id

    @property
    def name(self) -> str | None:
        """Display name of the run."""
        return self._info.get("name")

    @name.setter
    def name(self, v: str) -> None:
        self._set_attr("name", None if v is None else str(v))

    @property
    def display_name(self) -> str | None:
        """Same as :attr:`name`."""
        return self.name

    @property
    def notes(self) -> str:
        """Notes associated with the run."""
        return self._info.get("notes") or ""

    @notes.setter
    def notes(self, v: str) -> None:
        self._set_attr("notes", str(v))

    @property
    def tags(self) -> tuple[str, ...]:
        """Tags associated with the run, as a tuple."""
        return tuple(self._info.get("tags") or ())

    @tags.setter
    def tags(self, v: Any) -> None:
        if isinstance(v, str):
            v = [v]
        self._set_attr("tags", [str(t) for t in v])

    def _set_attr(self, k: str, v: Any) -> None:
        if self._finished:
            raise UsageError(f"Run ({self.id}) is finished. The call to `{k}` setter will be ignored.")
        self._info[k] = v
        self._emit(fmt.RUN_UPDATE, {k: v})

    @property
    def group(self) -> str:
        """Name of the group associated with the run ("" when unset)."""
        return self._info.get("group") or ""

    @property
    def job_type(self) -> str:
        """The run's job type ("" when unset)."""
        return self._info.get("job_type") or ""

    @property
    def project(self) -> str:
        """Name of the project the run belongs to."""
        return self._info["project"]

    def project_name(self) -> str:
        """Same as :attr:`project`."""
        return self.project

    @property
    def entity(self) -> str:
        """The entity ("" for local runs without one)."""
        return self._info.get("entity") or ""

    @property
    def path(self) -> str:
        """``entity/project/run_id``, leaving out empty parts."""
        return "/".join(p for p in (self.entity, self.project, self.id) if p)

    @property
    def dir(self) -> str:
        """The folder where files associated with the run are saved."""
        return self._info["dir"]

    @property
    def resumed(self) -> bool:
        """True when this start continued an existing run."""
        return bool(self._info.get("resumed"))

    @property
    def start_time(self) -> float:
        """Unix timestamp (seconds) of when the run started."""
        return self._start_time

    @property
    def starting_step(self) -> int:
        """The first step of this start (0 for a new run)."""
        return self._starting_step

    @property
    def step(self) -> int:
        """The next step ``log`` will use."""
        return self._step

    @property
    def sweep_id(self) -> str | None:
        """The sweep the run belongs to, if any."""
        return self._info.get("sweep_id")

    @property
    def settings(self) -> Any:
        """A frozen copy of the run's settings."""
        return self._settings.frozen_copy()

    @property
    def mode(self) -> str:
        """"dryrun" for an offline run, else "run" (as wandb)."""
        return "dryrun" if self.offline else "run"

    @property
    def offline(self) -> bool:
        """True for ``mode="offline"`` (or ``"dryrun"``)."""
        return self._settings.mode in ("offline", "dryrun")

    @property
    def disabled(self) -> bool:
        """True only for a ``mode="disabled"`` run."""
        return False

    @property
    def url(self) -> str | None:
        """The run's URL on a Cairn server, or None for a local run."""
        return self.get_url()

    @property
    def _label(self) -> Callable[..., str]:
        return lambda *a, **k: ""

    # -- finish ---------------------------------------------------------------------------
    def finish(self, exit_code: int | None = None, quiet: bool | None = None) -> None:
        """Mark the run finished: flush pending data, write the exit record, fsync, close.

        ``exit_code`` other than 0 marks the run failed. A second call is a no-op. Returns
        within bounded time (the writer drains what is queued, then the file is fsynced).
        """
        if self._finished:
            return
        if self._pending:
            self._commit()
        for svc in reversed(self._services):
            try:
                svc.stop()  # console lines and a last stats sample land before the exit record
            except Exception as e:  # a helper failing must not keep the run open
                termwarn(f"run {self.id}: stopping {type(svc).__name__} failed: {e!r}")
        self._services.clear()
        self._extras_finish()
        code = int(exit_code) if exit_code is not None else 0
        now = time.time()
        runtime = now - self._start_time + self._runtime_offset
        self._summary_latest()
        final = self._summary_state.snapshot()
        final["_wandb"] = {"runtime": int(runtime)}
        self._emit(fmt.SUMMARY, {"final": final})
        self._emit(fmt.EXIT, {"exit_code": code, "runtime": runtime, "time": now})
        self._finished = True
        if self._writer is not None:
            self._writer.close()
            err = self._writer.error
            if err is not None:
                termwarn(f"run {self.id}: some records could not be written: {err!r}")
        from cairn.sdk import compat_files

        compat_files.write(self.dir, self.config._items, final)
        if self._resume_file and code == 0:
            try:  # resume="auto": a run that finished cleanly is not resumed next time (R1.9)
                os.unlink(self._resume_file)
            except OSError:
                pass
        from cairn.sdk import globals as g

        g.on_finish(self)
        quiet = quiet or self._settings.quiet or self._settings.silent
        if not quiet:
            termlog(f"run {self.id} finished ({'failed' if code else 'ok'}); files in {self.dir}")
            termlog(f"view it with: cairn show {self.id}   or   cairn ui")

    def join(self, exit_code: int | None = None) -> None:
        """Deprecated alias for :meth:`finish`."""
        self.finish(exit_code=exit_code)

    def __enter__(self) -> Run:
        return self

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> bool:
        """Finish with exit code 0, or 1 when the block raised (any exception, KeyboardInterrupt
        included, as wandb: 255 is only the process-exit hook's code for it, R8.2/R8.3); the
        traceback is printed and the exception propagates."""
        if exc_type is not None:
            import traceback

            traceback.print_exception(exc_type, exc_val, exc_tb)
        self.finish(exit_code=0 if exc_type is None else 1)
        return False

    def __repr__(self) -> str:
        return f"<Run {self.path} ({'finished' if self._finished else 'running'})>"


def _as_step(step: Any) -> int:
    if isinstance(step, bool):
        raise TypeError(f"step must be an integer, not {type(step).__name__}")
    try:
        import operator

        return operator.index(step)
    except TypeError:
        raise TypeError(f"'{type(step).__name__}' object cannot be interpreted as an integer (step={step!r})")
