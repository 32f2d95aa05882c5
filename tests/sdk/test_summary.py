"""run.summary (wandb-semantics R3.1–R3.6): defaults, None removal, explicit writes, the
Summary object's surface, and the final summary record written at finish."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from cairn.runlog import format as fmt


def test_r3_1_summary_is_latest_value_with_automatic_keys(run, disk):
    run.log({"a": 1})
    run.log({"a": 2, "b": {"c": 3}})
    assert run.summary["a"] == 2 and run.summary["_step"] == 1
    run.finish()
    final = disk.final_summary(run)
    assert final["a"] == 2 and final["b"] == {"c": 3} and final["_step"] == 1
    assert {"_runtime", "_timestamp"} <= set(final)
    assert isinstance(final["_wandb"]["runtime"], int)


def test_r3_1_nested_keys_merge_per_path(run, disk):
    run.log({"b": {"c": 1, "d": 2}})
    run.log({"b": {"c": 5}})
    run.finish()
    assert disk.final_summary(run)["b"] == {"c": 5, "d": 2}


def test_r3_2_uncommitted_values_reach_summary_only_when_flushed(run, disk):
    run.log({"a": 1}, commit=False)
    assert run.summary.get("a") is None
    run.log({})
    assert run.summary["a"] == 1


def test_r3_3_logging_none_removes_key(run, disk):
    run.log({"a": 1, "b": 2})
    run.log({"a": None})
    assert "a" not in run.summary.keys()
    run.finish()
    final = disk.final_summary(run)
    assert "a" not in final and final["b"] == 2


def test_r3_3_nan_is_kept_in_summary(run, disk):
    run.log({"a": float("nan")})
    run.finish()
    v = disk.final_summary(run)["a"]
    assert v != v


def test_r3_4_explicit_writes_item_attribute_update(run, disk):
    run.summary["x"] = 1
    run.summary.y = 2
    run.summary.update({"z": 3})
    run.finish()
    final = disk.final_summary(run)
    assert (final["x"], final["y"], final["z"]) == (1, 2, 3)
    nested = [r.data for r in disk.records(run, fmt.SUMMARY) if "nested" in r.data]
    assert [["x"], 1] in [n for d in nested for n in d["nested"]]


def test_r3_4_explicit_value_stays_until_key_logged_again(run, disk):
    run.log({"a": 1})
    run.summary["a"] = 10
    run.log({"b": 1})
    assert run.summary["a"] == 10
    run.log({"a": 3})
    run.finish()
    assert disk.final_summary(run)["a"] == 3


def test_r3_4_explicit_write_resets_aggregation(run, disk):
    run.define_metric("loss", summary="min")
    run.log({"loss": 1})
    run.summary.loss = -5
    run.log({"loss": 100})
    run.finish()
    assert disk.final_summary(run)["loss"] == 100


def test_r3_4_large_array_in_summary_is_a_statistics_dict(run, disk):
    run.summary["arr"] = np.arange(100, dtype=float)
    run.summary["small"] = np.arange(3)
    run.finish()
    final = disk.final_summary(run)
    assert final["arr"]["_type"] == "numpy.ndarray" and final["arr"]["size"] == 100
    assert set(final["arr"]) == {"_type", "var", "mean", "min", "max", "10%", "25%", "75%", "90%", "size"}
    assert final["small"] == [0, 1, 2]


def test_r3_4_delete_by_item_and_attribute(run, disk):
    run.summary.update({"a": 1, "b": 2, "c": 3})
    del run.summary["a"]
    del run.summary.b
    with pytest.raises(KeyError):
        del run.summary["missing"]
    run.finish()
    final = disk.final_summary(run)
    assert "a" not in final and "b" not in final and final["c"] == 3


def test_r3_4_nested_wrappers_get_and_set(run, disk):
    run.log({"nested": {"a": {"b": 1}}})
    assert run.summary["nested"]["a"]["b"] == 1
    assert run.summary.nested.a.b == 1
    run.summary.nested.a.b = 5
    run.summary["nested"]["c"] = 7
    run.finish()
    assert disk.final_summary(run)["nested"] == {"a": {"b": 5}, "c": 7}


def test_r3_5_summary_has_no_items_len_or_in(run):
    run.log({"a": 1})
    with pytest.raises(KeyError):
        run.summary.items()
    with pytest.raises(TypeError):
        len(run.summary)
    with pytest.raises(KeyError):
        "a" in run.summary  # noqa: B015
    assert set(run.summary.keys()) == {"a", "_step", "_runtime", "_timestamp"}
    assert dict(run.summary)["a"] == 1
    assert run.summary.get("missing", 42) == 42


def test_r3_6_reading_summary_after_finish_gives_empty(run):
    run.log({"a": 1})
    run.finish()
    assert run.summary.keys() == []
    assert run.summary.get("a") is None


def test_r5_1_wandb_summary_json_holds_final_summary(run):
    run.log({"a": 1, "inf": float("inf")})
    run.finish()
    with open(os.path.join(run.dir, "wandb-summary.json")) as f:
        data = json.load(f)
    assert data["a"] == 1 and data["_step"] == 0 and "runtime" in data["_wandb"]


def test_r3_4_a_later_nested_write_does_not_change_the_earlier_record(run, disk):
    run.summary["n"] = {"a": 1}
    run.summary.n.a = 5  # immediately, before the writer has packed the first record
    run.finish()
    nested = [n for r in disk.records(run, fmt.SUMMARY) if "nested" in r.data for n in r.data["nested"]]
    assert nested == [[["n"], {"a": 1}], [["n", "a"], 5]]
    assert disk.final_summary(run)["n"] == {"a": 5}
