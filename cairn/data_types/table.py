"""``Table``: rows and columns of values and media (R6.8, R6.9).

Each column remembers the kind of its first non-``None`` value (number, bool, str, list,
dict, array, or a media class); a later value of another kind raises ``TypeError`` unless
``allow_mixed_types=True``. ``None`` is always allowed (columns are optional).

Logging a table under key K writes ``media/table/<K>_<step>_<sha256[:20]>.table.json`` =
``{"columns": [...], "data": [...]}`` with media cells replaced by their class name (as
wandb's run file does; Cairn adds ``"media_cells": [[row, col, descriptor], ...]`` with the
cells' own media files, so the UI can show them) and returns ``{"_type": "table-file", "path", "sha256", "size",
"ncols", "nrows"}``; the ``run_table`` artifact copy of R6.9 is logged too
(:mod:`cairn.data_types.run_table`), except for ``INCREMENTAL`` tables.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from cairn.data_types import base

DEFAULT_COLUMNS = ["Input", "Output", "Expected"]


def kind_of(v: Any) -> str | None:
    """The type-check kind of a cell value (None for ``None``)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "str"
    if getattr(v, "_cairn_media", False):
        return type(v).__name__
    t = type(v)
    mod = t.__module__ or ""
    if mod == "numpy":
        kind = getattr(getattr(v, "dtype", None), "kind", "")
        if t.__name__ == "ndarray":
            return "ndarray"
        return "bool" if kind == "b" else "number" if kind in "iuf" else "str" if kind in "US" else t.__name__
    if isinstance(v, (list, tuple)):
        return "list"
    if isinstance(v, dict):
        return "dict"
    if isinstance(v, (datetime.date, datetime.datetime)):
        return "timestamp"
    return t.__name__


class _TableIndex(int):
    """A row index, as ``Table.get_index()`` returns (an ``int``)."""


