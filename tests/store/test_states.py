"""Run states and summaries across the run life cycle, and SQLite/PostgreSQL agreement."""

from __future__ import annotations

import pytest

import cairn
from cairn.runlog.writer import RunWriter
from cairn.store.index import open_index

from .conftest import SDK_SETTINGS, pg_schema_url, write_run


def test_exit_code_other_than_zero_is_failed(root, index):
    write_run(root, "r1", [{"a": 1}], exit_code=3)
    index.ingest()
    got = index.run("r1")
    assert (got["state"], got["exit_code"]) == ("failed", 3)


def test_mark_preempting_is_preempting_until_exit(root, index):
    run = cairn.init(project="p", settings=SDK_SETTINGS)
    run.mark_preempting()
    run._writer.flush()
    index.ingest()
    assert index.run(run.id)["state"] == "preempting"
    run.finish()
    index.ingest()
    assert index.run(run.id)["state"] == "finished"


def test_silent_run_on_another_host_stays_running_until_stale(root, index):
    path = write_run(root, "r1", [{"a": 1}], exit_code=None)
    index.ingest()
    assert index.run("r1")["state"] == "running"
    import os

    os.utime(path, (1.0, 1.0))  # no new bytes for a very long time
    index.ingest()
    assert index.run("r1")["state"] == "crashed"


def test_resumed_run_is_running_again_and_keeps_history(root, index):
    run = cairn.init(project="p", id="res", settings=SDK_SETTINGS)
    run.log({"a": 1})
    run.finish()
    index.ingest()
    run = cairn.init(project="p", id="res", resume="must", settings=SDK_SETTINGS)
    run.log({"b": 2})
    run._writer.flush()
    index.ingest()
    got = index.run("res")
    assert got["state"] == "running"
    assert {k: got["summary"][k] for k in ("a", "b", "_step")} == {"a": 1, "b": 2, "_step": 1}
    run.finish()
    index.ingest()
    assert [r.get("a", r.get("b")) for r in index.history_rows("res")] == [1, 2]
    assert index.run("res")["state"] == "finished"


def test_user_timestamp_wins_for_time_axis(root, index):
    write_run(root, "r1", [{"a": i, "_timestamp": 500.0 + i} for i in range(5)])
    index.ingest()
    assert index.series("r1", "a", x_axis="_timestamp")[0] == [500.0, 501.0, 502.0, 503.0, 504.0]
    assert [r["_timestamp"] for r in index.history_rows("r1")] == [500.0 + i for i in range(5)]


def test_glob_step_metric_rows_and_history_paging(root, index):
    path = write_run(root, "r1", [], exit_code=None)
    w = RunWriter(path)
    for i in range(2500):
        w.put_row(i, float(i), {"a": i})
    w.close()
    index.ingest()
    rows = list(index.history_rows("r1", min_step=1000, max_step=1500, page_size=100))
    assert [r["_step"] for r in rows] == list(range(1000, 1500))
    assert list(index.history_rows("r1", keys=["a"], max_step=2)) == [{"a": 0}, {"a": 1}]


def test_update_run_while_the_run_is_being_written(root, index):
    run = cairn.init(project="p", settings=SDK_SETTINGS)
    for i in range(100):
        run.log({"a": i})
    run._writer.flush()
    index.ingest()
    index.update_run(run.id, notes="edited while live")
    for i in range(100):
        run.log({"a": 100 + i})
    run.finish()
    rep = index.ingest()
    assert rep.problems == []
    got = index.run(run.id)
    assert got["notes"] == "edited while live" and got["last_step"] == 199
    assert [r["a"] for r in index.history_rows(run.id)] == list(range(200))


@pytest.fixture
def pg_url():
    with pg_schema_url() as url:
        yield url


def test_sqlite_and_postgresql_give_identical_results(root, pg_url):
    run = cairn.init(project="p", config={"c": {"d": 1}}, settings=SDK_SETTINGS)
    run.define_metric("acc", summary="max,mean")
    for i in range(3000):
        run.log({"acc": (i % 13) / 13, "nan": float("nan"), "inf": float("inf"), "s": str(i),
                 "n": {"x": i}})
    run.finish()
    for k in range(5):
        write_run(root, f"w{k}", [{"acc": k / 10}], config={"k": k}, tags=[str(k % 2)])
    results = []
    for url in (None, pg_url):
        ix = open_index(root, url)
        ix.ingest()
        page, total = ix.runs(filters={"summary_metrics.acc": {"$lt": 0.35}}, order="-config.k")
        ids = [r["id"] for r in ix.runs()[0]]
        results.append(repr((
            page, total, [ix.run(i) for i in ids], ix.metric_keys(ids), ix.projects(),
            list(ix.history_rows(run.id)), ix.series(run.id, "acc"),
            ix.history_buckets(ids, ["acc", "n.x"], buckets=37),
        )))
        ix.close()
    assert results[0] == results[1]


