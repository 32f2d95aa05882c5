"""Index.history_sample: the same rows as sampling every row, at a cost that follows the
number of samples rather than the run's length."""

from __future__ import annotations

import os

import pytest

from cairn.api.history import sample as naive_sample
from cairn.runlog import format as fmt
from cairn.runlog.writer import RunWriter

from .conftest import write_run


def _naive(index, rid, samples, keys=None, x_axis="_step"):
    pushed = None if keys is None else list(dict.fromkeys([x_axis, *keys]))
    return naive_sample(list(index.history_rows(rid, keys=pushed)), samples)


def _rows(n: int) -> list[dict]:
    out = []
    for i in range(n):
        row: dict = {"loss": 1.0 / (i + 1), "i": i}
        if i % 3 == 0:
            row["acc"] = (i % 7) * 0.1
        if i % 5 == 0:
            row["nested"] = {"x": i, "y": None if i % 2 else 2.5}
        if i == 7:
            row["n"] = float("nan")
        out.append(row)
    return out


def _sparse_run(root: str, rid: str, steps: list[int]) -> None:
    d = os.path.join(root, "runs", rid)
    os.makedirs(d, exist_ok=True)
    w = RunWriter(os.path.join(d, "run.cairn"))
    w.put(fmt.RUN, {"id": rid, "project": "p", "start_time": 1.7e9, "runtime_offset": 0.0,
                    "host": "h", "pid": 1, "config": {}})
    for s in steps:
        w.put_row(s, 1.7e9 + s, {"v": s * 0.5, **({"odd": s} if s % 2 else {})})
    w.put(fmt.EXIT, {"exit_code": 0, "runtime": 1.0, "time": 1.7e9 + 1})
    w.close()


@pytest.mark.parametrize("samples", [1, 2, 7, 50, 500])
@pytest.mark.parametrize(
    "keys,x_axis",
    [(None, "_step"), (["loss"], "_step"), (["acc"], "_runtime"), (["acc", "nested.x"], "_step"),
     (["nested.y"], "_timestamp"), (["acc", "i"], "i"), (["missing"], "_step"),
     (["_step", "loss"], "_step"), (["nested"], "_step")],
)
def test_sample_equals_naive_sampling(same, root, index, samples, keys, x_axis):
    write_run(root, "r", _rows(211))
    index.ingest()
    got = index.history_sample("r", samples, keys, x_axis)
    want = _naive(index, "r", samples, keys, x_axis)
    assert len(got) == len(want)
    assert all(same(a, b) and list(a) == list(b) for a, b in zip(got, want, strict=True))


def test_sample_with_sparse_steps_and_strings(root, index):
    _sparse_run(root, "s", [0, 1, 5, 6, 7, 20, 21, 40, 41, 43, 99])
    write_run(root, "t", [{"s": f"x{i}", "v": i} if i % 2 else {"v": i} for i in range(60)])
    index.ingest()
    for rid, keys in (("s", None), ("s", ["odd"]), ("s", ["v"]), ("t", ["s"]), ("t", None)):
        for n in (1, 3, 5, 100):
            cost: dict = {}
            got = index.history_sample(rid, n, keys, cost=cost)
            assert got == _naive(index, rid, n, keys), (rid, keys, n)
    cost = {}
    index.history_sample("t", 5, ["s"], cost=cost)
    assert cost["fallback"] == 1  # strings are not in numeric chunks: rows are decoded


def test_sample_of_an_empty_run(root, index):
    write_run(root, "e", [])
    index.ingest()
    assert index.history_sample("e", 10) == []
    assert index.history_sample("e", 10, ["x"]) == []


def test_sample_cost_does_not_grow_with_run_length(root, index):
    for rid, n in (("short", 2_000), ("long", 40_000)):
        write_run(root, rid, [{"a": i * 1.0, "b": i} for i in range(n)])
    index.ingest()
    costs = {}
    for rid in ("short", "long"):
        for keys in (None, ["a"], ["a", "b"]):
            cost: dict = {}
            got = index.history_sample(rid, 100, keys, cost=cost)
            assert len(got) == 100 and got[0]["_step"] == 0
            assert got[-1]["_step"] == (2_000 if rid == "short" else 40_000) - 1
            assert cost["fallback"] == 0
            costs[rid, tuple(keys or ())] = cost["rows_decoded"]
    for keys in ((), ("a",), ("a", "b")):
        assert costs["short", keys] == costs["long", keys] == 100
