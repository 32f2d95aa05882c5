"""Resuming (R1.9), rewinding with resume_from and forking with fork_from (R1.10) local runs,
checked by replaying the run files."""

from __future__ import annotations

import json
import os

import pytest

import cairn
from cairn.runlog import format as fmt
from cairn.sdk.resume import replay

QUIET = {"console": "off", "x_disable_stats": True}


def init(**kw):
    return cairn.init(project="p", settings=QUIET, **kw)


def first_run(n=5, **kw):
    run = init(id="base", **kw)
    for i in range(n):
        run.log({"loss": float(n - i), "i": i})
    run.config.lr = 0.1
    return run


def test_r1_9_resume_allow_continues_steps_config_and_runtime(disk):
    a = first_run()
    a.finish()
    b = init(id="base", resume="allow")
    assert b.resumed is True and b.starting_step == 5 and b.step == 5
    assert b.config.lr == 0.1 and b.summary["loss"] == 1.0
    b.log({"loss": 0.5})
    b.finish()
    rows = disk.rows("base")
    assert [r["_step"] for r in rows] == [0, 1, 2, 3, 4, 5]
    assert rows[5]["_runtime"] >= rows[4]["_runtime"]  # runtime continues from the stored one
    assert disk.final_summary("base")["loss"] == 0.5


def test_r1_9_resume_keeps_aggregates_running(disk):
    a = init(id="agg")
    a.define_metric("loss", summary="min")
    a.log({"loss": 1.0})
    a.finish()
    b = init(id="agg", resume="must")
    b.log({"loss": 3.0})
    b.finish()
    assert disk.final_summary("agg")["loss"] == {"min": 1.0}


def test_r1_9_resume_must_without_run_raises():
    with pytest.raises(cairn.UsageError, match="must"):
        init(id="nope", resume="must")


def test_r1_9_resume_never_with_existing_run_raises():
    first_run().finish()
    with pytest.raises(cairn.UsageError, match="never"):
        init(id="base", resume="never")


def test_r1_9_resume_never_new_run_is_fine():
    run = init(id="fresh", resume="never")
    assert run.resumed is False


def test_r1_9_invalid_resume_value_raises():
    with pytest.raises(cairn.UsageError, match="allow, must, never, auto"):
        init(resume="sometimes")


def test_r1_9_resume_auto_file_lifecycle(isolated, disk):
    resume_file = os.path.join(isolated, "wandb-resume.json")
    a = init(resume="auto")
    with open(resume_file) as f:
        assert json.load(f) == {"run_id": a.id}
    a.log({"x": 1})
    a.finish(exit_code=1)  # not a clean finish: the file stays for the next attempt
    assert os.path.exists(resume_file)
    b = init(resume=True)  # True means "auto"
    assert b.id == a.id and b.resumed and b.starting_step == 1
    b.log({"x": 2})
    b.finish()
    assert not os.path.exists(resume_file)
    assert disk.steps(a.id) == [0, 1]
    c = init(resume="auto")
    assert c.id != a.id and c.resumed is False


def test_r1_9_resumed_run_appends_a_second_run_record(disk):
    first_run().finish()
    b = init(id="base", resume="allow")
    b.finish()
    runs = disk.records("base", fmt.RUN)
    assert len(runs) == 2 and runs[1].data["resumed"] is True and runs[1].data["starting_step"] == 5
    assert len(disk.records("base", fmt.EXIT)) == 2


def test_r1_10_malformed_fork_from_raises_value_error():
    with pytest.raises(ValueError, match="_step"):
        init(fork_from="abc")
    with pytest.raises(ValueError, match="_step"):
        init(resume_from="abc?_step=x")
    with pytest.raises(ValueError):
        init(fork_from="abc?epoch=3")


def test_r1_10_resume_from_rewinds_and_overrides_id(disk):
    first_run(n=10).finish()
    b = init(id="other", resume_from="base?_step=4")
    assert b.id == "base" and b.step == 5 and b.starting_step == 5
    assert b.summary["i"] == 4
    b.log({"loss": -1.0, "i": 100})
    b.finish()
    # readers drop the rows above the rewind point that were logged before it
    assert [(r["_step"], r["i"]) for r in disk.rows("base")] == [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 100)]
    st = replay(disk.path("base"), keep_rows=True)
    assert [r["_step"] for r in st["rows"]] == [0, 1, 2, 3, 4, 5]
    assert st["next_step"] == 6


def test_r1_10_fork_copies_history_up_to_step_into_a_new_run(disk):
    first_run(n=10).finish()
    f = init(fork_from="base?_step=3")
    assert f.id != "base" and f.step == 4 and f.config.lr == 0.1
    f.log({"loss": 0.0, "i": 99})
    f.finish()
    assert [(r["_step"], r["i"]) for r in disk.rows(f.id)] == [(0, 0), (1, 1), (2, 2), (3, 3), (4, 99)]
    assert disk.final_summary(f.id)["i"] == 99
    assert len(disk.rows("base")) == 10  # the source is untouched


def test_r1_10_fork_from_own_id_raises():
    first_run().finish()
    with pytest.raises(ValueError, match="other than"):
        init(id="base", fork_from="base?_step=1")


def test_r1_10_fork_from_unknown_run_raises():
    with pytest.raises(cairn.UsageError, match="does not exist"):
        init(fork_from="ghost?_step=1")


def test_r1_10_failed_fork_creates_no_run(isolated):
    with pytest.raises(cairn.UsageError):
        init(id="child", fork_from="ghost?_step=1")
    assert not os.path.exists(os.path.join(isolated, "runs", "child"))
    assert cairn.run is None


def test_r1_10_rows_dropped_by_a_rewind_stay_out_of_a_later_resume(disk):
    a = init(id="rw")
    a.define_metric("i", summary="max")
    for i in range(10):
        a.log({"i": i})
    a.finish()
    b = init(resume_from="rw?_step=4")
    b.log({"i": 5})
    b.finish()
    replayed = replay(disk.path("rw"))  # the state rebuilt from rows, not the final record
    assert replayed["state"].latest["i"] == {"max": 5} and replayed["next_step"] == 6
    c = init(id="rw", resume="allow")
    assert c.step == 6 and c.summary["i"] == {"max": 5}
    c.finish()
    assert disk.steps("rw") == [0, 1, 2, 3, 4, 5]


def test_r1_10_fork_replays_nested_and_none_values_into_the_summary_as_logged(disk):
    base = init(id="base")
    base.log({"a": {"x": 1, "y": 2}, "gone": 1})
    base.log({"a": {"x": 3}, "gone": None})
    base.finish()
    f = init(fork_from="base?_step=1")
    assert f.summary["a"] == {"x": 3, "y": 2}  # nested dicts merge path by path (R2.10)
    assert "gone" not in f.summary.keys()  # a logged None removes the key (R3.3)
    f.finish()
