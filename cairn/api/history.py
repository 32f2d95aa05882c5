"""History shaping for the query API: dotted columns, sampling, projection, DataFrames.

Rows arrive from the backend in step order, shaped as wandb rows (``_step``, ``_runtime``,
``_timestamp`` and the user's keys). The rules here are wandb's public-API ones (R9.4, R9.5,
R2.10): nested logged dicts become dotted columns as the wandb server shows them; ``samples``
keeps rows evenly spread over the run and always the last one; with ``keys`` only rows holding
every key are kept. Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


def flatten(row: dict) -> dict:
    """``{"a": {"b": 1}}`` → ``{"a.b": 1}``; media descriptors (dicts with ``_type``) stay whole."""
    if not any(type(v) is dict and "_type" not in v for v in row.values()):
        return row
    out: dict = {}
    _flatten_into(out, "", row)
    return out


def _flatten_into(out: dict, prefix: str, d: dict) -> None:
    for k, v in d.items():
        name = f"{prefix}{k}"
        if type(v) is dict and "_type" not in v and v:
            _flatten_into(out, name + ".", v)
        else:
            out[name] = v


def check_keys(keys: Any) -> list[str] | None:
    """Validate a ``keys`` argument: ``None`` or a list of strings.

    Raises ``ValueError`` naming the offending value (wandb prints an error and returns ``[]``;
    an exception is clearer and cannot be mistaken for an empty run).
    """
    if keys is None:
        return None
    if isinstance(keys, str) or not isinstance(keys, list | tuple):
        raise ValueError(f"keys must be a list of str, got {keys!r}")
    for k in keys:
        if not isinstance(k, str):
            raise ValueError(f"keys must be a list of str, got an item {k!r}")
    return list(keys)


def select(rows: Iterable[dict], keys: list[str] | None, extra: tuple[str, ...] = ()) -> Iterator[dict]:
    """Flatten each row; with ``keys``, keep rows holding all of them, projected to
    ``extra`` (when present) + ``keys``."""
    for row in rows:
        row = flatten(row)
        if keys is None:
            yield row
            continue
        if all(k in row for k in keys):
            out = {k: row[k] for k in extra if k in row}
            for k in keys:
                out[k] = row[k]
            yield out


def sample(rows: list, samples: int) -> list:
    """At most ``samples`` rows, evenly spaced over the list, first and last always kept.

    Deterministic: the same rows give the same sample. Cost O(samples).
    """
    from cairn.store.sample import positions  # the rule the index samples by, kept in one place

    return [rows[i] for i in positions(len(rows), samples)]


def columns_of(rows: Iterable[dict]) -> list[str]:
    """Every key of ``rows``, in the order keys first appear (the column order of a table)."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns)


def to_frame(rows: list[dict]) -> Any:
    """A pandas DataFrame of ``rows`` (missing keys become NaN, column order by first appearance).

    Raises ``ImportError`` with an install hint when pandas is missing.
    """
    try:
        import pandas as pd
    except ImportError as e:
        raise ImportError("history(pandas=True) needs pandas: `pip install pandas`, or call "
                          "history(pandas=False) to get a list of dicts") from e
    return pd.DataFrame.from_records(rows, columns=columns_of(rows))
