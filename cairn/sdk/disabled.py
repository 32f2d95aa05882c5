"""Disabled mode (``mode="disabled"``): a real ``Run`` whose methods record nothing (R1.17)."""

from __future__ import annotations

import tempfile
import time
from typing import Any

from cairn.sdk.metrics import Metric


class _AttrDict(dict):
    def __getattr__(self, k: str) -> Any:
        try:
            return self[k]
        except KeyError:
            raise AttributeError(k)

    def __setattr__(self, k: str, v: Any) -> None:
        self[k] = v


def _none(*args: Any, **kwargs: Any) -> None:
    return None


class RunDisabled:
    """Placeholder; replaced below by a subclass of ``Run`` (import cycle avoidance)."""


def _make() -> type:
    from cairn.sdk.init import generate_id
    from cairn.sdk.run import Run

    class _RunDisabled(Run):
        """Accepts every call, writes nothing. ``log`` only updates a local summary dict."""

        def __init__(self, settings: Any, config: dict) -> None:
            rid = generate_id()
            info = {
                "id": rid, "project": "", "entity": "dummy", "name": "dummy-" + rid,
                "dir": tempfile.gettempdir(), "start_time": time.time(), "starting_step": 0,
            }
            super().__init__(settings, info, None, tempfile.gettempdir())
            self._config._items.update(config)
            self._summary_dict = _AttrDict()

        @property
        def summary(self) -> Any:  # type: ignore[override]
            return self._summary_dict

        @property
        def path(self) -> str:  # type: ignore[override]
            return f"dummy/dummy/{self.id}"

        @property
        def disabled(self) -> bool:  # type: ignore[override]
            return True

        def log(self, data: dict, step: Any = None, commit: Any = None, sync: Any = None) -> None:
            self._summary_dict.update(data)

        def define_metric(self, name: str, *args: Any, **kwargs: Any) -> Metric:
            return Metric(name)

        def save(self, *args: Any, **kwargs: Any) -> bool:
            return False

        alert = log_artifact = use_artifact = log_code = log_model = use_model = _none
        link_model = link_artifact = get_url = get_project_url = get_sweep_url = _none
        mark_preempting = status = watch = unwatch = restore = upsert_artifact = _none
        finish_artifact = _none

        @staticmethod
        def plot_table(*args: Any, **kwargs: Any) -> None:
            return None

        def finish(self, exit_code: Any = None, quiet: Any = None) -> None:
            if self._finished:
                return
            self._finished = True
            from cairn.sdk import globals as g

            g.on_finish(self)

    _RunDisabled.__name__ = "RunDisabled"
    _RunDisabled.__qualname__ = "RunDisabled"
    return _RunDisabled


def __getattr__(name: str) -> Any:
    if name == "RunDisabled":
        cls = _make()
        globals()["RunDisabled"] = cls
        return cls
    raise AttributeError(name)


del RunDisabled
