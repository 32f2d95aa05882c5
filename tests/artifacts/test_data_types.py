"""R7.2 add(obj, name) / R7.8 get(name): data-type objects inside artifacts."""

from __future__ import annotations

import os
import tempfile

import pytest

from cairn.artifacts import Artifact
from tests.artifacts.conftest import new_run

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


def test_get_of_a_logged_artifact_leaves_no_temporary_folder(isolated, tmp_path, monkeypatch):
    tmp = tmp_path / "tmpdir"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))  # where tempfile puts folders in this test
    run = new_run()
    art = Artifact("t", "dataset")
    art.add(data_types.Table(columns=["a"], data=[[1]]), "tab")
    run.log_artifact(art)
    before = sorted(os.listdir(tmp))
    assert art.get("tab") is not None
    assert sorted(os.listdir(tmp)) == before


def test_add_overwrite_matches_the_normalised_path(run):
    art = Artifact("tabs", "dataset")
    art.add(data_types.Table(columns=["a"], data=[[1]]), "d/t")
    entry = art.add(data_types.Table(columns=["a"], data=[[2]]), "./d//t", overwrite=True)
    assert entry.path == "d/t.table.json" and list(art.manifest.entries) == ["d/t.table.json"]
    assert art.get("d/t").data == [[2]]


def test_add_reports_the_objects_own_type_error():
    class Broken:
        def to_json(self, target):
            raise TypeError("cell 3 is not serialisable")

    with pytest.raises(TypeError, match="cell 3 is not serialisable"):
        Artifact("tabs", "dataset").add(Broken(), "b")
