"""The parts of ``Run`` that are not about metrics: alerts, preemption, files, artifacts,
models, code, notebooks and model watching.

Artifact, file and code methods delegate to :mod:`cairn.artifacts.run_ops`; charts to
:mod:`cairn.plot`; ``watch`` to :mod:`cairn.integrations.torch_watch`. Each public method
checks the run is active through the same decorator as the core methods.
"""

from __future__ import annotations

import datetime
import sys
import time
from typing import Any

from cairn.runlog import format as fmt
from cairn.sdk.preconditions import raise_if_finished


class RunStatus(tuple):
    """``(sync_items_total, sync_items_pending, sync_time)``, as wandb's namedtuple; written
    by hand because building a namedtuple at import time is a measurable part of ``init``."""

    __slots__ = ()
    _fields = ("sync_items_total", "sync_items_pending", "sync_time")

    def __new__(cls, sync_items_total: int, sync_items_pending: int, sync_time: Any) -> RunStatus:
        return tuple.__new__(cls, (sync_items_total, sync_items_pending, sync_time))

    sync_items_total = property(lambda self: self[0])
    sync_items_pending = property(lambda self: self[1])
    sync_time = property(lambda self: self[2])

    def __repr__(self) -> str:
        a, b, c = self
        return f"RunStatus(sync_items_total={a!r}, sync_items_pending={b!r}, sync_time={c!r})"


class AlertLevel:
    """Alert severities accepted by ``run.alert``."""

    INFO = "INFO"
    WARN = "WARN"
    ERROR = "ERROR"


_active = raise_if_finished


def _ops():
    from cairn.artifacts import run_ops

    return run_ops


