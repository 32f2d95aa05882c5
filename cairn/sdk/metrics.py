"""``define_metric``: validation, merging, glob resolution (wandb-semantics R3.7–R3.13).

:class:`MetricDefs` is shared by the SDK (step_sync, summary) and by ingest, so a run's
summary is computed by the same rules in both places.
"""

from __future__ import annotations

from typing import Any

from cairn.sdk.errors import Error

SUMMARY_OPS = ("min", "max", "mean", "best", "last", "copy", "none", "first")
_FIELDS = ("step_metric", "step_sync", "hidden", "summary", "goal")


class Metric:
    """What ``define_metric`` returns: the definition of one metric (or glob)."""

    def __init__(self, name: str, d: dict | None = None) -> None:
        d = d or {}
        self.name = name
        self.step_metric: str | None = d.get("step_metric")
        self.step_sync: bool | None = d.get("step_sync")
        self.hidden: bool | None = d.get("hidden")
        self.summary: tuple[str, ...] | None = tuple(d["summary"]) if d.get("summary") else None
        self.goal: str | None = d.get("goal")

    def __repr__(self) -> str:
        return f"<Metric {self.name!r} step_metric={self.step_metric!r} summary={self.summary}>"


def validate(
    name: Any,
    step_metric: Any = None,
    step_sync: Any = None,
    hidden: Any = None,
    summary: Any = None,
    goal: Any = None,
    overwrite: Any = None,
) -> dict:
    """Check ``define_metric`` arguments; return the normalised definition dict.

    Raises ``cairn.Error`` naming the bad argument (wandb raises ``wandb.Error`` too).
    """
    if not isinstance(name, str) or not name:
        raise Error("define_metric() requires a non-empty string name")
    if "*" in name[:-1]:
        raise Error(f"define_metric name {name!r}: only a trailing '*' is supported (glob suffixes only)")
    if isinstance(step_metric, Metric):
        step_metric = step_metric.name
    if step_metric is not None and not isinstance(step_metric, str):
        raise Error("define_metric() step_metric must be a string or a Metric")
    for arg, val in (("step_sync", step_sync), ("hidden", hidden), ("overwrite", overwrite)):
        if val is not None and not isinstance(val, bool):
            raise Error(f"define_metric() {arg} must be a bool, got {type(val).__name__}")
    ops: list[str] | None = None
    if summary is not None:
        if not isinstance(summary, str):
            raise Error("define_metric() summary must be a string such as 'min' or 'max,mean'")
        ops = [s.strip().lower() for s in summary.split(",") if s.strip()]
        for op in ops:
            if op not in SUMMARY_OPS:
                raise Error(
                    f"define_metric() summary operation {op!r} is not one of {', '.join(SUMMARY_OPS)}"
                )
    if goal is not None:
        if not isinstance(goal, str) or goal.lower()[:3] not in ("min", "max"):
            raise Error(f"define_metric() goal must be 'minimize' or 'maximize', got {goal!r}")
        goal = "minimize" if goal.lower().startswith("min") else "maximize"
    d: dict[str, Any] = {"name": name}
    if step_metric is not None:
        d["step_metric"] = step_metric
        d["step_sync"] = True if step_sync is None else step_sync
    elif step_sync is not None:
        d["step_sync"] = step_sync
    if hidden is not None:
        d["hidden"] = hidden
    if ops is not None:
        d["summary"] = ops
    if goal is not None:
        d["goal"] = goal
    if overwrite:
        d["overwrite"] = True
    return d


class MetricDefs:
    """All metric definitions of a run, with glob expansion cached per key."""

    def __init__(self) -> None:
        self.exact: dict[str, dict] = {}
        self.globs: dict[str, dict] = {}  # prefix (without '*') -> definition
        self._resolved: dict[str, dict | None] = {}
        self.any_summary = False
        self.any_step = False
        self.step_metrics: set[str] = set()

    def define(self, d: dict) -> dict:
        """Merge (or, with ``overwrite``, replace) a validated definition; return the result."""
        name = d["name"]
        table, key = (self.globs, name[:-1]) if name.endswith("*") else (self.exact, name)
        old = table.get(key)
        if old is None or d.get("overwrite"):
            new = {k: v for k, v in d.items() if k != "overwrite"}
        else:
            new = dict(old)
            for f in _FIELDS:
                if f == "summary" and "summary" in d:
                    new["summary"] = list(dict.fromkeys([*old.get("summary", []), *d["summary"]]))
                elif f in d:
                    new[f] = d[f]
        table[key] = new
        self._resolved.clear()
        self.any_summary = any("summary" in x for x in (*self.exact.values(), *self.globs.values()))
        self.step_metrics = {
            x["step_metric"] for x in (*self.exact.values(), *self.globs.values()) if "step_metric" in x
        }
        self.any_step = bool(self.step_metrics)
        return new

    def resolve(self, key: str) -> dict | None:
        """The definition that applies to ``key``: exact first, then the longest glob prefix."""
        try:
            return self._resolved[key]
        except KeyError:
            pass
        d = self.exact.get(key)
        if d is None and not key.startswith("_"):
            best = None
            for prefix, g in self.globs.items():
                if key.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
                    best = (prefix, g)
            if best is not None:
                d = dict(best[1], name=key)
        self._resolved[key] = d
        return d

    def all(self) -> list[dict]:
        """Every definition, globs under their ``prefix*`` name (what a replay re-defines)."""
        return [*self.exact.values(), *({**g, "name": p + "*"} for p, g in self.globs.items())]
