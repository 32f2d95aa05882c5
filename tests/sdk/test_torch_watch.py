"""run.watch / unwatch (wandb-semantics R8.13): histogram cadence, names and prefixes,
validation; read back from the run file. Skipped where torch is not installed."""

from __future__ import annotations

import pytest

import cairn

torch = pytest.importorskip("torch")


def train(run, model, steps):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        x = torch.randn(4, 3)
        loss = model(x).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        run.log({"loss": loss.item()})


def test_r8_13_all_with_log_freq_2_logs_on_rows_1_and_3(run, disk):
    model = torch.nn.Sequential(torch.nn.Linear(3, 2))
    run.watch(model, log="all", log_freq=2, idx=0)
    train(run, model, 5)
    run.finish()
    rows = disk.rows(run)
    with_hist = [r["_step"] for r in rows if any(k.startswith(("gradients/", "parameters/")) for k in r)]
    assert with_hist == [1, 3]
    r1 = rows[1]
    assert {"gradients/0.weight", "gradients/0.bias", "parameters/0.weight", "parameters/0.bias"} <= set(r1)
    h = r1["gradients/0.weight"]
    assert h["_type"] == "histogram" and len(h["values"]) == 64 and len(h["bins"]) == 65
    assert sum(h["values"]) == 6  # a 2x3 weight


def test_r8_13_default_logs_gradients_only(run, disk):
    model = torch.nn.Linear(3, 2)
    run.watch(model, log_freq=1, idx=0)
    train(run, model, 2)
    run.finish()
    keys = set(disk.rows(run)[0])
    assert "gradients/weight" in keys and not any(k.startswith("parameters/") for k in keys)


def test_r8_13_later_models_get_a_graph_prefix(run, disk):
    a, b = torch.nn.Linear(3, 2), torch.nn.Sequential(torch.nn.Linear(3, 2))
    run.watch(a, log="parameters", log_freq=1, idx=0)
    run.watch(b, log="parameters", log_freq=1, idx=1)
    x = torch.randn(1, 3)
    a(x)
    b(x)
    run.log({"loss": 1.0})
    run.finish()
    keys = set(disk.rows(run)[0])
    assert {"parameters/weight", "parameters/graph_10.weight"} <= keys


def test_r8_13_unwatch_removes_the_hooks(run, disk):
    model = torch.nn.Linear(3, 2)
    run.watch(model, log="all", log_freq=1, idx=0)
    run.unwatch(model)
    train(run, model, 2)
    run.finish()
    assert all(set(r) == {"_step", "_runtime", "_timestamp", "loss"} for r in disk.rows(run))


def test_r8_13_validation(run):
    with pytest.raises(ValueError, match="torch.nn.Module"):
        run.watch(object())
    with pytest.raises(ValueError, match="log must be"):
        run.watch(torch.nn.Linear(1, 1), log="weights")
    assert run.watch(torch.nn.Linear(1, 1)) is None


def test_r8_13_module_level_watch_defaults_to_log_freq_1000(run, disk):
    model = torch.nn.Linear(3, 2)
    cairn.watch(model, log="parameters", idx=0)
    train(run, model, 3)
    run.finish()
    assert not any(k.startswith("parameters/") for r in disk.rows(run) for k in r)


def test_r8_13_log_graph_records_the_module_tree(run, disk):
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU())
    run.watch(model, log=None, log_graph=True, idx=0)
    run.finish()
    g = disk.final_summary(run)["graph_0"]
    assert g["_type"] == "graph" and [n["class"] for n in g["nodes"]] == ["Sequential", "Linear", "ReLU"]
