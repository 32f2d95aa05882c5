"""What the API returns equals what reached the run file: values of every kind, live runs."""

from __future__ import annotations

import time

import numpy as np
import pytest

import cairn as wandb
from cairn.api.history import flatten
from cairn.runlog import reader

QUIET = {"console": "off", "x_disable_stats": True, "silent": True}


def test_history_rows_equal_the_run_file_rows_for_every_value_kind(same, store):
    rows = [
        {"f": 1.5, "i": 3, "b": True, "s": "text", "nan": float("nan"), "inf": float("inf")},
        {"list": [1, 2, 3], "arr": np.ones((2, 3)), "hist": np.arange(100)},
        {"np": np.float32(0.25), "deep": {"a": {"b": {"c": 1}}, "z": "q"}},
        {"f": -float("inf"), "none": None},
    ]
    rid = store.log_run("fidelity", rows)
    on_disk = [flatten(r) for r in reader.iter_history(reader.run_file(store.root, rid))]
    got = store.api().run(rid).history(samples=10_000, pandas=False)
    assert len(got) == len(on_disk) == 4
    for a, b in zip(got, on_disk, strict=True):
        assert same(a, b), (a, b)
    assert list(store.api().run(rid).scan_history())[2]["deep.a.b.c"] == 1


def test_a_live_run_is_seen_while_it_logs(store):
    run = wandb.init(dir=store.base, project="live", settings=QUIET, reinit=True)
    try:
        for i in range(3):
            run.log({"x": i})
        api = store.api()
        deadline = time.monotonic() + 5
        rows = []
        while time.monotonic() < deadline and len(rows) < 3:
            time.sleep(0.05)  # the writer flushes every 50 ms; until then the run is unknown
            try:
                rows = api.run(run.id).history(pandas=False)
            except wandb.CommError:
                continue
        assert [r["x"] for r in rows] == [0, 1, 2]
        assert api.run(run.id).state == "running"
    finally:
        run.finish(quiet=True)
    assert store.api().run(run.id).state == "finished"


def test_cairn_api_is_the_wandb_shaped_entry_point(tmp_path):
    assert wandb.Api is wandb.apis.public.Api
    with pytest.raises(TypeError, match="overrides must be a dict"):
        wandb.Api("positional-overrides-must-be-a-dict", root=tmp_path)


def test_overrides_project_is_the_default_for_short_paths(store):
    rid = store.log_run("defaults", [])
    api = store.api(overrides={"project": "defaults"})
    assert [r.id for r in api.runs()] == [rid]
    assert api.run(rid).project == "defaults"


def test_a_remote_base_url_is_refused_clearly(tmp_path):
    with pytest.raises(wandb.CommError, match="local roots only"):
        wandb.Api(overrides={"base_url": "https://api.example.com"}, root=tmp_path)


def test_wandb_project_env_is_the_default_project(store, monkeypatch):
    rid = store.log_run("from-env", [])
    monkeypatch.setenv("WANDB_PROJECT", "from-env")
    assert [r.id for r in store.api().runs()] == [rid]
