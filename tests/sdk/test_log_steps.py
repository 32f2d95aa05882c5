"""run.log: the step/commit state machine (wandb-semantics R2.1–R2.3), automatic keys (R2.6),
key errors (R2.8) and log after finish (R2.12), checked on what reached the run file."""

from __future__ import annotations

import numpy as np
import pytest

import cairn
from cairn.sdk.errors import UsageError


def test_r2_1_worked_example_table(run, disk):
    run.log({"a": 1})
    assert run.step == 1
    run.log({"a": 2, "b": {"c": 3}})
    assert run.step == 2
    run.log({"a": 3}, step=1)  # dropped: 1 < 2
    assert run.step == 2
    run.log({"x": 1}, commit=False)
    run.log({"y": 2}, commit=False)
    assert run.step == 2
    run.log({"z": 3})
    assert run.step == 3
    run.log({"s": 1}, step=10)
    run.log({"t": 1}, step=10)
    assert run.step == 10
    run.log({"u": 1}, step=12)
    assert run.step == 12
    run.finish()
    assert disk.user_rows(run) == [
        {"_step": 0, "a": 1},
        {"_step": 1, "a": 2, "b": {"c": 3}},
        {"_step": 2, "x": 1, "y": 2, "z": 3},
        {"_step": 10, "s": 1, "t": 1},
        {"_step": 12, "u": 1},
    ]


def test_r2_1_explicit_step_then_implicit_log_is_one_row(run, disk):
    run.log({"a": 1}, step=10)
    run.log({"b": 2})
    assert run.step == 11
    run.finish()
    assert disk.user_rows(run) == [{"_step": 10, "a": 1, "b": 2}]


def test_r2_1_explicit_step_commit_true_writes_now_and_later_same_step_dropped(run, disk):
    run.log({"c": 1}, step=20, commit=True)
    assert run.step == 21
    run.log({"d": 1}, step=20)
    run.finish()
    assert disk.user_rows(run) == [{"_step": 20, "c": 1}]


def test_r2_1_higher_step_flushes_implicit_pending_row(run, disk):
    run.log({"c": 1}, step=20, commit=True)
    run.log({"e": 1}, commit=False)
    run.log({"f": 1}, step=25)
    run.finish()
    assert disk.user_rows(run) == [{"_step": 20, "c": 1}, {"_step": 21, "e": 1}, {"_step": 25, "f": 1}]


def test_r2_1_empty_log_consumes_a_step(run, disk):
    run.log({})
    run.log({}, commit=True)
    run.log({"a": 1})
    run.finish()
    rows = disk.rows(run)
    assert [r["_step"] for r in rows] == [0, 1, 2]
    assert set(rows[0]) == {"_step", "_runtime", "_timestamp"}


def test_r2_1_commit_false_later_value_overwrites_earlier(run, disk):
    run.log({"a": 1}, commit=False)
    run.log({"a": 2}, commit=False)
    run.log({"b": 1})
    run.finish()
    assert disk.user_rows(run) == [{"_step": 0, "a": 2, "b": 1}]


def test_r2_1_pending_row_flushed_at_finish(run, disk):
    run.log({"a": 1}, commit=False)
    run.finish()
    assert disk.user_rows(run) == [{"_step": 0, "a": 1}]


def test_r2_1_failed_call_does_not_consume_a_step(run, disk):
    with pytest.raises(TypeError):
        run.log({"bad": object()})
    run.log({"a": 1})
    run.finish()
    assert disk.user_rows(run) == [{"_step": 0, "a": 1}]


def test_r2_2_numpy_integer_step_accepted(run, disk):
    run.log({"a": 1}, step=np.int64(3))
    run.finish()
    assert disk.steps(run) == [3]
    assert type(disk.steps(run)[0]) is int


@pytest.mark.parametrize("bad", [1.5, 2.0, "3", True])
def test_r2_2_non_integer_step_raises_type_error(run, disk, bad):
    with pytest.raises(TypeError, match="integer"):
        run.log({"a": 1}, step=bad)
    run.finish()
    assert disk.rows(run) == []


