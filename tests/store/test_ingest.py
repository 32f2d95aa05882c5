"""Ingest: what the SDK logged comes back unchanged; re-ingest is incremental and idempotent;
torn tails and corrupt files are handled; rewinds, forks, live and crashed runs."""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import time

import pytest

import cairn
from cairn.runlog import format as fmt
from cairn.runlog.reader import iter_history
from cairn.store.index import open_index

from .conftest import SDK_SETTINGS, write_run


def _log_mixed(run) -> None:
    run.define_metric("acc", summary="max")
    for i in range(300):
        run.log({"loss": 1.0 / (i + 1), "acc": (i % 7) * 0.1, "name": f"s{i}",
                 "nested": {"x": {"y": i}}, "n": float("nan") if i == 5 else i})
    run.log({"flag": True, "lst": [1, "a"], "big": 2**70, "none": None})
    run.summary["explicit"] = {"a": 1}


def test_index_holds_exactly_what_the_sdk_logged(same, root, index):
    run = cairn.init(project="p", config={"lr": 0.1, "arch": {"depth": 3}}, settings=SDK_SETTINGS)
    _log_mixed(run)
    run.config.update({"late": "yes"})
    run.finish()
    index.ingest()
    got = index.run(run.id)
    path = os.path.join(root, "runs", run.id, "run.cairn")
    assert same(list(index.history_rows(run.id)), list(iter_history(path)))
    final = [r for r in _records(path, fmt.SUMMARY) if "final" in r][-1]["final"]
    assert same(got["summary"], final)
    assert got["summary"]["acc"] == {"max": 0.6000000000000001}
    assert got["config"] == {"lr": 0.1, "arch": {"depth": 3}, "late": "yes"}
    assert got["state"] == "finished" and got["exit_code"] == 0 and got["last_step"] == 300


def _records(path, rtype):
    from cairn.runlog.reader import read_records

    return [r.data for r in read_records(path) if r.type == rtype]


def test_unfinished_run_summary_is_replayed_with_the_sdk_rules(same, root, index):
    run = cairn.init(project="p", settings=SDK_SETTINGS)
    _log_mixed(run)
    run._writer.flush()
    index.ingest()
    got = index.run(run.id)["summary"]
    want = run.summary._as_dict() if hasattr(run.summary, "_as_dict") else run._summary_state.snapshot()
    assert same(got, want)
    run.finish()


def test_nested_values_are_flattened_into_dotted_keys_for_metric_keys(root, index):
    write_run(root, "r1", [{"nested": {"x": {"y": i}}, "s": "a"} for i in range(10)])
    index.ingest()
    keys = {k["key"]: k for k in index.metric_keys(["r1"])}
    assert keys["nested.x.y"]["kind"] == "number" and keys["nested.x.y"]["count"] == 10
    assert keys["s"]["kind"] == "string"
    assert index.series("r1", "nested.x.y") == (list(range(10)), [float(i) for i in range(10)])
    assert next(iter(index.history_rows("r1")))["nested"] == {"x": {"y": 0}}


def test_reingest_without_new_bytes_changes_nothing(root, index):
    write_run(root, "r1", [{"a": i} for i in range(100)])
    first = index.ingest()
    before = (index.run("r1"), list(index.history_rows("r1")), index.metric_keys(["r1"]))
    again = index.ingest()
    assert first.rows == 100 and again.rows == 0 and again.bytes == 0 and again.runs_updated == 0
    assert (index.run("r1"), list(index.history_rows("r1")), index.metric_keys(["r1"])) == before


def test_ingest_reads_only_new_bytes_and_appends_to_chunks(root, index):
    path = os.path.join(root, "runs", "r1", "run.cairn")
    os.makedirs(os.path.dirname(path))
    from cairn.runlog.writer import RunWriter

    w = RunWriter(path)
    w.put(fmt.RUN, {"id": "r1", "project": "p", "start_time": 1.0, "host": "elsewhere", "pid": 1})
    for i in range(5000):
        w.put_row(i, 1.0 + i, {"a": float(i)})
    w.flush()
    index.ingest()
    size1 = os.path.getsize(path)
    for i in range(5000, 12000):
        w.put_row(i, 1.0 + i, {"a": float(i)})
    w.close()
    rep = index.ingest()
    assert rep.bytes == os.path.getsize(path) - size1 and rep.rows == 7000
    x, y = index.series("r1", "a")
    assert x == list(range(12000)) and y == [float(i) for i in range(12000)]


def test_torn_tail_is_ignored_then_read_once_complete(root, index):
    path = write_run(root, "r1", [{"a": i} for i in range(10)], exit_code=None)
    frame = fmt.frame(fmt.HISTORY, fmt.pack([[0, 10, 5.0, 10]]))
    with open(path, "ab") as f:
        f.write(frame[:7])
    rep = index.ingest()
    assert rep.problems == [] and index.run("r1")["last_step"] == 9
    with open(path, "ab") as f:
        f.write(frame[7:])
    rep = index.ingest()
    assert rep.problems == [] and index.run("r1")["last_step"] == 10
    assert [r["a"] for r in index.history_rows("r1")] == list(range(11))


