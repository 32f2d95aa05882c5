"""Where media bytes go (R6.1, R6.2, R3.4): names, blobs, dedup, FILES records, summary writes."""

from __future__ import annotations

import hashlib
import os
import re

import numpy as np

import cairn as wandb
from cairn.runlog import format as fmt
from cairn.store import blobs

IMG = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)


def test_file_in_run_dir_is_the_blob(logged):
    logged.run.log({"img": wandb.Image(IMG)})
    logged.run.finish(quiet=True)
    d = logged.rows()[0]["img"]
    data = logged.check_descriptor(d)
    with open(blobs.blob_path(logged.run._root, d["sha256"]), "rb") as f:
        assert f.read() == data


def test_same_bytes_logged_twice_stored_once(logged):
    logged.run.log({"img": wandb.Image(IMG)})
    logged.run.log({"img": wandb.Image(IMG)})
    logged.run.finish(quiet=True)
    a, b = (r["img"] for r in logged.rows())
    assert a["sha256"] == b["sha256"] and a["path"] != b["path"]
    assert logged.blob_count() == 1


def test_files_record_per_media_file(logged):
    logged.run.log({"img": wandb.Image(IMG)})
    logged.run.finish(quiet=True)
    d = logged.rows()[0]["img"]
    assert logged.files_records() == [{"path": d["path"], "sha256": d["sha256"], "size": d["size"],
                                       "policy": "now", "type": "media"}]


def test_step_in_name_is_client_step_at_log_time(logged):
    logged.run.log({"x": 1})
    logged.run.log({"x": 2})
    logged.run.log({"x": 3})
    logged.run.log({"x": 4})  # run.step is now 4
    logged.run.log({"img": wandb.Image(IMG)}, step=5)
    logged.run.finish(quiet=True)
    row = logged.rows()[-1]
    assert row["_step"] == 5 and row["img"]["path"].startswith("media/images/img_4_")


def test_nested_key_uses_leaf_key(logged):
    logged.run.log({"img_nested": {"deep": wandb.Image(IMG)}})
    logged.run.finish(quiet=True)
    assert re.match(r"^media/images/deep_0_[0-9a-f]{20}\.png$", logged.rows()[0]["img_nested"]["deep"]["path"])


def test_summary_write_uses_summary_in_name(logged):
    logged.run.summary["img"] = wandb.Image(IMG)
    logged.run.finish(quiet=True)
    d = logged.final_summary()["img"]
    assert re.match(r"^media/images/img_summary_[0-9a-f]{20}\.png$", d["path"])
    logged.check_descriptor(d)


def test_key_cannot_escape_media_folder(logged):
    logged.run.log({"../../evil": wandb.Image(IMG)})
    logged.run.finish(quiet=True)
    p = logged.rows()[0]["../../evil"]["path"]
    assert p.startswith("media/images/evil_0_")
    assert os.path.isfile(os.path.join(logged.run.dir, p))


def test_read_back_bytes_identical_to_encoded(logged):
    img = wandb.Image(IMG)
    logged.run.log({"img": img})
    logged.run.finish(quiet=True)
    d = logged.rows()[0]["img"]
    assert logged.file(d["path"]) == img.encoded()
    assert hashlib.sha256(img.encoded()).hexdigest() == d["sha256"]


def test_media_in_config_rejected(run):
    import pytest

    with pytest.raises(ValueError):
        run.config.update({"img": wandb.Image(IMG)})


def test_import_cairn_does_not_load_media_modules():
    import subprocess
    import sys

    code = "import cairn, sys; print(any(m.startswith(('cairn.data_types', 'PIL', 'cairn.plot')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_table_in_summary_uses_summary_in_name(logged):
    logged.run.summary["t"] = wandb.Table(columns=["a"], data=[[1]])
    logged.run.finish(quiet=True)
    d = logged.final_summary()["t"]
    assert re.match(r"^media/table/t_summary_[0-9a-f]{20}\.table\.json$", d["path"])
    assert logged.json_file(d["path"]) == {"columns": ["a"], "data": [[1]]}


