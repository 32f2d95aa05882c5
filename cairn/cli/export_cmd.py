"""``cairn export RUN``: a run's full history as CSV, JSON Lines or Parquet.

Rows are the same as ``Api().run(RUN).scan_history()`` (nested dicts as dotted columns), in step
order; columns appear in the order keys were first logged. JSON Lines streams row by row; CSV
(whose header needs every key first) and Parquet (pyarrow) hold the rows in memory.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from typing import IO, Any

import click

from cairn.api.history import columns_of
from cairn.cli.common import CliContext


def _cell(v: Any) -> Any:
    """CSV cell: structures (lists, media descriptors) as JSON, ``None`` as empty."""
    if v is None:
        return ""
    if isinstance(v, dict | list):
        return json.dumps(v, default=str)
    return v


def write_csv(rows: list[dict], out: IO[str]) -> None:
    """Columns: the union of keys, by first appearance; a missing value is an empty cell."""
    w = csv.DictWriter(out, fieldnames=columns_of(rows), lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({k: _cell(v) for k, v in row.items()})


def write_jsonl(rows: Iterable[dict], out: IO[str]) -> None:
    """One JSON object per row; NaN/±inf written as wandb writes them (``NaN``, ``Infinity``)."""
    for row in rows:
        out.write(json.dumps(row, default=str) + "\n")


def write_parquet(rows: list[dict], path: str) -> None:
    """Raises ``click.ClickException`` when pyarrow is not installed."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as e:
        raise click.ClickException("--format parquet needs pyarrow: `pip install pyarrow`") from e
    arrays = {k: _arrow_column(pa, [row.get(k) for row in rows]) for k in columns_of(rows)}
    pq.write_table(pa.table(arrays), path)


def _arrow_column(pa: Any, values: list) -> Any:
    """A column of one type: numbers stay numbers; mixed or structured values become JSON text."""
    kinds = {type(v) for v in values if v is not None}
    if kinds <= {int, float} or kinds <= {bool} or kinds <= {str}:
        try:
            return pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            pass
    return pa.array([None if v is None else json.dumps(v, default=str) if not isinstance(v, str)
                     else v for v in values], type=pa.string())


@click.command("export")
@click.argument("run")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet"]), default="csv",
              show_default=True)
@click.option("-o", "--output", default=None,
              help="File to write (default: stdout for csv/jsonl, RUN_ID.parquet for parquet).")
@click.pass_obj
def export(ctx: CliContext, run: str, fmt: str, output: str | None) -> None:
    """Export the history of RUN (an id or project/id)."""
    r = ctx.run(run)
    rows = r.scan_history()
    if fmt == "parquet":
        path = output or f"{r.id}.parquet"
        write_parquet(list(rows), path)
        click.echo(f"wrote {path}", err=True)
        return
    if output in (None, "-"):
        _write(fmt, rows, sys.stdout)
        return
    try:
        out = open(output, "w", newline="", encoding="utf-8")
    except OSError as e:
        raise click.ClickException(f"cannot write {output}: {e.strerror or e}") from e
    with out:
        _write(fmt, rows, out)
    click.echo(f"wrote {output}", err=True)


def _write(fmt: str, rows: Iterable[dict], out: IO[str]) -> None:
    if fmt == "csv":
        write_csv(list(rows), out)
    else:
        write_jsonl(rows, out)