class Table(base.Media):
    """A table of data to log and compare.

    Arguments:
        columns: column names (``str`` or ``int``); default ``["Input", "Output", "Expected"]``.
        data: a list of rows, a 2-D NumPy array or a pandas DataFrame.
        rows: alias of ``data`` (legacy).
        dataframe: a pandas DataFrame; its own columns are used (``columns`` is ignored).
        dtype: accepted for compatibility; kinds are inferred per column.
        optional: accepted for compatibility; ``None`` is always allowed.
        allow_mixed_types: turn off per-column type checking.
        log_mode: ``"IMMUTABLE"`` (default), ``"MUTABLE"`` or ``"INCREMENTAL"`` (each log
            writes only the rows added since the previous log, as its own table file).
    """

    MAX_ROWS = 10000  # rows in the table file a run logs
    MAX_ARTIFACT_ROWS = 200000  # rows in an artifact's copy (more: a warning, then truncated)
    LOG_RUN_TABLE_ARTIFACT = True  # R6.9 part 2; set False to skip the artifact copy
    _log_type = "table"  # Artifact.add names the entry <name>.table.json

    def __init__(self, columns: list | None = None, data: Any = None, rows: Any = None, dataframe: Any = None,
                 dtype: Any = None, optional: Any = True, allow_mixed_types: bool = False,
                 log_mode: str | None = None) -> None:
        self._allow_mixed = bool(allow_mixed_types)
        self.log_mode = (log_mode or "IMMUTABLE").upper()
        if self.log_mode not in ("IMMUTABLE", "MUTABLE", "INCREMENTAL"):
            raise ValueError(f"log_mode must be IMMUTABLE, MUTABLE or INCREMENTAL, got {log_mode!r}")
        self._logged_rows = 0
        if data is None and rows is not None:
            data = rows
        if dataframe is None and _is_dataframe(data):
            dataframe, data = data, None
        if dataframe is not None:
            columns = [str(c) if not isinstance(c, int) else c for c in dataframe.columns]
            data = _frame_rows(dataframe)
        elif data is not None and type(data).__module__ == "numpy":
            if data.ndim != 2:
                raise ValueError(f"Table data must be 2-D, got an array of shape {list(data.shape)}")
            data = data.tolist()
        if columns is None:
            columns = list(DEFAULT_COLUMNS)
        columns = list(columns)
        for c in columns:
            assert isinstance(c, (str, int)) and not isinstance(c, bool), (
                f"Table column names must be str or int, got {c!r}"
            )
        assert len(set(columns)) == len(columns), f"Table column names must be unique: {columns}"
        self.columns = columns
        self.data: list[list] = []
        self._kinds: list[str | None] = [None] * len(columns)
        if dtype is not None:
            dts = dtype if isinstance(dtype, (list, tuple)) else [dtype] * len(columns)
            for i, dt in enumerate(dts[: len(columns)]):
                self.cast(columns[i], dt)
        for row in data or []:
            self.add_data(*row)

    # -- adding data -----------------------------------------------------------------------
    def add_data(self, *data: Any) -> None:
        """Append one row. Raises ``ValueError`` on wrong arity, ``TypeError`` on type clash."""
        if len(data) != len(self.columns):
            raise ValueError(
                f"This table expects {len(self.columns)} columns: {self.columns}, found {len(data)}"
            )
        row = list(data)
        self._check_row(row)
        self.data.append(row)

    add_row = add_data

    def _check_row(self, row: list) -> None:
        if self._allow_mixed:
            return
        kinds = self._kinds
        new = None
        for i, v in enumerate(row):
            k = kind_of(v)
            if k is None:
                continue
            have = kinds[i] if new is None else new[i]
            if have is None:
                if new is None:
                    new = list(kinds)
                new[i] = k
            elif have != k and have != "any":
                raise TypeError(
                    "Data row contained incompatible types:\n"
                    f"column {self.columns[i]!r} holds {have} values, got {k}: {v!r}"
                )
        if new is not None:
            self._kinds = new

    def add_column(self, name: str | int, data: list, optional: bool = False) -> None:
        """Add a column. ``AssertionError`` for a duplicate name or a length mismatch."""
        assert isinstance(name, (str, int)), f"column name must be str or int, got {name!r}"
        assert name not in self.columns, f"Column {name!r} already exists"
        data = list(data.tolist() if hasattr(data, "tolist") else data)
        assert len(self.columns) == 0 or len(data) == len(self.data), (
            f"Expected length {len(self.data)}, found {len(data)}"
        )
        kind = None
        for v in data:
            k = kind_of(v)
            if k is not None and kind is not None and k != kind and not self._allow_mixed:
                raise TypeError(f"Data column {name!r} contained incompatible types: {kind} and {k}")
            kind = kind or k
        if not self.data:
            self.data = [[] for _ in data]
        for row, v in zip(self.data, data, strict=True):
            row.append(v)
        self.columns.append(name)
        self._kinds.append(kind)

    def add_computed_columns(self, fn: Callable[[int, dict], dict]) -> None:
        """Add the columns returned by ``fn(ndx, row_dict)`` for every row."""
        results = [fn(i, dict(zip(self.columns, row, strict=True))) for i, row in enumerate(self.data)]
        names: list = []
        for r in results:
            for k in r:
                if k not in names:
                    names.append(k)
        for n in names:
            self.add_column(n, [r.get(n) for r in results])

    def cast(self, col_name: str | int, dtype: Any, optional: bool = False) -> None:
        """Fix a column's kind (``int``/``float`` → number, ``str``, ``bool``, a media class).
        ``ValueError`` for an unknown column, ``TypeError`` if existing values clash."""
        if col_name not in self.columns:
            raise ValueError(f"Column {col_name!r} not found in table columns {self.columns}")
        i = self.columns.index(col_name)
        names = {int: "number", float: "number", str: "str", bool: "bool", list: "list", dict: "dict"}
        kind = names.get(dtype) or getattr(dtype, "__name__", None) or "any"
        for row in self.data:
            k = kind_of(row[i])
            if k is not None and k != kind and kind != "any":
                raise TypeError(f"Column {col_name!r} holds {k} values, cannot cast to {kind}")
        self._kinds[i] = kind

    # -- reading ---------------------------------------------------------------------------
    def get_column(self, name: str | int, convert_to: str | None = None) -> Any:
        """Values of one column; ``convert_to="numpy"`` returns an array."""
        if name not in self.columns:
            raise ValueError(f"Column {name!r} not found in table columns {self.columns}")
        if convert_to not in (None, "numpy"):
            raise ValueError(f"convert_to must be None or 'numpy', got {convert_to!r}")
        i = self.columns.index(name)
        col = [row[i] for row in self.data]
        if convert_to == "numpy":
            import numpy as np

            return np.array(col)
        return col

    def get_index(self) -> list[_TableIndex]:
        """The row indices, as ``int`` subclasses."""
        return [_TableIndex(i) for i in range(len(self.data))]

    def get_dataframe(self) -> Any:
        """The table as a pandas DataFrame (``ImportError`` without pandas)."""
        import pandas as pd

        return pd.DataFrame(self.data, columns=self.columns)

    def iterrows(self) -> Any:
        """Yield ``(index, row)`` for every row."""
        for i, row in enumerate(self.data):
            yield _TableIndex(i), row

    @property
    def ncols(self) -> int:
        """Number of columns."""
        return len(self.columns)

    @property
    def nrows(self) -> int:
        """Number of rows."""
        return len(self.data)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Table):
            return NotImplemented
        return self.columns == other.columns and self.data == other.data

    __hash__ = None  # type: ignore[assignment]

    # -- logging ---------------------------------------------------------------------------
    def to_json(self, run: Any, key: str = "", summary: bool = False) -> dict:
        """Write the table file (R6.9 part 1); return the ``table-file`` descriptor.

        Added to an artifact instead (``run`` is an artifact), return the typed format of
        R6.9 part 2, with media cells stored in the artifact as descriptors.
        """
        if base.is_artifact(run):
            from cairn.data_types.artifact_json import table_json

            return table_json(self, run)
        rows = self.data
        if self.log_mode == "INCREMENTAL":
            rows = rows[self._logged_rows:]
        if len(rows) > self.MAX_ROWS:
            # as wandb: the run's copy holds at most MAX_ROWS rows; the artifact copy keeps more
            from cairn.sdk.term import termwarn

            termwarn(f"Truncating wandb.Table object to {self.MAX_ROWS} rows.")
            rows = rows[: self.MAX_ROWS]
        body: dict[str, Any] = {"columns": self.columns, "data": [[cell_json(v) for v in row] for row in rows]}
        cells = _media_cells(rows, run, key, summary)
        if cells:
            body["media_cells"] = cells
        stored = base.store_json(run, "table", key, body, ".table.json", summary)
        out = {"_type": "table-file", **stored, "ncols": len(self.columns), "nrows": len(rows)}
        if self.log_mode == "INCREMENTAL":
            out["increment"] = {"start": self._logged_rows, "end": self._logged_rows + len(rows)}
            self._logged_rows += len(rows)
        elif self.LOG_RUN_TABLE_ARTIFACT:
            import functools

            from cairn.data_types.run_table import log_run_table

            base.after_row(run, functools.partial(log_run_table, run, key, self))
        return out