class RunExtras:
    """Mixed into :class:`cairn.sdk.run.Run`; relies on its ``_emit``, ``_settings``, ``id``."""

    def _extras_init(self) -> None:
        self._alerts_sent: dict[str, tuple[float, int]] = {}
        self._saved_files: dict[str, dict] = {}
        self._end_files: list[str] = []
        self._watchers: list[Any] = []

    def _extras_finish(self) -> None:
        # Only a run that used a file/artifact method has anything for run_ops to finish, and
        # that use imported it. Importing it here instead would cost finish its import time
        # and fails outright inside an atexit hook (its thread pool registers at import).
        ops = sys.modules.get("cairn.artifacts.run_ops")
        if ops is not None:
            try:
                ops.on_finish(self)
            except Exception as e:  # files failing to finalize must not leave the run open
                from cairn.sdk.term import termwarn

                termwarn(f"run {self.id}: finishing saved files/artifacts failed: {e!r}")

    # -- alerts / state ---------------------------------------------------------------
    @_active("alert")
    def alert(
        self,
        title: str,
        text: str,
        level: str | Any | None = None,
        wait_duration: int | float | datetime.timedelta | None = None,
    ) -> None:
        """Record an alert. ``title`` must be a str under 64 characters; ``level`` one of
        INFO, WARN, ERROR; ``wait_duration`` (seconds or timedelta, default 60) throttles
        alerts with the same title. Raises ``ValueError`` naming the bad argument."""
        if not isinstance(title, str) or not title:
            raise ValueError("alert title must be a non-empty string")
        if len(title) >= 64:
            raise ValueError(f"alert title must be less than 64 characters long (got {len(title)})")
        if not isinstance(text, str):
            raise ValueError("alert text must be a string")
        level = level if level is not None else AlertLevel.INFO
        level = getattr(level, "value", level)
        if level not in (AlertLevel.INFO, AlertLevel.WARN, AlertLevel.ERROR):
            raise ValueError("level must be one of 'INFO', 'WARN', or 'ERROR'")
        if wait_duration is None:
            wait_duration = 60
        if isinstance(wait_duration, datetime.timedelta):
            wait_duration = wait_duration.total_seconds()
        if isinstance(wait_duration, bool) or not isinstance(wait_duration, (int, float)):
            raise ValueError("wait_duration must be an int, float, or datetime.timedelta")
        ms = int(wait_duration * 1000)
        now = time.time()
        last = self._alerts_sent.get(title)  # (time, wait_duration in ms) of the last one sent
        throttled = last is not None and (now - last[0]) * 1000 < last[1]
        if not throttled:
            self._alerts_sent[title] = (now, ms)
        self._emit(
            fmt.ALERT,
            {"title": title, "text": text, "level": level, "wait_duration": ms, "time": now,
             "throttled": throttled},
        )

    @_active("mark_preempting")
    def mark_preempting(self) -> None:
        """Mark this run as preempting (recorded in the run file)."""
        self._emit(fmt.PREEMPTING, {"time": time.time()})

    @_active("status")
    def status(self) -> RunStatus:
        """Sync status; a local run has nothing to sync."""
        return RunStatus(0, 0, None)

    def detach(self) -> None:
        """Accepted for compatibility; a local run has no service to detach from."""
        return None

    def get_url(self) -> str | None:
        """The run's URL on a server; None for a local run."""
        base = self._settings.base_url
        if not base or self._settings.mode in ("offline", "dryrun"):
            return None
        return f"{base.rstrip('/')}/{self.project}/runs/{self.id}"

    def get_project_url(self) -> str | None:
        """The project's URL on a server; None for a local run."""
        base = self._settings.base_url
        if not base or self._settings.mode in ("offline", "dryrun"):
            return None
        return f"{base.rstrip('/')}/{self.project}"

    def get_sweep_url(self) -> str | None:
        """The sweep's URL on a server; None for a local run or a run outside a sweep."""
        url = self.get_project_url()
        return f"{url}/sweeps/{self.sweep_id}" if url and self.sweep_id else None

    def to_html(self, height: int = 420, hidden: bool = False) -> str:
        """HTML for notebooks: an iframe of the run page when a server URL is known, else a
        plain table of the run's identity and summary."""
        import html

        style = f"border:none;width:100%;height:{height}px;" + ("display:none;" if hidden else "")
        url = self.get_url()
        if url:
            return f"<iframe src={html.escape(url + '?jupyter=true', quote=True)!r} style={style!r}></iframe>"
        rows = "".join(
            f"<tr><td>{html.escape(str(k))}</td><td>{html.escape(repr(v))}</td></tr>"
            for k, v in self._summary_latest().items()
        )
        return (
            f"<div style={style!r}><b>{html.escape(str(self.name))}</b> "
            f"({html.escape(self.path)})<br/>run dir: {html.escape(self.dir)}"
            f"<table>{rows}</table></div>"
        )

    def display(self, height: int = 420, hidden: bool = False) -> bool:
        """Display the run in Jupyter; returns False outside a notebook."""
        try:
            from IPython import get_ipython  # type: ignore

            if get_ipython() is None:
                return False
            from IPython.display import HTML, display  # type: ignore

            display(HTML(self.to_html(height, hidden)))
            return True
        except ImportError:
            return False

    def _repr_html_(self) -> str:
        return self.to_html()

    # -- files, artifacts, models, code -----------------------------------------------
    @_active("save")
    def save(self, glob_str: Any = None, base_path: Any = None, policy: str = "live") -> Any:
        """Save files matching ``glob_str`` with the run (see the reference for path rules)."""
        return _ops().save(self, glob_str, base_path, policy)

    def restore(self, name: str, run_path: str | None = None, replace: bool = False, root: str | None = None) -> Any:
        """Fetch a file saved with a run into ``root``; returns an open file or None."""
        return _ops().restore(name, run_path=run_path, replace=replace, root=root, run=self)

    @_active("log_code")
    def log_code(self, root: str | None = ".", name: str | None = None, include_fn: Any = None, exclude_fn: Any = None) -> Any:
        """Save the source code under ``root`` as a ``code`` artifact."""
        return _ops().log_code(self, root, name, include_fn, exclude_fn)

    @_active("log_artifact")
    def log_artifact(self, artifact_or_path: Any, name: str | None = None, type: str | None = None,
                     aliases: list[str] | None = None, tags: list[str] | None = None) -> Any:
        """Declare an artifact as an output of this run."""
        return _ops().log_artifact(self, artifact_or_path, name, type, aliases, tags)

    @_active("use_artifact")
    def use_artifact(self, artifact_or_name: Any, type: str | None = None,
                     aliases: list[str] | None = None, use_as: str | None = None) -> Any:
        """Declare an artifact as an input to this run and return it."""
        return _ops().use_artifact(self, artifact_or_name, type, aliases, use_as)

    @_active("upsert_artifact")
    def upsert_artifact(self, artifact_or_path: Any, name: str | None = None, type: str | None = None,
                        aliases: list[str] | None = None, distributed_id: str | None = None) -> Any:
        """Add to a not-yet-finalized artifact shared by the runs of a group."""
        return _ops().upsert_artifact(self, artifact_or_path, name, type, aliases, distributed_id)

    @_active("finish_artifact")
    def finish_artifact(self, artifact_or_path: Any, name: str | None = None, type: str | None = None,
                        aliases: list[str] | None = None, distributed_id: str | None = None) -> Any:
        """Finalize a distributed artifact."""
        return _ops().finish_artifact(self, artifact_or_path, name, type, aliases, distributed_id)

    @_active("link_artifact")
    def link_artifact(self, artifact: Any, target_path: str, aliases: list[str] | None = None) -> None:
        """Link an artifact version into a registry collection."""
        return _ops().link_artifact(self, artifact, target_path, aliases)

    @_active("log_model")
    def log_model(self, path: Any, name: str | None = None, aliases: list[str] | None = None) -> None:
        """Log a model artifact (type ``model``) from ``path``."""
        return _ops().log_model(self, path, name, aliases)

    @_active("use_model")
    def use_model(self, name: str) -> str:
        """Download a logged model artifact; returns the file or folder path."""
        return _ops().use_model(self, name)

    @_active("link_model")
    def link_model(self, path: Any, registered_model_name: str, name: str | None = None,
                   aliases: list[str] | None = None) -> None:
        """Log a model artifact and link it into the model registry."""
        return _ops().link_model(self, path, registered_model_name, name, aliases)

    # -- charts, models -----------------------------------------------------------------
    @staticmethod
    def plot_table(vega_spec_name: str, data_table: Any, fields: dict, string_fields: dict | None = None,
                   split_table: bool = False) -> Any:
        """Create a custom chart from a Vega-Lite spec name and a Table."""
        from cairn.plot import plot_table

        return plot_table(vega_spec_name, data_table, fields, string_fields, split_table)

    @_active("watch")
    def watch(self, models: Any, criterion: Any = None, log: str | None = "gradients", log_freq: int = 100,
              idx: int | None = None, log_graph: bool = False) -> None:
        """Log histograms of a torch model's parameters and/or gradients every ``log_freq`` steps."""
        from cairn.integrations.torch_watch import watch

        watch(self, models, criterion=criterion, log=log, log_freq=log_freq, idx=idx, log_graph=log_graph)

    @_active("unwatch")
    def unwatch(self, models: Any = None) -> None:
        """Remove the hooks ``watch`` put on ``models`` (on every watched model when None)."""
        from cairn.integrations.torch_watch import unwatch

        unwatch(self, models)
