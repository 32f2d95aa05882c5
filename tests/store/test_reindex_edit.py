"""reindex rebuilds identical results from run files alone; edits go through the run file."""

from __future__ import annotations

import os

import cairn
from cairn.store.index import open_index

from .conftest import SDK_SETTINGS, write_run


def _snapshot(ix) -> dict:
    runs, _ = ix.runs(order="+name")
    ids = [r["id"] for r in runs]
    return {
        "runs": runs,
        "projects": ix.projects(),
        "rows": {i: list(ix.history_rows(i)) for i in ids},
        "keys": ix.metric_keys(ids),
        "series": {i: ix.series(i, "a") for i in ids},
        "buckets": ix.history_buckets(ids, ["a"], buckets=10),
        "files": {i: ix.files(i) for i in ids},
        "alerts": {i: ix.alerts(i) for i in ids},
    }


def test_reindex_gives_identical_query_results(root, index):
    run = cairn.init(project="p", config={"c": 1}, settings=SDK_SETTINGS)
    for i in range(500):
        run.log({"a": i, "s": str(i), "d": {"x": i}})
    run.alert("hi", "there")
    run.finish()
    for k in range(3):
        write_run(root, f"w{k}", [{"a": k * i} for i in range(2000)])
    index.ingest()
    index.update_run(run.id, name="renamed", tags=["t"], config={"c": 2}, summary={"extra": 5})
    before = _snapshot(index)
    rep = index.reindex()
    assert rep.problems == [] and rep.runs_updated == 4
    after = _snapshot(index)
    assert after == before
    assert after["alerts"][run.id][0]["title"] == "hi"


def test_update_run_is_written_to_the_run_file_and_survives_reindex(root, index):
    write_run(root, "r1", [{"a": 1}], name="before")
    index.ingest()
    size = os.path.getsize(os.path.join(root, "runs", "r1", "run.cairn"))
    index.update_run("r1", name="after", notes="n", tags=["x", "y"], group="g", job_type="eval",
                     config={"new": 1}, summary={"a": 9})
    assert os.path.getsize(os.path.join(root, "runs", "r1", "run.cairn")) > size
    for _ in range(2):
        got = index.run("r1")
        assert (got["name"], got["notes"], got["tags"], got["group"], got["job_type"]) == (
            "after", "n", ["x", "y"], "g", "eval")
        assert got["config"]["new"] == 1 and got["summary"]["a"] == 9
        index.reindex()


def test_removing_one_key_given_as_a_string_removes_that_key(root, index):
    write_run(root, "r1", [{"a": 1}], config={"lr": 1, "l": 2, "r": 3}, summary={"ab": 1, "a": 2,
                                                                                  "b": 3})
    index.ingest()
    index.update_run("r1", config_remove="lr", summary_remove="ab")
    got = index.run("r1")
    assert got["config"] == {"l": 2, "r": 3}
    assert {k: v for k, v in got["summary"].items() if not k.startswith("_")} == {"a": 2, "b": 3}


def test_update_run_rejects_unknown_fields(root, index):
    import pytest

    write_run(root, "r1", [{"a": 1}])
    index.ingest()
    with pytest.raises(ValueError, match="state"):
        index.update_run("r1", state="finished")


def test_delete_run_removes_folder_and_rows(root, index):
    import pytest

    write_run(root, "r1", [{"a": 1}])
    write_run(root, "r2", [{"a": 2}])
    index.ingest()
    index.delete_run("r1")
    assert not os.path.exists(os.path.join(root, "runs", "r1"))
    assert [r["id"] for r in index.runs()[0]] == ["r2"]
    assert index.metric_keys(["r1"]) == [] and list(index.history_buckets(["r1"], ["a"])["r1"]["a"]["x"]) == []
    with pytest.raises(cairn.CommError):
        index.run("r1")


def test_run_folder_removed_on_disk_is_dropped_on_ingest(root, index):
    import shutil

    write_run(root, "r1", [{"a": 1}])
    index.ingest()
    shutil.rmtree(os.path.join(root, "runs", "r1"))
    index.ingest()
    assert index.runs() == ([], 0)


