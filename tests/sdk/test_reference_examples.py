"""The reference's code examples (run-api.md), verbatim but for ``import cairn as wandb``,
with what they wrote read back from disk. Media examples are tested with the data types."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    monkeypatch.setenv("CAIRN_CONSOLE", "off")


def test_run_object_basic(disk):
    import cairn as wandb

    run = wandb.init()

    run.finish()
    assert disk.exit_code(run) == 0


def test_global_run_object():
    import cairn as wandb

    assert wandb.run is None

    wandb.init()

    assert wandb.run is not None


def test_run_context_manager():
    import cairn as wandb

    wandb.init()
    wandb.finish()

    assert wandb.run is None

    with wandb.init() as run:
        pass  # log data here

    assert wandb.run is None
    assert run is not None


def test_init_and_log_basic(disk):
    import cairn as wandb

    run = wandb.init()
    run.log({"accuracy": 0.9, "epoch": 5})

    run.finish()
    assert disk.user_rows(run) == [{"_step": 0, "accuracy": 0.9, "epoch": 5}]


def test_init_and_log_incremental(disk):
    import cairn as wandb

    run = wandb.init()
    run.log({"loss": 0.2}, commit=False)
    # Somewhere else when I'm ready to report this step:
    run.log({"accuracy": 0.8})

    run.finish()
    assert disk.user_rows(run) == [{"_step": 0, "loss": 0.2, "accuracy": 0.8}]


def test_sections_example(disk):
    import cairn as wandb

    run = wandb.init()
    run.log({
        "train/accuracy": 0.9,
        "train/loss": 30,
        "validate/accuracy": 0.8,
        "validate/loss": 20,
    })
    run.log({"a/b/c": 1})
    run.log({"epoch": 40, "train-loss": 0.5})
    run.finish()
    assert [r["_step"] for r in disk.rows(run)] == [0, 1, 2]


def _normal_usage(run, current_step):
    # Normal usage:
    run.log({"train-loss": 0.5, "accuracy": 0.8})
    run.log({"train-loss": 0.4, "accuracy": 0.9})


def _implicit_step(run, current_step):
    # Implicit step without auto-incrementing:
    run.log({"train-loss": 0.5}, commit=False)
    run.log({"accuracy": 0.8})
    run.log({"train-loss": 0.4}, commit=False)
    run.log({"accuracy": 0.9})


def _explicit_step(run, current_step):
    # Explicit step:
    run.log({"train-loss": 0.5}, step=current_step)
    run.log({"accuracy": 0.8}, step=current_step)
    current_step += 1
    run.log({"train-loss": 0.4}, step=current_step)
    run.log({"accuracy": 0.9}, step=current_step)


def test_the_three_equivalent_logging_styles_write_identical_rows(disk):
    import cairn as wandb

    written = []
    for style in (_normal_usage, _implicit_step, _explicit_step):
        run = wandb.init(reinit=True)
        style(run, current_step=0)
        run.finish()
        written.append(disk.user_rows(run))
    assert written[0] == [
        {"_step": 0, "train-loss": 0.5, "accuracy": 0.8},
        {"_step": 1, "train-loss": 0.4, "accuracy": 0.9},
    ]
    assert written[0] == written[1] == written[2]
