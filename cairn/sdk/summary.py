"""``run.summary``: the wandb Summary object's exact surface (R3.4–R3.6).

It has ``keys``, ``get``, ``update``, item/attribute get, set and delete — and on purpose no
``items``/``values``/``__len__``/``__iter__``/``__contains__`` (wandb 0.18 has none either).
Writes go to the run, which records them and updates its :class:`SummaryState`.
"""

from __future__ import annotations

from typing import Any


class _SummaryNode:
    """Shared behaviour of the top-level summary and its nested sub-dicts."""

    def __init__(self, run: Any, path: tuple[str, ...]) -> None:
        object.__setattr__(self, "_run", run)
        object.__setattr__(self, "_path", path)

    def _node(self) -> dict:
        node = self._run._summary_view()
        for p in self._path:
            node = node.get(p, {})
        return node if isinstance(node, dict) else {}

    def keys(self) -> list[str]:
        return [k for k in self._node() if k != "_wandb"]

    def get(self, k: str, default: Any = None) -> Any:
        try:
            return self[k]
        except KeyError:
            return default

    def __getitem__(self, k: str) -> Any:
        v = self._node()[k]
        if isinstance(v, dict) and "_type" not in v:
            return _SummaryNode(self._run, (*self._path, k))
        return v

    def __getattr__(self, k: str) -> Any:
        if k.startswith("__"):
            raise AttributeError(k)
        return self[k]

    def __setitem__(self, k: str, v: Any) -> None:
        self._run._summary_set((*self._path, k), v)

    __setattr__ = __setitem__

    def __delitem__(self, k: str) -> None:
        if k not in self._node():
            raise KeyError(k)
        self._run._summary_remove((*self._path, k))

    __delattr__ = __delitem__

    def update(self, d: dict | None = None, **kwargs: Any) -> None:
        for k, v in {**(d or {}), **kwargs}.items():
            self[k] = v

    def _as_dict(self) -> dict:
        import copy

        return copy.deepcopy(self._node())

    def __repr__(self) -> str:
        return repr(self._node())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _SummaryNode):
            return self._node() == other._node()
        if isinstance(other, dict):
            return self._node() == other
        return NotImplemented


class Summary(_SummaryNode):
    """The run's summary: last value of each logged key unless set or aggregated otherwise."""

    def __init__(self, run: Any) -> None:
        super().__init__(run, ())