def _media_cells(rows: list, run: Any, key: str, summary: bool) -> list:
    """``[[row, col, descriptor], ...]`` for media cells, their files stored like logged media.

    A Cairn addition to wandb's ``{"columns", "data"}`` (whose media cells are only class
    names), so the UI can show a table's images; readers that know only wandb's keys are
    unaffected.
    """
    out = []
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if getattr(v, "_cairn_media", False):
                out.append([r, c, v.to_json(run, key, summary=summary)])
    return out


def cell_json(v: Any) -> Any:
    """A cell as plain JSON: media → class name, NumPy → Python, datetimes → ISO strings."""
    t = type(v)
    if t in (int, float, str, bool) or v is None:
        return v
    if getattr(v, "_cairn_media", False):
        return t.__name__
    if hasattr(v, "tolist") and (t.__module__ or "").split(".")[0] in ("numpy", "torch", "tensorflow", "jax"):
        return v.tolist()
    if isinstance(v, dict):
        return {str(k): cell_json(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set)):
        return [cell_json(x) for x in v]
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    for base_type in (bool, int, float, str):  # subclasses (enums, _TableIndex) → plain values
        if isinstance(v, base_type):
            return base_type(v)
    return str(v)


def _is_dataframe(v: Any) -> bool:
    t = type(v)
    return t.__name__ == "DataFrame" and (t.__module__ or "").startswith("pandas")


def _frame_rows(df: Any) -> list[list]:
    # astype(object) boxes NumPy scalars as Python values in one vectorised pass.
    return df.astype(object).values.tolist()
