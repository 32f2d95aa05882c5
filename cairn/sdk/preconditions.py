"""Run-state checks for public ``Run`` methods, expressed once as a decorator."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from cairn.sdk.errors import UsageError


def raise_if_finished(name: str) -> Callable:
    """Precondition: the run must not be finished (wandb-semantics R2.12)."""

    def deco(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            if self._finished:
                raise UsageError(
                    f"Run ({self.id}) is finished. The call to `{name}` will be ignored. "
                    "Please make sure that you are using an active run."
                )
            return fn(self, *args, **kwargs)

        return wrapper

    return deco
