"""``Summary``: the writable summary of a run seen through the query API (R9.3).

It behaves as a dict (and allows attribute reads, as wandb's does). Item assignment and deletion
change the local copy; ``update()`` — with or without new values — and ``Run.update()`` persist
the whole summary through the backend, which appends it to the run file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any


class Summary(MutableMapping):
    """A run's summary as a dict; writes stay local until :meth:`update` or ``Run.update``."""

    def __init__(self, data: dict, persist: Callable[[dict], None]) -> None:
        self._data = data
        self._persist = persist

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._data[key] = value

    def __delitem__(self, key: str) -> None:
        del self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._data[key]
        except KeyError:
            raise AttributeError(key) from None

    def update(self, other: Any = None, **kwargs: Any) -> None:  # type: ignore[override]
        """Merge ``other``/``kwargs`` (if any) and persist the summary. Raises ``CommError``
        if the backend cannot record it."""
        if other is not None:
            self._data.update(other)
        self._data.update(kwargs)
        self._persist(dict(self._data))

    def __repr__(self) -> str:
        return repr(self._data)
