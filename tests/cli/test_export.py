"""``cairn export RUN --format csv|jsonl|parquet``: the run's history, as the API returns it."""

from __future__ import annotations

import csv
import io
import json

import pytest

ROWS = [{"loss": 1.0, "acc": 0.5}, {"loss": 0.5}, {"acc": 0.75, "nested": {"k": 3}}]


def _user(rows):
    return [{k: v for k, v in r.items() if k not in ("_runtime", "_timestamp")} for r in rows]


def test_export_jsonl_is_every_row_in_step_order(root):
    rid = root.log_run(rows=ROWS)
    res = root.invoke("export", rid, "--format", "jsonl")
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert _user(rows) == [{"_step": 0, "loss": 1.0, "acc": 0.5}, {"_step": 1, "loss": 0.5},
                           {"_step": 2, "acc": 0.75, "nested.k": 3}]


def test_export_csv_has_a_column_per_key_and_blank_cells_for_missing(root, tmp_path):
    rid = root.log_run(rows=ROWS)
    out = tmp_path / "h.csv"
    res = root.invoke("export", rid, "--format", "csv", "-o", str(out))
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["_step"] for r in rows] == ["0", "1", "2"]
    assert rows[1]["acc"] == "" and rows[1]["loss"] == "0.5" and rows[2]["nested.k"] == "3"


def test_export_parquet_round_trips(root, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    rid = root.log_run(rows=ROWS)
    out = tmp_path / "h.parquet"
    assert root.invoke("export", rid, "--format", "parquet", "-o", str(out)).exit_code == 0
    table = pq.read_table(out).to_pylist()
    assert [r["_step"] for r in table] == [0, 1, 2]
    assert table[0]["loss"] == 1.0 and table[1]["acc"] is None


def test_export_unknown_run_fails_with_not_found(root):
    root.log_run()
    res = root.invoke("export", "nope")
    assert res.exit_code != 0 and "not found" in res.output


def test_export_to_an_unwritable_path_names_it(root, tmp_path):
    rid = root.log_run(rows=ROWS)
    bad = tmp_path / "no" / "such" / "dir" / "h.csv"
    res = root.invoke("export", rid, "-o", str(bad))
    assert res.exit_code == 1 and f"cannot write {bad}" in res.output
    assert "wrote" not in res.output