def test_r2_2_negative_step_is_dropped(run, disk):
    run.log({"a": 1})
    run.log({"b": 1}, step=-1)
    run.finish()
    assert disk.user_rows(run) == [{"_step": 0, "a": 1}]


def test_r2_3_dropped_call_with_commit_does_not_advance_step(run, disk):
    for i in range(5):
        run.log({"a": i})
    run.log({"b": 1}, step=2, commit=True)
    assert run.step == 5
    run.log({"c": 1})
    run.finish()
    assert disk.steps(run)[-1] == 5


def test_r2_3_run_step_tracks_explicit_steps(run):
    run.log({"a": 1}, step=10)
    assert run.step == 10
    run.log({"a": 2})
    assert run.step == 11


def test_r2_6_user_step_removed_timestamp_kept_runtime_overwritten(run, disk):
    run.log({"_step": 99, "_timestamp": 123.0, "_runtime": -5.0, "_custom": 1, "a": 1})
    run.finish()
    (row,) = disk.rows(run)
    assert row["_step"] == 0
    assert row["_timestamp"] == 123.0
    assert row["_runtime"] >= 0
    assert row["_custom"] == 1


def test_r2_6_automatic_keys_on_every_row(run, disk):
    run.log({"a": 1})
    run.log({"a": 2})
    run.finish()
    for r in disk.rows(run):
        assert type(r["_step"]) is int
        assert isinstance(r["_timestamp"], float) and abs(r["_timestamp"] - run.start_time) < 60
        assert 0 <= r["_runtime"] < 60


def test_r2_6_merged_row_gets_timestamp_of_last_call(run, disk):
    import time

    run.log({"a": 1}, commit=False)
    time.sleep(0.05)
    t = time.time()
    run.log({"b": 1})
    run.finish()
    (row,) = disk.rows(run)
    assert row["_timestamp"] >= t - 0.001


def test_r2_8_non_dict_data_raises_value_error(run):
    with pytest.raises(ValueError, match="must be passed a dictionary"):
        run.log([1, 2])


def test_r2_8_non_string_key_raises_value_error_naming_the_key(run, disk):
    with pytest.raises(ValueError, match="must be strings.*42"):
        run.log({42: 1.0})
    run.finish()
    assert disk.rows(run) == []


def test_r2_8_nested_dicts_stay_nested_and_slashes_and_dots_are_literal(run, disk):
    run.log({"nested": {"x": {"y": 1}}, "a/b/c": 2, "a.b": 3})
    run.finish()
    (row,) = disk.user_rows(run)
    assert row == {"_step": 0, "nested": {"x": {"y": 1}}, "a/b/c": 2, "a.b": 3}


def test_r2_12_log_after_finish_raises_usage_error(run):
    run.finish()
    with pytest.raises(UsageError, match=rf"Run \({run.id}\) is finished. The call to `log` will be ignored"):
        run.log({"a": 1})


def test_r2_12_module_log_after_finish_raises_error(run):
    run.finish()
    with pytest.raises(cairn.Error, match=r"You must call cairn.init\(\) before cairn.log\(\)"):
        cairn.log({"a": 1})


@pytest.mark.parametrize(
    "call",
    [
        lambda r: r.define_metric("a"),
        lambda r: r.alert("t", "x"),
        lambda r: r.mark_preempting(),
        lambda r: r.status(),
        lambda r: r.config.update({"a": 1}),
        lambda r: r.summary.__setitem__("a", 1),
        lambda r: setattr(r, "name", "n"),
        lambda r: setattr(r, "notes", "n"),
        lambda r: setattr(r, "tags", ["n"]),
    ],
)
def test_r2_12_mutations_after_finish_raise_usage_error(run, call):
    run.finish()
    with pytest.raises(UsageError):
        call(run)


def test_r2_12_second_finish_is_a_no_op(run, disk):
    run.finish()
    run.finish()
    assert disk.exit_code(run) == 0
