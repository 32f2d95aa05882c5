"""define_metric (wandb-semantics R3.7–R3.13): validation, summary aggregates, globs,
step_sync, hidden, and merge versus overwrite; checked on the run file."""

from __future__ import annotations

import pytest

import cairn
from cairn.runlog import format as fmt


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"name": ""}, "name"),
        ({"name": "a*b"}, "glob suffixes only"),
        ({"name": "*a"}, "glob suffixes only"),
        ({"name": "a", "step_metric": 3}, "step_metric"),
        ({"name": "a", "step_sync": "yes"}, "step_sync"),
        ({"name": "a", "hidden": 1}, "hidden"),
        ({"name": "a", "summary": "median"}, "median"),
        ({"name": "a", "summary": 3}, "summary"),
        ({"name": "a", "goal": "up"}, "goal"),
        ({"name": "a", "overwrite": "x"}, "overwrite"),
    ],
)
def test_r3_7_validation_errors_name_the_argument(run, kwargs, words):
    with pytest.raises(cairn.Error, match=words):
        run.define_metric(**kwargs)


def test_r3_7_step_metric_may_be_a_metric_object_and_case_is_ignored(run):
    epoch = run.define_metric("epoch")
    m = run.define_metric("acc", step_metric=epoch, summary="MAX,Mean", goal="Maximize")
    assert m.step_metric == "epoch" and m.summary == ("max", "mean") and m.goal == "maximize"
    assert m.step_sync is True


def summary_of(run, disk, key, values, **kw):
    run.define_metric(key, **kw)
    for v in values:
        run.log({key: v})
    run.finish()
    return disk.final_summary(run).get(key, "ABSENT")


def test_r3_8_min(run, disk):
    assert summary_of(run, disk, "loss", [3, 1, 2], summary="min") == {"min": 1}


def test_r3_8_max_and_mean_combine(run, disk):
    out = summary_of(run, disk, "acc", [0.5, 0.9, 0.7], summary="max,mean")
    assert out["max"] == 0.9 and out["mean"] == pytest.approx(0.7) and set(out) == {"max", "mean"}


def test_r3_8_last_and_first(run, disk):
    assert summary_of(run, disk, "a", [3, 1, 2], summary="last,first") == {"last": 2, "first": 3}


def test_r3_8_best_with_goal_maximize(run, disk):
    assert summary_of(run, disk, "a", [3, 7, 2], summary="best", goal="maximize") == {"best": 7}


def test_r3_8_best_defaults_to_minimize(run, disk):
    assert summary_of(run, disk, "a", [3, 7, 2], summary="best") == {"best": 2}


def test_r3_8_none_keeps_key_out_of_summary(run, disk):
    assert summary_of(run, disk, "a", [1, 2], summary="none") == "ABSENT"


def test_r3_8_copy_is_the_plain_latest_value(run, disk):
    assert summary_of(run, disk, "a", [1, 2], summary="copy") == 2


def test_r3_8_non_numeric_and_nan_values_do_not_update_aggregates(run, disk):
    assert summary_of(run, disk, "loss", [1, "str", float("nan")], summary="min,mean") == {"min": 1, "mean": 1.0}


def test_r3_8_history_is_unaffected_by_summary_options(run, disk):
    run.define_metric("loss", summary="min")
    run.log({"loss": 3})
    run.log({"loss": 1})
    run.finish()
    assert [r["loss"] for r in disk.rows(run)] == [3, 1]


def test_r3_9_glob_expands_to_concrete_definitions_per_new_key(run, disk):
    run.define_metric("train/*", summary="max")
    run.log({"train/acc": 1, "train/loss": 2, "val/acc": 3})
    run.log({"train/acc": 5})
    run.finish()
    final = disk.final_summary(run)
    assert final["train/acc"] == {"max": 5} and final["train/loss"] == {"max": 2} and final["val/acc"] == 3
    expanded = [r.data["name"] for r in disk.records(run, fmt.METRIC) if r.data.get("expanded_from_glob")]
    assert sorted(expanded) == ["train/acc", "train/loss"]