def test_chart_in_summary_stores_table_under_its_key(logged):
    chart = wandb.plot.bar(wandb.Table(columns=["l", "v"], data=[["a", 1]]), "l", "v")
    logged.run.summary["chart"] = chart
    logged.run.finish(quiet=True)
    assert logged.final_summary()["chart"]["_type"] == "table-file"
    vis = logged.config()["_wandb"]["visualize"]["chart"]
    query = vis["panel_config"]["userQuery"]["queryFields"][0]["fields"][-1]
    assert query["args"][0]["value"] == "chart"


def test_bad_value_in_row_writes_nothing(logged):
    import pytest

    with pytest.raises(TypeError):
        logged.run.log({"img": wandb.Image(IMG), "bad": object()})
    logged.run.finish(quiet=True)
    assert logged.rows() == []


def test_image_list_in_summary_uses_summary_in_names(logged):
    logged.run.summary["imgs"] = [wandb.Image(IMG), wandb.Image(IMG[::-1])]
    logged.run.finish(quiet=True)
    d = logged.final_summary()["imgs"]
    assert d["_type"] == "images/separated"
    assert all(p.startswith("media/images/imgs_summary_") for p in d["filenames"])


def test_pyplot_module_logged_as_its_current_figure(logged):
    import pytest

    plt = pytest.importorskip("matplotlib.pyplot")
    plt.figure()
    plt.imshow(np.zeros((3, 3)))
    logged.run.log({"chart": plt})
    plt.close("all")
    logged.run.finish(quiet=True)
    assert logged.rows()[0]["chart"]["_type"] == "image-file"


def test_disk_error_warns_and_keeps_the_row(logged, monkeypatch):
    def full(root, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(blobs, "put_bytes", full)
    logged.run.log({"img": wandb.Image(IMG), "x": 1})
    logged.run.finish(quiet=True)
    row = logged.rows()[0]
    assert row["x"] == 1 and row["img"]["_type"] == "image-file"
    assert logged.files_records() == []


def test_rejected_log_call_records_no_media(logged):
    import pytest

    with pytest.raises(TypeError):
        logged.run.log({"img": wandb.Image(IMG), "bad": object()})
    media = os.path.join(logged.run.dir, "media")
    assert not os.path.exists(media) or not any(fs for _, _, fs in os.walk(media))
    logged.run.log({"img": wandb.Image(IMG)})  # the same file at the same step, now accepted
    logged.run.finish(quiet=True)
    rows = logged.rows()
    assert len(rows) == 1
    d = rows[0]["img"]
    logged.check_descriptor(d)
    assert [f["path"] for f in logged.files_records()] == [d["path"]]


def test_rejected_log_call_leaves_no_config_entry_or_run_table_artifact(logged):
    import pytest

    mask = {"pred": {"mask_data": np.zeros((4, 4), dtype=np.uint8), "class_labels": {0: "bg"}}}
    chart = wandb.plot.line(wandb.Table(columns=["x", "y"], data=[[0, 1]]), "x", "y")
    bad = {"img": wandb.Image(IMG, masks=mask), "t": wandb.Table(columns=["a"], data=[[1]]), "c": chart,
           "bad": object()}
    with pytest.raises(TypeError):
        logged.run.log(bad)
    logged.run.log({"x": 1})
    logged.run.finish(quiet=True)
    assert "_wandb" not in logged.config() and logged.files_records() == []
    assert logged.records(fmt.ARTIFACT) == []


def test_log_dropped_for_a_lower_step_records_no_media(logged):
    logged.run.log({"x": 1}, step=5)
    logged.run.log({"img": wandb.Image(IMG)}, step=2)  # dropped with a warning
    logged.run.finish(quiet=True)
    assert logged.files_records() == [] and all("img" not in r for r in logged.rows())
    media = os.path.join(logged.run.dir, "media")
    assert not os.path.exists(media) or not any(fs for _, _, fs in os.walk(media))


def test_log_calls_from_two_threads_record_every_media_file(logged):
    import threading

    errors = []

    def worker(seed):
        try:
            for i in range(30):
                logged.run.log({f"img{seed}": wandb.Image(np.full((2, 2, 3), (seed * 30 + i) % 256, np.uint8))})
        except Exception as e:  # pragma: no cover - the assertion below reports it
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(s,)) for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    logged.run.finish(quiet=True)
    assert errors == []
    recorded = {f["path"] for f in logged.files_records()}
    logged_paths = {v["path"] for r in logged.rows() for k, v in r.items() if k.startswith("img")}
    assert len(logged_paths) == 60 and logged_paths <= recorded
