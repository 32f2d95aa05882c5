"""Table (R6.8, R6.9): construction, type checks, accessors and the logged table file."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import cairn as wandb


def test_default_columns():
    assert wandb.Table().columns == ["Input", "Output", "Expected"]


def test_data_from_rows_ndarray_and_dataframe():
    assert wandb.Table(columns=["a", "b"], data=[[1, 2], [3, 4]]).data == [[1, 2], [3, 4]]
    assert wandb.Table(columns=["a", "b"], data=np.array([[1, 2], [3, 4]])).data == [[1, 2], [3, 4]]
    t = wandb.Table(columns=["ignored"], dataframe=pd.DataFrame({"x": [1, 2], "y": ["a", "b"]}))
    assert t.columns == ["x", "y"] and t.data == [[1, "a"], [2, "b"]]
    assert wandb.Table(data=pd.DataFrame({"x": [1]})).columns == ["x"]


def test_rows_alias():
    assert wandb.Table(columns=["a"], rows=[[1]]).data == [[1]]


def test_add_data_wrong_arity_value_error():
    t = wandb.Table(columns=["a", "b"])
    with pytest.raises(ValueError, match="expects 2 columns"):
        t.add_data(1)


def test_incompatible_types_type_error_and_none_allowed():
    t = wandb.Table(columns=["a"])
    t.add_data(1)
    t.add_data(None)
    t.add_data(2.5)
    with pytest.raises(TypeError, match="incompatible types"):
        t.add_data("x")
    assert t.data == [[1], [None], [2.5]]


def test_allow_mixed_types():
    t = wandb.Table(columns=["a"], allow_mixed_types=True)
    t.add_data(1)
    t.add_data("x")
    assert t.data == [[1], ["x"]]


def test_mixed_media_classes_rejected():
    t = wandb.Table(columns=["m"])
    t.add_data(wandb.Image(np.zeros((2, 2))))
    with pytest.raises(TypeError):
        t.add_data(wandb.Html("<p>x</p>"))


def test_add_column_length_and_duplicate_assertions():
    t = wandb.Table(columns=["a"], data=[[1], [2]])
    with pytest.raises(AssertionError):
        t.add_column("b", [1])
    with pytest.raises(AssertionError):
        t.add_column("a", [1, 2])
    t.add_column("b", ["x", "y"])
    assert t.data == [[1, "x"], [2, "y"]]


def test_get_column_index_dataframe():
    t = wandb.Table(columns=["a", "b"], data=[[1, "x"], [2, "y"]])
    assert t.get_column("a") == [1, 2]
    assert np.array_equal(t.get_column("a", convert_to="numpy"), np.array([1, 2]))
    assert t.get_index() == [0, 1]
    assert t.get_dataframe().equals(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))


def test_add_computed_columns():
    t = wandb.Table(columns=["a"], data=[[1], [2]])
    t.add_computed_columns(lambda ndx, row: {"double": row["a"] * 2, "i": ndx})
    assert t.columns == ["a", "double", "i"] and t.data == [[1, 2, 0], [2, 4, 1]]


def test_equality_compares_columns_and_data():
    assert wandb.Table(columns=["a"], data=[[1]]) == wandb.Table(columns=["a"], data=[[1]])
    assert wandb.Table(columns=["a"], data=[[1]]) != wandb.Table(columns=["b"], data=[[1]])


def test_logged_table_file_and_descriptor(logged):
    t = wandb.Table(columns=["n", "s", "img"], data=[[1, "a", wandb.Image(np.zeros((2, 2)))], [np.int64(2), None, None]])
    logged.run.log({"tab": t})
    logged.run.finish(quiet=True)
    d = logged.rows()[0]["tab"]
    assert re.match(r"^media/table/tab_0_[0-9a-f]{20}\.table\.json$", d["path"])
    assert (d["_type"], d["ncols"], d["nrows"]) == ("table-file", 3, 2)
    logged.check_descriptor(d)
    body = logged.json_file(d["path"])
    assert (body["columns"], body["data"]) == (["n", "s", "img"], [[1, "a", "Image"], [2, None, None]])
    [[r, c, img]] = body["media_cells"]  # Cairn's addition: the cell's own media file
    assert (r, c, img["_type"]) == (0, 2, "image-file") and img["path"].startswith("media/images/tab_0_")
    logged.check_descriptor(img)


def test_key_with_slash_creates_subfolders(logged):
    logged.run.log({"x": 1})
    logged.run.log({"my table/with spaces": wandb.Table(columns=["a"], data=[[1]])})
    logged.run.finish(quiet=True)
    p = logged.rows()[1]["my table/with spaces"]["path"]
    assert re.match(r"^media/table/my table/with spaces_1_[0-9a-f]{20}\.table\.json$", p)
    logged.check_descriptor(logged.rows()[1]["my table/with spaces"])


def test_dataframe_logged_as_table(logged):
    logged.run.log({"df": pd.DataFrame({"a": [1.5, 2.5]})})
    logged.run.finish(quiet=True)
    d = logged.rows()[0]["df"]
    assert d["_type"] == "table-file"
    assert logged.json_file(d["path"]) == {"columns": ["a"], "data": [[1.5], [2.5]]}


def test_incremental_table_logs_only_new_rows(logged):
    t = wandb.Table(columns=["a"], log_mode="INCREMENTAL")
    t.add_data(1)
    logged.run.log({"t": t})
    t.add_data(2)
    t.add_data(3)
    logged.run.log({"t": t})
    logged.run.finish(quiet=True)
    first, second = (r["t"] for r in logged.rows())
    assert logged.json_file(first["path"])["data"] == [[1]]
    assert logged.json_file(second["path"])["data"] == [[2], [3]]
    assert second["increment"] == {"start": 1, "end": 3}


def test_run_table_file_truncated_to_max_rows(logged, monkeypatch):
    monkeypatch.setattr(wandb.Table, "MAX_ROWS", 3)
    logged.run.log({"t": wandb.Table(columns=["a"], data=[[i] for i in range(5)])})
    logged.run.finish(quiet=True)
    d = logged.rows()[0]["t"]
    assert d["nrows"] == 3 and logged.json_file(d["path"])["data"] == [[0], [1], [2]]