def test_corrupt_file_is_reported_with_path_and_offset_and_others_still_ingest(root, index):
    bad = write_run(root, "bad", [{"a": i} for i in range(10)])
    write_run(root, "good", [{"a": 1}])
    data = bytearray(open(bad, "rb").read())
    pos = fmt.HEADER_SIZE + 20
    data[pos] ^= 0xFF
    open(bad, "wb").write(bytes(data))
    rep = index.ingest()
    assert len(rep.problems) == 1
    p = rep.problems[0]
    assert p["path"] == bad and p["run_id"] == "bad" and p["offset"] <= pos
    assert "offset" in p["error"]
    assert index.run("good")["state"] == "finished"


def test_file_that_is_not_a_run_file_is_reported(root, index):
    os.makedirs(os.path.join(root, "runs", "junk"))
    open(os.path.join(root, "runs", "junk", "run.cairn"), "wb").write(b"hello world, not a run")
    write_run(root, "good", [{"a": 1}])
    rep = index.ingest()
    assert [(p["run_id"], p["offset"]) for p in rep.problems] == [("junk", 0)]
    assert [r["id"] for r in index.runs()[0]] == ["good"]


def test_rewind_drops_rows_above_the_cut_logged_before_it(root, index):
    run = cairn.init(project="p", id="rw", settings=SDK_SETTINGS)
    for i in range(20):
        run.log({"a": i})
    run.finish()
    index.ingest()  # the first session is indexed before the rewind arrives
    run = cairn.init(project="p", resume_from="rw?_step=9", settings=SDK_SETTINGS)
    run.log({"a": 100})
    run.finish()
    index.ingest()
    assert [r["_step"] for r in index.history_rows("rw")] == list(range(11))
    assert [r["a"] for r in index.history_rows("rw")][-2:] == [9, 100]
    assert index.series("rw", "a")[0] == list(range(11))
    assert {k["key"]: k["count"] for k in index.metric_keys(["rw"])} == {"a": 11}
    assert index.run("rw")["summary"]["a"] == 100
    index.reindex()  # the same from a single pass over the file
    assert [r["_step"] for r in index.history_rows("rw")] == list(range(11))
    assert index.series("rw", "a")[1][-2:] == [9.0, 100.0]


def test_fork_holds_the_copied_rows(root, index):
    src = cairn.init(project="p", id="src", settings=SDK_SETTINGS)
    for i in range(10):
        src.log({"a": i})
    src.finish()
    fork = cairn.init(project="p", fork_from="src?_step=4", settings=SDK_SETTINGS)
    fork.log({"a": 50})
    fork.finish()
    index.ingest()
    assert [r["a"] for r in index.history_rows(fork.id)] == [0, 1, 2, 3, 4, 50]


def _child_logger(root: str, n: int, crash: bool) -> None:
    os.environ["CAIRN_ROOT"] = root
    os.environ["CAIRN_SILENT"] = "1"
    run = cairn.init(project="p", id="live", settings={**SDK_SETTINGS, "x_flush_interval": 0.01})
    for i in range(n):
        run.log({"a": i})
        if i % 50 == 0:
            time.sleep(0.005)
    if crash:
        run._writer.flush()
        os._exit(1)  # no finish: the process dies
    run.finish()


def test_run_is_readable_while_being_written(root, index):
    p = mp.get_context("spawn").Process(target=_child_logger, args=(root, 3000, False))
    p.start()
    seen = []
    while p.is_alive():
        index.ingest()
        try:
            rows = list(index.history_rows("live"))
        except cairn.CommError:
            continue
        steps = [r["_step"] for r in rows]
        assert steps == list(range(len(steps)))  # a prefix, in order, no duplicates
        seen.append(len(steps))
    p.join()
    index.ingest()
    assert [r["a"] for r in index.history_rows("live")] == list(range(3000))
    assert index.run("live")["state"] == "finished"
    assert len(seen) >= 2


def test_run_whose_process_died_is_crashed(root, index):
    p = mp.get_context("spawn").Process(target=_child_logger, args=(root, 200, True))
    p.start()
    p.join()
    index.ingest()
    got = index.run("live")
    assert got["state"] == "crashed" and got["last_step"] == 199


def _many(root: str, k: int) -> None:
    os.environ["CAIRN_ROOT"] = root
    os.environ["CAIRN_SILENT"] = "1"
    run = cairn.init(project="p", id=f"w{k}", config={"k": k}, settings=SDK_SETTINGS)
    for i in range(500):
        run.log({"a": i * k, "b": f"{k}-{i}"})
    run.finish()


@pytest.fixture(scope="module")
def eight_writers(tmp_path_factory):
    """A root written by 8 processes logging at the same time (made once, copied per test)."""
    root = str(tmp_path_factory.mktemp("eight") / "root")
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_many, args=(root, k)) for k in range(8)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
        assert p.exitcode == 0
    return root