def test_console_system_metrics_files_and_alerts_are_indexed(root, index):
    from cairn.runlog import format as fmt
    from cairn.runlog.writer import RunWriter

    path = write_run(root, "r1", [{"a": 1}], exit_code=None)
    w = RunWriter(path)
    w.put(fmt.OUTPUT, {"stream": "stdout", "lines": ["one", "two"], "time": 5.0})
    w.put(fmt.OUTPUT, {"stream": "stderr", "lines": ["three"], "times": [6.5], "time": 6.0})
    w.put(fmt.STATS, {"time": 7.0, "values": {"system.cpu": 12.5}})
    w.put(fmt.FILES, {"files": [{"path": "model.pt", "policy": "now", "size": 3, "sha256": "ab" * 32}]})
    w.put(fmt.ALERT, {"title": "t", "text": "x", "level": "WARN", "wait_duration": 1000, "time": 8.0})
    w.close()
    index.ingest()
    assert [c["text"] for c in index.console("r1")] == ["one", "two", "three"]
    assert [(c["stream"], c["time"]) for c in index.console("r1", offset=2)] == [("stderr", 6.5)]
    assert index.system_metrics("r1") == [{"_timestamp": 7.0, "system.cpu": 12.5}]
    assert [(f["name"], f["size"]) for f in index.files("r1")] == [("model.pt", 3)]
    assert index.alerts("r1")[0]["level"] == "WARN"


def test_update_of_a_crashed_run_cuts_its_torn_tail_first(root, index):
    from cairn.runlog import format as fmt

    path = write_run(root, "r1", [{"a": 1}], exit_code=None)
    os.utime(path, (1.0, 1.0))
    index.ingest()  # silent for ages: crashed
    with open(path, "ab") as f:
        f.write(fmt.frame(fmt.HISTORY, fmt.pack([[0, 1, 5.0, 2]]))[:9])
    index.update_run("r1", notes="after crash")
    assert index.run("r1")["notes"] == "after crash"
    index.reindex()
    assert index.run("r1")["notes"] == "after crash"


def test_a_second_index_on_the_same_database_sees_changes_and_deletions(root, db_url, index):
    from cairn.store.index import open_index

    other = open_index(root, db_url)
    write_run(root, "r1", [{"a": 1}])
    write_run(root, "r2", [{"a": 2}])
    index.ingest()
    assert [r["id"] for r in other.runs()[0]] == ["r1", "r2"]
    index.update_run("r1", name="new name")
    index.delete_run("r2")
    assert [(r["id"], r["name"]) for r in other.runs()[0]] == [("r1", "new name")]
    other.close()


def test_deleted_files_stay_deleted_after_ingest_and_reindex(root, index):
    from cairn.runlog import format as fmt
    from cairn.runlog.writer import RunWriter

    path = write_run(root, "f1", [{"a": 1}])
    files = os.path.join(root, "runs", "f1", "files")
    os.makedirs(files, exist_ok=True)
    for name in ("keep.txt", "gone.txt"):
        with open(os.path.join(files, name), "w") as f:
            f.write(name)
    w = RunWriter(path)  # a FILES record as run.save writes it, after the run finished
    w.put(fmt.FILES, {"files": [{"path": n, "policy": "now", "size": 8, "time": 1.0}
                                for n in ("keep.txt", "gone.txt")]})
    w.close()
    index.ingest()
    assert [f["name"] for f in index.files("f1")] == ["gone.txt", "keep.txt"]
    index.update_run("f1", delete_files=["gone.txt"])
    assert [f["name"] for f in index.files("f1")] == ["keep.txt"]
    assert not os.path.exists(os.path.join(files, "gone.txt"))
    assert os.path.exists(os.path.join(files, "keep.txt"))
    index.reindex()
    assert [f["name"] for f in index.files("f1")] == ["keep.txt"]
    # A second Index (another process) sees the deletion too.
    other = open_index(root, index.engine.url.render_as_string(hide_password=False)
                       if index.engine.url.get_backend_name() == "postgresql" else None)
    try:
        assert [f["name"] for f in other.files("f1")] == ["keep.txt"]
    finally:
        other.close()


def test_reindex_reports_progress_per_run_file(root, index):
    for k in range(3):
        write_run(root, f"p{k}", [{"a": k}])
    index.ingest()
    seen = []
    rep = index.reindex(progress=lambda done, total, rid: seen.append((done, total, rid)))
    assert seen == [(1, 3, "p0"), (2, 3, "p1"), (3, 3, "p2")]
    assert rep.runs_updated == 3 and len(index.runs()[0]) == 3
