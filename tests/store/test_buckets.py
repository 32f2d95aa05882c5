"""Bucketed views: exact min/max/last/count against numpy on the raw points, the last point
always present, and a cost that follows buckets and chunks, not steps."""

from __future__ import annotations

import os

import numpy as np
import pytest

from cairn.runlog import format as fmt
from cairn.runlog.writer import RunWriter
from cairn.store import chunks as ck


def _write(root: str, run_id: str, n: int, seed: int = 0, nan_at: int | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vals = rng.normal(size=n).cumsum()
    if nan_at is not None:
        vals[nan_at] = np.nan
    d = os.path.join(root, "runs", run_id)
    os.makedirs(d)
    w = RunWriter(os.path.join(d, "run.cairn"), max_pending=1 << 30)
    w.put(fmt.RUN, {"id": run_id, "project": "p", "start_time": 1000.0, "host": "elsewhere", "pid": 1})
    vl = vals.tolist()
    for i in range(n):
        w.put_row(i, 1000.0 + i * 0.5, {"v": vl[i], "epoch": i // 10})
    w.close()
    return vals


def _check(res: dict, x: np.ndarray, v: np.ndarray) -> None:
    """Bucket i holds exactly the points with x[i-1] < x <= x[i]."""
    prev = -np.inf
    assert res["x"], "no buckets"
    for bx, mn, mx, last, cnt in zip(res["x"], res["min"], res["max"], res["last"], res["count"], strict=True):
        m = (x > prev) & (x <= bx)
        assert cnt == m.sum()
        assert mn == pytest.approx(np.nanmin(v[m])) and mx == pytest.approx(np.nanmax(v[m]))
        assert last == v[m][-1] or (np.isnan(last) and np.isnan(v[m][-1]))
        prev = bx


@pytest.mark.parametrize("buckets", [1, 7, 100, 1000])
def test_buckets_match_numpy_on_the_raw_points(root, index, buckets):
    v = _write(root, "r", 50_000, nan_at=1234)
    index.ingest()
    res = index.history_buckets(["r"], ["v"], buckets=buckets)["r"]["v"]
    assert len(res["x"]) <= buckets
    assert sum(res["count"]) == 50_000
    _check(res, np.arange(50_000), v)
    assert res["x"][-1] == 49_999 and res["last"][-1] == v[-1]


def test_zoomed_range_is_exact_and_includes_its_last_point(root, index):
    v = _write(root, "r", 40_000)
    index.ingest()
    cost: dict = {}
    res = index.history_buckets(["r"], ["v"], buckets=50, x_min=10_001, x_max=20_500, cost=cost)["r"]["v"]
    steps = np.arange(40_000)
    m = (steps >= 10_001) & (steps <= 20_500)
    _check(res, steps[m], v[m])
    assert res["x"][-1] == 20_500 and sum(res["count"]) == m.sum()
    assert cost["raw_chunks"] <= 2  # only the chunks cut by the range edges are decoded


def test_time_axis_buckets_match_numpy(root, index):
    v = _write(root, "r", 20_000)
    index.ingest()
    res = index.history_buckets(["r"], ["v"], buckets=30, x_axis="_runtime")["r"]["v"]
    _check(res, np.arange(20_000) * 0.5, v)


def test_step_metric_axis_buckets_match_numpy(root, index):
    v = _write(root, "r", 5_000)
    index.ingest()
    res = index.history_buckets(["r"], ["v"], buckets=20, x_axis="epoch")["r"]["v"]
    _check(res, (np.arange(5_000) // 10).astype(float), v)


def test_bucket_cost_does_not_grow_with_steps(root, index):
    _write(root, "small", 2 * ck.CHUNK_POINTS, seed=1)
    _write(root, "big", 8 * ck.CHUNK_POINTS, seed=2)
    index.ingest()
    costs = {}
    for rid in ("small", "big"):
        cost: dict = {}
        res = index.history_buckets([rid], ["v"], buckets=16, cost=cost)[rid]["v"]
        assert len(res["x"]) == 16
        costs[rid] = cost
    # No point of either run is decoded: buckets come from block/chunk statistics.
    assert costs["small"]["points"] == 0 and costs["big"]["points"] == 0
    assert costs["small"]["raw_chunks"] == 0 and costs["big"]["raw_chunks"] == 0
    # With fewer chunks than buckets the view reads one statistics row per chunk and nothing more.
    assert costs["small"]["chunks"] == 2 and costs["big"]["chunks"] == 8


def test_few_points_use_the_raw_values(root, index):
    v = _write(root, "r", 300)
    index.ingest()
    res = index.history_buckets(["r"], ["v"], buckets=1000)["r"]["v"]
    assert res["x"] == list(range(300)) and res["last"] == v.tolist()


def test_unknown_key_gives_empty_buckets(root, index):
    _write(root, "r", 10)
    index.ingest()
    assert index.history_buckets(["r"], ["nope"], buckets=5)["r"]["nope"]["x"] == []


def test_series_over_another_key_keeps_only_steps_holding_both(root, index):
    from .conftest import write_run

    write_run(root, "r", [{"v": i, "e": i // 2} if i % 2 else {"v": i} for i in range(10)])
    index.ingest()
    assert index.series("r", "v", x_axis="e") == ([0.0, 1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 5.0, 7.0, 9.0])


def test_define_metric_step_metric_axis_uses_statistics(root, index):
    rng = np.random.default_rng(3)
    n = 6 * ck.CHUNK_POINTS
    v = rng.normal(size=n)
    d = os.path.join(root, "runs", "r")
    os.makedirs(d)
    w = RunWriter(os.path.join(d, "run.cairn"), max_pending=1 << 30)
    w.put(fmt.RUN, {"id": "r", "project": "p", "start_time": 0.0, "host": "elsewhere", "pid": 1})
    w.put(fmt.METRIC, {"name": "v", "step_metric": "sx", "step_sync": True})
    vl = v.tolist()
    for i in range(n):
        w.put_row(i, float(i), {"v": vl[i], "sx": 3 * i + 1})
    w.close()
    index.ingest()
    cost: dict = {}
    res = index.history_buckets(["r"], ["v"], buckets=40, x_axis="sx", cost=cost)["r"]["v"]
    _check(res, 3 * np.arange(n) + 1.0, v)
    assert res["x"][-1] == 3 * (n - 1) + 1 and cost["points"] == 0
    cost = {}
    res = index.history_buckets(["r"], ["v"], buckets=10, x_axis="sx", x_min=1000, x_max=20000,
                                cost=cost)["r"]["v"]
    x = 3 * np.arange(n) + 1.0
    m = (x >= 1000) & (x <= 20000)
    _check(res, x[m], v[m])
    assert cost["raw_chunks"] <= 2


def test_many_small_ingest_passes_keep_few_chunks_and_exact_views(root, index):
    from sqlalchemy import func, select

    from cairn.ingest.sink import MAX_TAIL
    from cairn.store import schema as S

    d = os.path.join(root, "runs", "live")
    os.makedirs(d)
    w = RunWriter(os.path.join(d, "run.cairn"))
    w.put(fmt.RUN, {"id": "live", "project": "p", "start_time": 0.0, "host": "elsewhere", "pid": 1})
    n, per_pass = 12_000, 300
    v = np.random.default_rng(5).normal(size=n)
    for a in range(0, n, per_pass):
        for i in range(a, a + per_pass):
            w.put_row(i, float(i), {"v": float(v[i])})
        w.flush()
        index.ingest()
    w.close()
    index.ingest()
    C = S.history_chunks.c
    with index.engine.connect() as conn:
        chunks = conn.execute(select(func.count()).where(C.run_id == "live", C.key == "v")).scalar()
    assert chunks <= n // ck.CHUNK_POINTS + MAX_TAIL
    x, y = index.series_arrays("live", "v")
    assert x.tolist() == list(range(n)) and np.array_equal(y, v)
    _check(index.history_buckets(["live"], ["v"], buckets=33)["live"]["v"], np.arange(n), v)