def test_eight_concurrent_writers_then_ingest(eight_writers, root, index):
    shutil.copytree(os.path.join(eight_writers, "runs"), os.path.join(root, "runs"))
    rep = index.ingest()
    assert rep.problems == [] and rep.rows == 8 * 500
    page, total = index.runs(order="+config.k")
    assert total == 8 and [r["config"]["k"] for r in page] == list(range(8))
    for k in range(8):
        rows = list(index.history_rows(f"w{k}"))
        assert [r["b"] for r in rows] == [f"{k}-{i}" for i in range(500)]


def _ingester(root: str, url: str | None, n: int) -> None:
    ix = open_index(root, url)
    for _ in range(n):
        rep = ix.ingest()
        assert rep.problems == [], rep.problems  # a failed assertion gives a non-zero exit


def test_concurrent_ingesters_agree(root, db_url):
    for k in range(4):
        write_run(root, f"r{k}", [{"a": i, "s": str(i)} for i in range(3000)])
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_ingester, args=(root, db_url, 3)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
        assert p.exitcode == 0
    ix = open_index(root, db_url)
    for k in range(4):
        assert [r["a"] for r in ix.history_rows(f"r{k}")] == list(range(3000))
        assert ix.series(f"r{k}", "a")[0] == list(range(3000))
        assert {m["key"]: m["count"] for m in ix.metric_keys([f"r{k}"])} == {"a": 3000, "s": 3000}
    ix.close()


def test_run_file_replaced_by_a_shorter_one_is_read_afresh(root, index):
    write_run(root, "r1", [{"a": i} for i in range(100)])
    index.ingest()
    os.remove(os.path.join(root, "runs", "r1", "run.cairn"))
    write_run(root, "r1", [{"b": 1}])
    index.ingest()
    assert [r.get("b") for r in index.history_rows("r1")] == [1]
    assert [k["key"] for k in index.metric_keys(["r1"])] == ["b"]


def test_long_files_are_flushed_in_parts_with_the_same_result(root, index, monkeypatch):
    from cairn.ingest import run_ingest

    write_run(root, "r1", [{"a": i, "b": -i} for i in range(20_000)])
    monkeypatch.setattr(run_ingest, "FLUSH_VALUES", 1000)  # flush every HISTORY record or so
    rep = index.ingest()
    assert rep.values == 40_000
    assert index.series("r1", "b")[1] == [float(-i) for i in range(20_000)]
    assert {k["key"]: k["count"] for k in index.metric_keys(["r1"])} == {"a": 20_000, "b": 20_000}


def test_file_without_a_run_record_is_not_indexed_until_it_has_one(root, index):
    from cairn.runlog.writer import RunWriter

    path = os.path.join(root, "runs", "early", "run.cairn")
    os.makedirs(os.path.dirname(path))
    w = RunWriter(path)
    w.flush()
    assert index.ingest().problems == [] and index.runs() == ([], 0)
    w.put(fmt.RUN, {"id": "early", "project": "p", "start_time": 1.0, "host": "elsewhere", "pid": 1})
    w.put_row(0, 2.0, {"a": 1})
    w.close()
    index.ingest()
    assert [r["a"] for r in index.history_rows("early")] == [1]


def test_run_ids_that_lead_outside_runs_are_not_ingested(root, index):
    # A run file next to runs/ (reachable as runs/../) must not be read through an id.
    outside = os.path.join(root, "elsewhere")
    write_run(outside, "x", [{"a": 1}])
    os.makedirs(os.path.join(root, "runs"))
    for bad in ("../elsewhere/runs/x", "..", ".", "", "a\\b"):
        rep = index.ingest([bad])
        assert rep.runs_updated == 0 and rep.problems == []
    assert index.runs() == ([], 0)


def test_full_ingest_keeps_a_run_another_process_indexed_after_the_listing(root, index,
                                                                           monkeypatch):
    from cairn.ingest import ingest as ingest_mod

    write_run(root, "r1", [{"a": 1}])
    listed = ingest_mod.run_ids_on_disk(root)  # the listing, taken before r2 appears
    write_run(root, "r2", [{"a": 2}])
    other = open_index(root, index.engine.url.render_as_string(hide_password=False))
    other.ingest(["r2"])  # the other process indexes r2 between listing and reading rows
    other.close()
    monkeypatch.setattr(ingest_mod, "run_ids_on_disk", lambda _root: list(listed))
    index.ingest()
    assert sorted(r["id"] for r in index.runs()[0]) == ["r1", "r2"]


def test_long_names_and_keys_index_on_every_database(root, index):
    # Lengths were enforced by PostgreSQL only: such a run was indexed on SQLite alone.
    key = "k" * 600
    write_run(root, "r1", [{key: 1.0}], project="p" * 300, name="n" * 300, group="g" * 300)
    rep = index.ingest()
    assert rep.problems == []
    r = index.run("r1")
    assert (r["project"], r["name"], r["group"]) == ("p" * 300, "n" * 300, "g" * 300)
    assert index.series("r1", key) == ([0], [1.0])
