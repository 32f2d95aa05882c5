"""R7.2 add(obj, name) / R7.8 get(name): data-type objects inside artifacts."""

from __future__ import annotations

import pytest

from cairn.artifacts import Artifact

data_types = pytest.importorskip("cairn.data_types")


def test_add_table_stores_name_table_json_and_get_rebuilds_it(run):
    table = data_types.Table(columns=["a", "b"], data=[[1, "x"], [2, "y"]])
    art = Artifact("tabs", "dataset")
    entry = art.add(table, "mytab")
    assert entry.path == "mytab.table.json"
    run.log_artifact(art)
    got = art.get("mytab")
    assert isinstance(got, data_types.Table)
    assert got.columns == ["a", "b"] and [list(r) for r in got.data] == [[1, "x"], [2, "y"]]


def test_setitem_getitem(run):
    art = Artifact("tabs", "dataset")
    art["t"] = data_types.Table(columns=["a"], data=[[1]])
    run.log_artifact(art)
    assert art["t"].columns == ["a"]


def test_get_missing_returns_none(run):
    art = Artifact("tabs", "dataset")
    art.add(data_types.Table(columns=["a"], data=[[1]]), "t")
    run.log_artifact(art)
    assert art.get("nope") is None


def test_add_non_data_type_raises():
    with pytest.raises(ValueError, match="data type"):
        Artifact("x", "dataset").add(object(), "o")
