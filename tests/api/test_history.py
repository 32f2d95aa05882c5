"""``Run.history()`` and ``Run.scan_history()`` return what was logged (R9.4, R9.5, R2.10)."""

from __future__ import annotations

import math
import sys

import pytest

CLOCK = ("_runtime", "_timestamp")


def _user(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in CLOCK} for r in rows]


@pytest.fixture(scope="module")
def runs(store):
    """``mixed``: rows with different key sets and a nested dict; ``long``: 100 rows;
    ``stepped``: explicit, gapped steps."""
    mixed = [{"loss": 1.0, "acc": 0.1}, {"loss": 0.8}, {"acc": 0.3, "nested": {"x": {"y": 2}}},
             {"loss": 0.5, "acc": 0.4, "name": "str"}]
    long = [{"v": float(i), "sq": i * i} for i in range(100)]
    stepped = [{"_step": 0, "a": 1}, {"_step": 5, "a": 2, "b": 1}, {"_step": 9, "b": 2}]
    return {
        "mixed": store.log_run("hist", mixed),
        "long": store.log_run("hist", long),
        "stepped": store.log_run("hist", stepped),
    }


def test_history_rows_equal_the_logged_rows_in_order(store, runs):
    rows = store.api().run(runs["mixed"]).history(pandas=False)
    assert _user(rows) == [
        {"_step": 0, "loss": 1.0, "acc": 0.1},
        {"_step": 1, "loss": 0.8},
        {"_step": 2, "acc": 0.3, "nested.x.y": 2},
        {"_step": 3, "loss": 0.5, "acc": 0.4, "name": "str"},
    ]
    assert all(isinstance(r["_runtime"], float) and r["_timestamp"] > 1e9 for r in rows)


def test_history_nested_dicts_become_dotted_columns(store, runs):
    df = store.api().run(runs["mixed"]).history()
    assert "nested.x.y" in df.columns and "nested" not in df.columns


def test_history_dataframe_has_nan_for_missing_keys(store, runs):
    df = store.api().run(runs["mixed"]).history()
    assert list(df["_step"]) == [0, 1, 2, 3]
    assert math.isnan(df["acc"][1]) and df["loss"][3] == 0.5


def test_history_with_keys_keeps_rows_having_all_keys_projected(store, runs):
    rows = store.api().run(runs["mixed"]).history(keys=["loss", "acc"], pandas=False)
    assert rows == [{"_step": 0, "loss": 1.0, "acc": 0.1}, {"_step": 3, "loss": 0.5, "acc": 0.4}]


def test_history_with_keys_can_use_another_x_axis(store, runs):
    rows = store.api().run(runs["long"]).history(keys=["sq"], x_axis="v", pandas=False)
    assert rows[3] == {"v": 3.0, "sq": 9}


def test_history_samples_evenly_and_keeps_the_last_row(store, runs):
    rows = store.api().run(runs["long"]).history(samples=10, pandas=False)
    steps = [r["_step"] for r in rows]
    assert len(steps) == 10 and steps[0] == 0 and steps[-1] == 99
    gaps = {b - a for a, b in zip(steps, steps[1:], strict=False)}
    assert gaps <= {11, 12}


def test_history_returns_every_row_when_samples_exceeds_rows(store, runs):
    assert len(store.api().run(runs["long"]).history(samples=500, pandas=False)) == 100


def test_history_keeps_explicit_steps(store, runs):
    rows = store.api().run(runs["stepped"]).history(pandas=False)
    assert _user(rows) == [{"_step": 0, "a": 1}, {"_step": 5, "a": 2, "b": 1}, {"_step": 9, "b": 2}]


def test_history_keys_must_be_a_list_of_str(store, runs):
    with pytest.raises(ValueError, match="list of str"):
        store.api().run(runs["mixed"]).history(keys="loss")


def test_history_unknown_stream_is_an_error(store, runs):
    with pytest.raises(ValueError, match="stream"):
        store.api().run(runs["mixed"]).history(stream="gpu")


def test_history_system_stream_of_a_run_without_samples_is_empty(store, runs):
    assert store.api().run(runs["mixed"]).history(stream="system", pandas=False) == []


def test_history_system_stream_returns_system_rows(store):
    import time

    import cairn as wandb

    run = wandb.init(dir=store.base, project="sys", reinit=True, settings={
        "console": "off", "silent": True, "x_stats_sampling_interval": 0.05})
    time.sleep(0.4)
    run.finish(quiet=True)
    api_run = store.api().run(run.id)
    rows = api_run.history(stream="system", pandas=False)
    assert rows and all("system.cpu" in r and r["_timestamp"] > 1e9 for r in rows)
    assert "system.memory" in api_run.system_metrics
    assert api_run.history(stream="system", keys=["system.cpu"], pandas=False)[0].keys() >= {
        "system.cpu", "_timestamp"}


def test_history_without_pandas_says_how_to_fix_it(store, runs, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if pandas were not installed
    run = store.api().run(runs["mixed"])
    with pytest.raises(ImportError, match="pandas=False"):
        run.history()
    assert len(run.history(pandas=False)) == 4


def test_scan_history_yields_every_row_unsampled(store, runs):
    rows = list(store.api().run(runs["long"]).scan_history(page_size=7))
    assert [r["_step"] for r in rows] == list(range(100))
    assert rows[42]["sq"] == 42 * 42


def test_scan_history_step_range_is_half_open(store, runs):
    rows = list(store.api().run(runs["long"]).scan_history(min_step=10, max_step=13))
    assert [r["_step"] for r in rows] == [10, 11, 12]


def test_scan_history_max_step_is_clamped_to_the_last_step(store, runs):
    rows = list(store.api().run(runs["stepped"]).scan_history(min_step=5, max_step=10**9))
    assert [r["_step"] for r in rows] == [5, 9]


def test_scan_history_with_keys_keeps_rows_having_all_keys_projected(store, runs):
    rows = list(store.api().run(runs["stepped"]).scan_history(keys=["a", "b"]))
    assert rows == [{"a": 2, "b": 1}]


def test_scan_history_of_a_run_without_rows_is_empty(store):
    rid = store.log_run("hist-empty", [])
    assert list(store.api().run(rid).scan_history()) == []
    assert store.api().run(rid).history(pandas=False) == []


def test_scan_history_page_size_must_be_positive(store, runs):
    with pytest.raises(ValueError, match="page_size"):
        store.api().run(runs["long"]).scan_history(page_size=0)


def test_runs_histories_tags_rows_with_their_run(store, runs):
    rows = store.api().runs("hist").histories(keys=["a"], format="default")
    assert rows == [{"_step": 0, "a": 1, "run_id": runs["stepped"]},
                    {"_step": 5, "a": 2, "run_id": runs["stepped"]}]
    df = store.api().runs("hist").histories(samples=5, keys=["v"], format="pandas")
    assert set(df["run_id"]) == {runs["long"]} and len(df) == 5


@pytest.mark.parametrize("name", ["mixed", "long", "stepped"])
@pytest.mark.parametrize("keys", [None, ["acc"], ["a"], ["b"], ["v", "sq"], ["nested.x.y"]])
@pytest.mark.parametrize("samples", [1, 2, 3, 7, 500])
def test_history_samples_the_same_rows_as_sampling_every_row(store, runs, name, keys, samples):
    from cairn.api.history import sample

    run = store.api().run(runs[name])
    every = list(run.scan_history(keys=keys))  # every qualifying row, projected to keys
    want = sample(every, samples)
    got = run.history(samples=samples, keys=keys, pandas=False)
    if keys is not None:
        got = [{k: r[k] for k in keys} for r in got]
    assert got == want
