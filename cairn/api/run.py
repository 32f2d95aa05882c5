"""The query API's ``Run``: one run's attributes, history, files and edits (R9.3–R9.6, R4.11).

Built from the run dict the backend returns (docs/architecture.md, the index contract). Reads of
history go back to the backend each time, after an incremental ingest of this run, so a run that
is still being written shows its newest rows. Edits (``name``, ``notes``, ``tags``, ``config``,
``group``, ``job_type``, ``summary``) are persisted by ``update()``.
"""

from __future__ import annotations

import copy
import datetime as _dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cairn.api import history as hist
from cairn.api.files import File
from cairn.api.summary import Summary
from cairn.sdk.errors import CommError

INTERNAL_CONFIG_KEYS = ("_wandb", "wandb_version")
_EDITABLE = ("name", "notes", "tags", "group", "job_type")


def iso_time(value: Any) -> str | None:
    """A timestamp as wandb's API shows it: ``YYYY-MM-DDTHH:MM:SS`` in UTC, no zone suffix
    (``None`` stays; strings, already in that form from the index, pass through)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        value = _dt.datetime.fromtimestamp(value, _dt.UTC)
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    return str(value)


def _diff(name: str, old: dict, new: dict) -> dict:
    """Backend edit fields turning ``old`` into ``new``: ``name`` (changed/added keys) and
    ``name_remove`` (dropped keys), each only when non-empty."""
    changed = {k: v for k, v in new.items()
               if k not in old or old[k] != v or type(old[k]) is not type(v)}
    removed = [k for k in old if k not in new]
    out: dict[str, Any] = {}
    if changed:
        out[name] = changed
    if removed:
        out[f"{name}_remove"] = removed
    return out


class Run:
    """A run as the query API sees it. Get one from ``Api().run(path)`` or ``Api().runs()``."""

    def __init__(self, api: Any, attrs: dict) -> None:
        self._api = api
        self._load(attrs)

    # -- attributes -------------------------------------------------------------------------
    def _load(self, attrs: dict) -> None:
        # A deep copy: the backend may hand out its cached dicts, and edits to nested config or
        # summary values must show up as differences in update().
        attrs = copy.deepcopy(attrs)
        self._attrs = attrs
        self.id: str = attrs["id"]
        self.name: str = attrs.get("name") or ""
        self.notes: str = attrs.get("notes") or ""
        self.tags: list[str] = list(attrs.get("tags") or [])
        self.group: str = attrs.get("group") or ""
        self.job_type: str = attrs.get("job_type") or ""
        raw = copy.deepcopy(attrs.get("config") or {})
        self.rawconfig: dict = raw
        self.config: dict = {k: v for k, v in raw.items() if k not in INTERNAL_CONFIG_KEYS}
        self.summary_metrics: dict = copy.deepcopy(attrs.get("summary") or {})
        self._summary = Summary(self.summary_metrics, self._persist_summary)

    @property
    def _backend(self) -> Any:
        return self._api._backend

    @property
    def display_name(self) -> str:
        return self.name

    @display_name.setter
    def display_name(self, value: str) -> None:
        self.name = value

    @property
    def entity(self) -> str:
        return self._attrs.get("entity") or ""

    @property
    def project(self) -> str:
        return self._attrs.get("project") or ""

    @property
    def state(self) -> str:
        return self._attrs.get("state") or "running"

    @property
    def summary(self) -> Summary:
        return self._summary

    @property
    def path(self) -> list[str]:
        return [self.entity, self.project, self.id]

    @property
    def storage_id(self) -> str:
        return self.id

    @property
    def created_at(self) -> str | None:
        return iso_time(self._attrs.get("created_at"))

    @property
    def heartbeat_at(self) -> str | None:
        return iso_time(self._attrs.get("heartbeat_at"))

    @property
    def runtime(self) -> float:
        return float(self._attrs.get("runtime") or 0.0)

    @property
    def metadata(self) -> dict:
        return dict(self._attrs.get("metadata") or {})

    @property
    def lastHistoryStep(self) -> int:  # noqa: N802 - wandb's name
        last = self._attrs.get("last_step")
        return -1 if last is None else int(last)

    @property
    def exit_code(self) -> int | None:
        return self._attrs.get("exit_code")

    @property
    def sweep(self) -> None:
        return None

    @property
    def dir(self) -> str:
        """The run's folder under the root (its run file and ``files/``)."""
        return str(Path(self._backend.root) / "runs" / self.id)

    @property
    def url(self) -> str:
        """A ``file://`` URL of the run's folder: a local root has no web address."""
        return Path(self.dir).as_uri()

    @property
    def system_metrics(self) -> dict:
        """The latest value of each system metric (``system.<name>`` keys, as wandb names them)."""
        out: dict = {}
        for row in self._system_rows():
            out.update({k: v for k, v in row.items() if k.startswith("system.")})
        return out

    def _system_rows(self) -> list[dict]:
        """System samples as wandb's ``stream="system"`` rows: ``system.<name>`` values with
        ``_timestamp`` and ``_runtime`` (seconds since the run was created)."""
        t0 = self._attrs.get("created_ts")
        out = []
        for sample in self._backend.system_metrics(self.id):
            row = {f"system.{k}": v for k, v in sample.items() if k != "_timestamp"}
            ts = sample.get("_timestamp")
            if ts is not None:
                if t0 is not None:
                    row["_runtime"] = max(0.0, ts - t0)
                row["_timestamp"] = ts
            out.append(row)
        return out

    # -- loading and editing ----------------------------------------------------------------
    def load(self, force: bool = False) -> dict:
        """Re-read the run from the backend (after ingesting its newest records)."""
        if force:
            self._backend.ingest([self.id])
            self._load(self._backend.run(self.id))
        return self._attrs

    def update(self) -> None:
        """Persist edits to name, notes, tags, group, job_type, config and summary (changed and
        removed keys alike).

        Raises ``CommError`` if the run is gone. Cost: appended records and a re-ingest.
        """
        fields: dict[str, Any] = {}
        for k in _EDITABLE:
            if getattr(self, k) != (self._attrs.get(k) or ([] if k == "tags" else "")):
                fields[k] = list(self.tags) if k == "tags" else getattr(self, k)
        raw_config = dict(self._attrs.get("config") or {})
        user_config = {k: v for k, v in raw_config.items() if k not in INTERNAL_CONFIG_KEYS}
        fields.update(_diff("config", user_config, self.config))
        fields.update(_diff("summary", self._attrs.get("summary") or {}, self.summary_metrics))
        if fields:
            self._backend.update_run(self.id, **fields)
            self.load(force=True)

    def _persist_summary(self, summary: dict) -> None:
        fields = _diff("summary", self._attrs.get("summary") or {}, summary)
        if fields:
            self._backend.update_run(self.id, **fields)
        self.load(force=True)

    def delete(self, delete_artifacts: bool = False) -> None:
        """Delete the run: its index entries and its run folder. Raises ``CommError`` if unknown."""
        self._backend.delete_run(self.id)

    def wait_until_finished(self) -> None:
        """Accepted for compatibility: a local run's state is read, not awaited."""
        self.load(force=True)

    # -- history ----------------------------------------------------------------------------
    def history(self, samples: int = 500, keys: list[str] | None = None, x_axis: str = "_step",
                pandas: bool = True, stream: str = "default") -> Any:
        """Up to ``samples`` history rows, evenly sampled over the run with the last row kept.

        With ``keys``: only rows holding every key, projected to ``x_axis`` + keys.
        ``stream="system"`` gives system-metric rows. Returns a DataFrame (``pandas=True``) or a
        list of dicts. Raises ``ValueError`` for a bad ``keys``/``stream``; ``ImportError`` when
        pandas is asked for but not installed. Cost: O(samples) rows decoded (system rows: all).
        """
        keys = hist.check_keys(keys)
        if stream == "default":
            self._backend.ingest([self.id])
            # The backend samples: it decodes only the sampled rows (O(samples), not O(rows)).
            got = self._backend.history_sample(self.id, samples, keys, x_axis)
            rows = list(hist.select(got, keys, (x_axis,)))
            return hist.to_frame(rows) if pandas else rows
        if stream == "system":
            self._backend.ingest([self.id])
            source = iter(self._system_rows())
        else:
            raise ValueError(f"stream must be 'default' or 'system', got {stream!r}")
        extra = (x_axis, "_runtime", "_timestamp")
        rows = hist.sample(list(hist.select(source, keys, extra)), samples)
        return hist.to_frame(rows) if pandas else rows

    def scan_history(self, keys: list[str] | None = None, page_size: int = 1000,
                     min_step: int | None = None, max_step: int | None = None) -> Iterator[dict]:
        """Every history row with ``min_step <= _step < max_step``, read in pages of ``page_size``.

        With ``keys``: only rows holding every key, projected to those keys. Raises
        ``ValueError`` for a bad ``keys``. Cost: proportional to the rows in range.
        """
        keys = hist.check_keys(keys)
        if not isinstance(page_size, int) or page_size < 1:
            raise ValueError(f"page_size must be a positive integer, got {page_size!r}")
        self._backend.ingest([self.id])
        lo = 0 if min_step is None else min_step
        last = self._backend.run(self.id).get("last_step")
        end = -1 if last is None else int(last) + 1
        hi = end if max_step is None else min(max_step, end)
        return self._scan(keys, page_size, lo, hi)

    def _scan(self, keys: list[str] | None, page_size: int, lo: int, hi: int) -> Iterator[dict]:
        if hi <= lo:
            return
        rows = self._backend.history_rows(self.id, keys=keys, min_step=lo, max_step=hi,
                                          page_size=page_size)
        in_range = (r for r in rows if lo <= r.get("_step", lo) < hi)
        yield from hist.select(in_range, keys)

    # -- files and artifacts ----------------------------------------------------------------
    def files(self, names: list[str] | None = None, per_page: int = 50) -> list[File]:
        """The run's saved files (all of them, or those named in ``names``)."""
        out = [File(self._backend, self.id, f) for f in self._backend.files(self.id)]
        return out if not names else [f for f in out if f.name in names]

    def file(self, name: str) -> File:
        """The saved file ``name``. Raises ``CommError`` if the run has no such file."""
        for f in self.files():
            if f.name == name:
                return f
        raise CommError(f"file {name!r} not found in run {'/'.join(p for p in self.path if p)}")

    def logged_artifacts(self, per_page: int = 100) -> Any:
        """The artifact versions this run logged, in the order logged."""
        from cairn.artifacts import query

        return query.logged_artifacts(self._api, self)

    def used_artifacts(self, per_page: int = 100) -> Any:
        """The artifact versions this run used (``use_artifact``), in the order used."""
        from cairn.artifacts import query

        return query.used_artifacts(self._api, self)

    def __repr__(self) -> str:
        return f"<Run {'/'.join(p for p in self.path if p)} ({self.state})>"
