"""How a run's summary follows from what it logged (wandb-semantics R3.1–R3.12).

Pure logic, no I/O: the SDK feeds it committed rows and explicit writes as they happen;
ingest feeds it the same records read back from a run file, and gets the same summary.

Rules: each committed row sets every key to its latest value (deep, per nested path); a
logged ``None`` removes the key; a key with ``define_metric(summary=...)`` holds a dict of
the requested aggregates over its numeric, non-NaN values (``"none"`` keeps it out); an
explicit write wins until the key is logged again, and switches that key's aggregation off.
"""

from __future__ import annotations

import math
from typing import Any

from cairn.sdk.convert import copy_plain
from cairn.sdk.metrics import MetricDefs

_AGG_OPS = frozenset(("min", "max", "mean", "best", "last", "first"))


class SummaryState:
    """The live summary (``latest``) of one run and the running aggregates behind it."""

    def __init__(self, defs: MetricDefs | None = None) -> None:
        self.defs = defs if defs is not None else MetricDefs()
        self.latest: dict[str, Any] = {}
        self._agg: dict[str, dict] = {}
        self._plain: set[str] = set()

    def apply_row(self, row: dict, flat: bool = False) -> None:
        """Update from one committed history row (including ``_step`` etc.).

        ``flat`` promises that every value is an int, float, str or bool (no ``None``, no
        nested dict): without aggregating definitions the row then simply overwrites.
        """
        latest = self.latest
        if not self.defs.any_summary:
            if flat:
                latest.update(row)
                return
            for k, v in row.items():
                _put(latest, k, v)
            return
        for k, v in row.items():
            d = self.defs.resolve(k) if k not in self._plain else None
            ops = d.get("summary") if d else None
            if not ops or ops == ["copy"]:
                _put(latest, k, v)
                continue
            if "none" in ops:
                latest.pop(k, None)
                continue
            a = self._agg.setdefault(k, {})
            if (type(v) is int or type(v) is float) and not math.isnan(v):
                a["n"] = a.get("n", 0) + 1
                a["sum"] = a.get("sum", 0.0) + v
                a["min"] = v if "min" not in a else min(a["min"], v)
                a["max"] = v if "max" not in a else max(a["max"], v)
                a.setdefault("first", v)
                a["last"] = v
            if "n" not in a:
                continue
            out: dict[str, Any] = {}
            for op in ops:
                if op == "mean":
                    out["mean"] = a["sum"] / a["n"]
                elif op == "best":
                    out["best"] = a["max"] if d.get("goal") == "maximize" else a["min"]
                elif op in _AGG_OPS:
                    out[op] = a[op]
            latest[k] = out

    def set(self, path: list[str] | tuple[str, ...], value: Any) -> None:
        """An explicit write (``run.summary[k] = v``, nested paths allowed)."""
        self._plain.add(path[0])
        node = self.latest
        for p in path[:-1]:
            nxt = node.get(p)
            if not isinstance(nxt, dict):
                nxt = node[p] = {}
            node = nxt
        # a copy: the caller may also have queued ``value`` for the run file, and later nested
        # writes change the summary in place
        node[path[-1]] = copy_plain(value)

    def remove(self, path: list[str] | tuple[str, ...]) -> None:
        """``del run.summary[...]``: drop the key at ``path``; a missing path is a no-op."""
        node = self.latest
        for p in path[:-1]:
            node = node.get(p)
            if not isinstance(node, dict):
                return
        node.pop(path[-1], None)

    def snapshot(self) -> dict:
        """A deep copy of the summary as wandb shows it."""
        import copy  # only at finish: keeps it off the import path of init

        return copy.deepcopy(self.latest)


def _put(node: dict, k: str, v: Any) -> None:
    """Set ``node[k]`` to a logged value: ``None`` removes the key, a plain dict (not a media
    descriptor, which has ``_type``) is merged path by path, anything else replaces."""
    if v is None:
        node.pop(k, None)
    elif type(v) is dict and "_type" not in v:
        cur = node.get(k)
        if not isinstance(cur, dict) or "_type" in cur:
            cur = node[k] = {}
        for kk, vv in v.items():
            _put(cur, kk, vv)
    else:
        node[k] = v
