"""Data types added to artifacts: ``Artifact.add(table, name)`` / ``Artifact.get(name)`` (R6.9 part 2)."""

from __future__ import annotations

import json

import numpy as np

import cairn as wandb
from tests.data_types.conftest import QUIET

PX = np.arange(9, dtype=np.uint8).reshape(3, 3)


def _table():
    return wandb.Table(columns=["id", "img"], data=[[1, wandb.Image(PX, caption="c")], [2, None]])


def _entry_json(art, path):
    with open(art.get_entry(path).ref_target(), encoding="utf-8") as f:
        return json.load(f)


def test_table_added_as_typed_table_json_with_media_inside(run):
    art = wandb.Artifact("preds", "dataset")
    entry = art.add(_table(), "predictions")
    assert entry.path == "predictions.table.json"
    body = _entry_json(art, "predictions.table.json")
    assert (body["_type"], body["columns"], body["ncols"], body["nrows"]) == ("table", ["id", "img"], 2, 2)
    cell = body["data"][0][1]
    assert cell["_type"] == "image-file" and cell["path"].startswith("media/images/") and cell["caption"] == "c"
    assert body["data"][1] == [2, None]
    types = body["column_types"]["params"]["type_map"]
    assert types["img"]["params"]["allowed_types"][1] == {"wb_type": "image-file"}
    assert art.get_entry(cell["path"]).size == cell["size"]


def test_get_rebuilds_table_and_images(run):
    art = wandb.Artifact("preds", "dataset")
    art.add(_table(), "predictions")
    t = art.get("predictions")
    assert isinstance(t, wandb.Table) and t.columns == ["id", "img"]
    assert isinstance(t.data[0][1], wandb.Image)
    assert np.asarray(t.data[0][1].image).tolist() == PX.tolist()


def test_logged_artifact_table_read_back_in_another_run(tmp_path):
    r1 = wandb.init(dir=tmp_path, project="p", settings=QUIET)
    art = wandb.Artifact("preds", "dataset")
    art.add(_table(), "predictions")
    r1.log_artifact(art)
    r1.finish(quiet=True)
    r2 = wandb.init(dir=tmp_path, project="p", settings=QUIET)
    t = r2.use_artifact("preds:latest").get("predictions")
    r2.finish(quiet=True)
    assert t.get_column("id") == [1, 2] and isinstance(t.data[0][1], wandb.Image)


def test_logging_a_table_logs_the_run_table_artifact(tmp_path):
    r1 = wandb.init(dir=tmp_path, project="p", settings=QUIET)
    r1.log({"my table/x": _table()})
    rid = r1.id
    r1.finish(quiet=True)
    r2 = wandb.init(dir=tmp_path, project="p", settings=QUIET)
    art = r2.use_artifact(f"run-{rid}-mytablex:latest")
    t = art.get("my table/x")
    r2.finish(quiet=True)
    assert art.type == "run_table"
    assert t.get_column("id") == [1, 2] and isinstance(t.data[0][1], wandb.Image)


def test_incremental_table_logs_no_run_table_artifact(tmp_path):
    import pytest

    r1 = wandb.init(dir=tmp_path, project="p", settings=QUIET)
    t = wandb.Table(columns=["a"], log_mode="INCREMENTAL")
    t.add_data(1)
    r1.log({"t": t})
    rid = r1.id
    r1.finish(quiet=True)
    r2 = wandb.init(dir=tmp_path, project="p", settings=QUIET)
    with pytest.raises(wandb.CommError):
        r2.use_artifact(f"run-{rid}-t:latest")
    r2.finish(quiet=True)


def test_get_leaves_no_temporary_media_copies(tmp_path, monkeypatch):
    import os
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    r1 = wandb.init(dir=tmp_path, project="p", settings=QUIET)
    art = wandb.Artifact("preds", "dataset")
    art.add(_table(), "predictions")
    assert isinstance(art.get("predictions").data[0][1], wandb.Image)  # unlogged: read from the blobs
    r1.log_artifact(art)
    img = r1.use_artifact("preds:latest").get("predictions").data[0][1]  # logged: verified copy
    r1.finish(quiet=True)
    assert np.asarray(img.image).tolist() == PX.tolist()
    assert os.listdir(scratch) == []
