"""Module-level state: ``cairn.run``, ``cairn.log``, ``cairn.config`` … before, during and
after a run (wandb-semantics R1.16), and the process-exit hooks that finish a run (R8.3).
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import Any

from cairn.sdk.errors import Error

_BOUND = (
    "log", "save", "define_metric", "use_artifact", "log_artifact", "log_model", "use_model",
    "link_model", "alert", "mark_preempting", "watch", "unwatch", "log_code", "restore",
    "upsert_artifact", "finish_artifact", "link_artifact",
)

_active: list[Any] = []
_exit_code: list[int | None] = [None]
_hooks_installed = [False]


class PreInitObject:
    """Stands in for ``cairn.config`` / ``cairn.summary`` before ``init``: any use raises."""

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def _fail(self, what: str) -> Error:
        return Error(f"You must call cairn.init() before {what}")

    def __getitem__(self, k: Any) -> Any:
        raise self._fail(f"{self._name}[{k!r}]")

    def __setitem__(self, k: Any, v: Any) -> None:
        raise self._fail(f"{self._name}[{k!r}]")

    def __getattr__(self, k: str) -> Any:
        if k.startswith("__"):
            raise AttributeError(k)
        raise self._fail(f"{self._name}.{k}")

    def __setattr__(self, k: str, v: Any) -> None:
        raise self._fail(f"{self._name}.{k}")

    def __contains__(self, k: Any) -> bool:
        raise self._fail(f"{self._name}.__contains__")

    def __iter__(self) -> Any:
        raise self._fail(f"{self._name}.__iter__")

    def __repr__(self) -> str:
        return f"<PreInitObject {self._name}>"


def _preinit_fn(name: str) -> Any:
    def fn(*args: Any, **kwargs: Any) -> Any:
        raise Error(f"You must call cairn.init() before cairn.{name}()")

    fn.__name__ = name
    return fn


def _module() -> Any:
    return sys.modules["cairn"]


def reset_module() -> None:
    """Put the module-level names back to their pre-init placeholders."""
    m = _module()
    m.run = None
    m.config = PreInitObject("cairn.config")
    m.summary = PreInitObject("cairn.summary")
    for name in _BOUND:
        setattr(m, name, _preinit_fn(name))


def on_init(run: Any) -> None:
    """Bind the module-level names to ``run`` and make sure exit hooks are in place."""
    _active.append(run)
    _bind(run)
    _install_hooks()


def on_finish(run: Any) -> None:
    """Forget ``run``; the module-level names go to the run started before it, or back to
    their pre-init placeholders."""
    if run in _active:
        _active.remove(run)
    if getattr(_module(), "run", None) is run:
        if _active:
            _bind(_active[-1])
        else:
            reset_module()


def _bind(run: Any) -> None:
    """Point ``cairn.run``, ``cairn.config``, ``cairn.summary``, ``cairn.log`` ... at ``run``."""
    m = _module()
    m.run = run
    m.config = run.config
    m.summary = run.summary
    for name in _BOUND:
        setattr(m, name, getattr(run, name))
    m.watch = _module_watch(run.watch)


def _module_watch(bound: Any) -> Any:
    """``cairn.watch``: as ``run.watch`` but with wandb's module-level ``log_freq=1000``."""

    def watch(models: Any, criterion: Any = None, log: str | None = "gradients", log_freq: int = 1000,
              idx: int | None = None, log_graph: bool = False) -> Any:
        return bound(models, criterion=criterion, log=log, log_freq=log_freq, idx=idx, log_graph=log_graph)

    return watch


def active_run() -> Any:
    """The most recently started run that has not finished, or None."""
    return _active[-1] if _active else None


def _install_hooks() -> None:
    if _hooks_installed[0]:
        return
    _hooks_installed[0] = True
    prev_hook = sys.excepthook
    prev_exit = sys.exit

    def excepthook(tp: Any, value: Any, tb: Any) -> None:
        _exit_code[0] = 255 if issubclass(tp, KeyboardInterrupt) else 1
        prev_hook(tp, value, tb)

    def exit(code: Any = None) -> None:  # noqa: A001 - mirrors sys.exit
        if code is None:
            _exit_code[0] = 0
        elif isinstance(code, int):
            _exit_code[0] = code
        else:
            _exit_code[0] = 1
        prev_exit(code)

    sys.excepthook = excepthook
    sys.exit = exit
    atexit.register(_finish_all_at_exit)


def _finish_all_at_exit() -> None:
    code = _exit_code[0] or 0
    for run in list(reversed(_active)):
        owner = getattr(run, "_info", {}).get("pid")
        if owner is not None and owner != os.getpid():
            continue  # a forked child exiting: the run (and its writer thread) belong to the parent
        try:
            run.finish(exit_code=code, quiet=True)
        except Exception as e:  # never turn a clean exit into a traceback
            sys.stderr.write(f"cairn: could not finish run {getattr(run, 'id', '?')}: {e!r}\n")