def test_r3_9_glob_never_matches_underscore_keys(run, disk):
    run.define_metric("*", summary="max")
    run.log({"_custom": 3, "a": 1})
    run.log({"_custom": 1, "a": 0})
    run.finish()
    final = disk.final_summary(run)
    assert final["_custom"] == 1 and final["a"] == {"max": 1} and final["_step"] == 1


def test_r3_9_exact_definition_beats_glob(run, disk):
    run.define_metric("train/*", summary="max")
    run.define_metric("train/loss", summary="min")
    run.log({"train/loss": 2})
    run.log({"train/loss": 1})
    run.finish()
    assert disk.final_summary(run)["train/loss"] == {"min": 1}


def test_r3_10_step_sync_inserts_last_step_metric_value(run, disk):
    run.define_metric("x", step_metric="epoch")
    run.log({"epoch": 7})
    run.log({"x": 1})
    run.finish()
    assert disk.user_rows(run)[1] == {"_step": 1, "x": 1, "epoch": 7}


def test_r3_10_step_sync_inserts_zero_when_step_metric_never_logged(run, disk):
    run.define_metric("x", step_metric="epoch")
    run.log({"x": 1})
    run.finish()
    assert disk.user_rows(run) == [{"_step": 0, "x": 1, "epoch": 0}]


def test_r3_10_step_sync_false_inserts_nothing(run, disk):
    run.define_metric("x", step_metric="epoch", step_sync=False)
    run.log({"epoch": 3})
    run.log({"x": 1})
    run.finish()
    assert disk.user_rows(run)[1] == {"_step": 1, "x": 1}


def test_r3_10_step_sync_applies_to_glob_matches(run, disk):
    run.define_metric("val/*", step_metric="epoch")
    run.log({"epoch": 2})
    run.log({"val/acc": 0.5})
    run.finish()
    assert disk.user_rows(run)[1] == {"_step": 1, "val/acc": 0.5, "epoch": 2}


def test_r3_11_hidden_is_recorded_and_does_not_change_history_or_summary(run, disk):
    run.define_metric("h", hidden=True)
    run.log({"h": 1})
    run.finish()
    assert disk.one(run, fmt.METRIC)["hidden"] is True
    assert disk.user_rows(run) == [{"_step": 0, "h": 1}]
    assert disk.final_summary(run)["h"] == 1


def test_r3_12_repeated_definitions_merge_summary_ops(run, disk):
    run.define_metric("a", summary="min")
    m = run.define_metric("a", summary="max")
    assert set(m.summary) == {"min", "max"}
    run.log({"a": 1})
    run.log({"a": 5})
    run.finish()
    assert disk.final_summary(run)["a"] == {"min": 1, "max": 5}


def test_r3_12_merge_keeps_unspecified_fields(run):
    run.define_metric("a", step_metric="epoch", summary="min")
    m = run.define_metric("a", hidden=True)
    assert m.step_metric == "epoch" and m.summary == ("min",) and m.hidden is True


def test_r3_12_overwrite_replaces_the_definition(run, disk):
    run.define_metric("a", summary="min", step_metric="epoch")
    m = run.define_metric("a", summary="max", overwrite=True)
    assert m.summary == ("max",) and m.step_metric is None
    run.log({"a": 1})
    run.log({"a": 5})
    run.finish()
    assert disk.final_summary(run)["a"] == {"max": 5}


def test_r3_13_metric_record_reaches_disk(run, disk):
    run.define_metric("loss", step_metric="epoch", summary="min", goal="minimize")
    run.finish()
    d = disk.one(run, fmt.METRIC)
    assert d["name"] == "loss" and d["step_metric"] == "epoch" and d["summary"] == ["min"]
    assert d["goal"] == "minimize" and d["step_sync"] is True
