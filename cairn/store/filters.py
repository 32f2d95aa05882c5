"""wandb's MongoDB-style run filters and ``order`` strings, evaluated over run dicts.

``compile_filter(filters)`` validates the whole filter up front and returns a predicate over
the run dicts of :mod:`cairn.store.index`; ``sort_runs(runs, order)`` orders them. Both run
in Python over the cached runs table, so SQLite and PostgreSQL give identical results by
construction. Cost: O(runs × filter size); 10,000 runs with a summary filter take a few ms.

Fields: ``config.<key>`` (also ``config.<key>.value``), ``summary_metrics.<key>`` (also
``summary.<key>``), ``state``, ``tags``, ``group``, ``job_type``/``jobType``,
``display_name``/``displayName`` (the display name), ``name``/``id`` (the run id, as wandb's
``name``), ``created_at``/``createdAt``, ``heartbeat_at``/``heartbeatAt`` (ISO strings, or
epoch seconds when compared with a number), ``notes``, ``project``, ``entity``, ``host``,
``runtime``, ``last_step``, ``exit_code``. Nested keys use dots. Operators: ``$and $or $nor
$eq $ne $gt $gte $lt $lte $in $nin $exists $regex``. Array fields (``tags``) match when any
element matches, as in MongoDB. Anything else raises ``ValueError`` naming it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

Pred = Callable[[dict], bool]
_MISSING = object()
_LOGIC = ("$and", "$or", "$nor")
_OPS = frozenset(
    ("$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$regex", "$options")
)
_ALIASES = {
    "state": "state",
    "tags": "tags",
    "group": "group",
    "job_type": "job_type",
    "jobType": "job_type",
    "display_name": "name",
    "displayName": "name",
    "name": "id",
    "id": "id",
    "created_at": "created_at",
    "createdAt": "created_at",
    "heartbeat_at": "heartbeat_at",
    "heartbeatAt": "heartbeat_at",
    "notes": "notes",
    "project": "project",
    "entity": "entity",
    "host": "host",
    "runtime": "runtime",
    "last_step": "last_step",
    "lastHistoryStep": "last_step",
    "exit_code": "exit_code",
    "sweep": "sweep",
}
_TS = {"created_at": "created_ts", "heartbeat_at": "heartbeat_ts"}


def compile_filter(filters: dict | None) -> Pred:
    """A predicate for ``filters``; raises ``ValueError`` for a bad operator or field."""
    if filters is None:
        return lambda r: True
    if not isinstance(filters, dict):
        raise ValueError(f"filters must be a dict, got {type(filters).__name__}")
    return _doc(filters)


def _doc(f: dict) -> Pred:
    preds = []
    for k, v in f.items():
        if not isinstance(k, str):
            raise ValueError(f"filter field names must be strings, got {k!r}")
        if k.startswith("$"):
            preds.append(_logic(k, v))
        else:
            preds.append(_field(k, v))
    if len(preds) == 1:
        return preds[0]
    return lambda r: all(p(r) for p in preds)


def _logic(op: str, v: Any) -> Pred:
    if op not in _LOGIC:
        raise ValueError(
            f"unknown filter operator {op!r} (expected a field or one of {', '.join(_LOGIC)})"
        )
    if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
        raise ValueError(f"{op} takes a list of filter dicts")
    subs = [_doc(x) for x in v]
    if op == "$and":
        return lambda r: all(p(r) for p in subs)
    if op == "$or":
        return lambda r: any(p(r) for p in subs)
    return lambda r: not any(p(r) for p in subs)


def getter(field: str, numeric: bool = False) -> Callable[[dict], Any]:
    """How to read ``field`` from a run dict (``_MISSING`` when absent). Raises ``ValueError``."""
    for prefix, col in (
        ("config.", "config"),
        ("summary_metrics.", "summary"),
        ("summary.", "summary"),
    ):
        if field.startswith(prefix):
            rest = field[len(prefix) :]
            if not rest:
                break
            if col == "config":

                def get(r: dict, rest: str = rest) -> Any:
                    v = _path(r["config"], rest)
                    if v is _MISSING and rest.endswith(".value"):
                        v = _path(r["config"], rest[: -len(".value")])
                    return v

                return get
            return lambda r, rest=rest: _path(r["summary"], rest)
    name = _ALIASES.get(field)
    if name is None:
        raise ValueError(f"unknown filter field {field!r}")
    if numeric and name in _TS:
        name = _TS[name]
    return lambda r: r.get(name, _MISSING)


def _path(d: Any, rest: str) -> Any:
    """``d[rest]``, else walk dotted parts (keys may themselves contain dots)."""
    if not isinstance(d, dict):
        return _MISSING
    if rest in d:
        return d[rest]
    i = rest.find(".")
    while i != -1:
        head = rest[:i]
        if head in d:
            v = _path(d[head], rest[i + 1 :])
            if v is not _MISSING:
                return v
        i = rest.find(".", i + 1)
    return _MISSING


def _field(field: str, cond: Any) -> Pred:
    if isinstance(cond, dict) and any(isinstance(k, str) and k.startswith("$") for k in cond):
        bad = [k for k in cond if not (isinstance(k, str) and k in _OPS)]
        if bad:
            raise ValueError(f"unknown filter operator {bad[0]!r} on field {field!r}")
        numeric = any(_is_num(v) for v in cond.values())
        get = getter(field, numeric)
        tests = [_op(op, arg, field, cond) for op, arg in cond.items() if op != "$options"]
        return lambda r: all(t(get(r)) for t in tests)
    get = getter(field, _is_num(cond))
    eq = _op("$eq", cond, field, {})
    return lambda r: eq(get(r))


def _is_num(v: Any) -> bool:
    return type(v) in (int, float)


def _op(op: str, arg: Any, field: str, cond: dict) -> Callable[[Any], bool]:
    if op == "$eq":
        return lambda v: _any(v, lambda x: _eq(x, arg)) or _eq(v, arg)
    if op == "$ne":
        return lambda v: not (_any(v, lambda x: _eq(x, arg)) or _eq(v, arg))
    if op in ("$gt", "$gte", "$lt", "$lte"):
        cmp = {
            "$gt": lambda a, b: a > b,
            "$gte": lambda a, b: a >= b,
            "$lt": lambda a, b: a < b,
            "$lte": lambda a, b: a <= b,
        }[op]
        return lambda v: _any(v, lambda x: _ordered(x, arg, cmp))
    if op in ("$in", "$nin"):
        if not isinstance(arg, (list, tuple)):
            raise ValueError(f"{op} on field {field!r} takes a list")
        items = list(arg)

        def inside(v: Any) -> bool:
            return any(_any(v, lambda x, a=a: _eq(x, a)) or _eq(v, a) for a in items)

        return inside if op == "$in" else (lambda v: not inside(v))
    if op == "$exists":
        want = bool(arg)
        return lambda v: (v is not _MISSING and v is not None) == want
    if op == "$regex":
        if not isinstance(arg, str):
            raise ValueError(f"$regex on field {field!r} takes a string")
        flags = re.IGNORECASE if "i" in str(cond.get("$options", "")) else 0
        try:
            rx = re.compile(arg, flags)
        except re.error as e:
            raise ValueError(f"bad $regex on field {field!r}: {e}") from None
        return lambda v: _any(v, lambda x: isinstance(x, str) and rx.search(x) is not None)
    raise ValueError(f"unknown filter operator {op!r} on field {field!r}")


def _any(v: Any, test: Callable[[Any], bool]) -> bool:
    if isinstance(v, (list, tuple)):
        return any(test(x) for x in v)
    return v is not _MISSING and test(v)


def _eq(a: Any, b: Any) -> bool:
    if a is _MISSING:
        return b is None
    if _is_num(a) and _is_num(b):
        return a == b
    if type(a) is bool or type(b) is bool:
        return type(a) is type(b) and a == b
    return type(a) is type(b) and a == b or (isinstance(a, (list, tuple)) and list(a) == b)


def _ordered(a: Any, b: Any, cmp: Callable[[Any, Any], bool]) -> bool:
    if _is_num(a) and _is_num(b):
        return cmp(a, b)
    if isinstance(a, str) and isinstance(b, str):
        return cmp(a, b)
    return False


_ORDER_ALIASES = {"createdAt": "created_at", "heartbeatAt": "heartbeat_at"}


def sort_runs(runs: list[dict], order: str | None) -> list[dict]:
    """Runs sorted by ``order`` (``"+field"``/``"-field"``; missing values last either way).

    Ties are broken by creation time, then id, so pages are stable. Raises ``ValueError`` for
    an unknown field.
    """
    order = order or "+created_at"
    desc = order.startswith("-")
    field = order[1:] if order[:1] in "+-" and order else order
    field = _ORDER_ALIASES.get(field, field)
    numeric = field in _TS  # order dates by their exact timestamps
    try:
        get = getter(field, numeric)
    except ValueError:
        raise ValueError(f"unknown order field {field!r} in {order!r} (expected +/- and a run "
                         "field, config.<key> or summary_metrics.<key>)") from None
    present, missing = [], []
    for r in runs:
        v = get(r)
        if v is _MISSING or v is None or (type(v) is float and math.isnan(v)):
            missing.append(r)
        else:
            present.append((_rank(v), r))
    tie = sorted(present, key=lambda x: (x[1]["created_ts"], x[1]["id"]))
    tie.sort(key=lambda x: x[0], reverse=desc)
    missing.sort(key=lambda r: (r["created_ts"], r["id"]))
    return [r for _, r in tie] + missing


def _rank(v: Any) -> tuple:
    if _is_num(v) or type(v) is bool:
        return (0, float(v), "")
    if isinstance(v, str):
        return (1, 0.0, v)
    return (2, 0.0, repr(v))
