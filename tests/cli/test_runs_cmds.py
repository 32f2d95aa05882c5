"""``cairn ls`` and ``cairn show``."""

from __future__ import annotations

from click.testing import CliRunner

from cairn.cli.main import cli


def test_ls_lists_every_run_with_state_steps_and_summary(root):
    a = root.log_run(rows=[{"loss": 1.0}, {"loss": 0.25}], name="first")
    b = root.log_run(rows=[{"loss": 2.0}], name="second", exit_code=1)
    res = root.invoke("ls", "proj")
    assert res.exit_code == 0, res.output
    assert "2 runs" in res.output
    line_a = next(x for x in res.output.splitlines() if a in x)
    assert "first" in line_a and "finished" in line_a and "0.25" in line_a
    assert " 2 " in line_a  # steps
    line_b = next(x for x in res.output.splitlines() if b in x)
    assert "failed" in line_b


def test_ls_state_option_filters(root):
    root.log_run(name="ok")
    bad = root.log_run(name="bad", exit_code=3)
    res = root.invoke("ls", "--state", "failed")
    assert bad in res.output and "ok" not in res.output.replace("1 run", "")


def test_ls_of_an_empty_root_says_zero_runs(root):
    res = root.invoke("ls")
    assert res.exit_code == 0 and "0 runs" in res.output


def test_root_defaults_to_where_cairn_init_writes(root, monkeypatch):
    rid = root.log_run(name="found")
    monkeypatch.setenv("CAIRN_DIR", root.base)
    res = CliRunner().invoke(cli, ["ls"], catch_exceptions=False)
    assert rid in res.output


def test_show_prints_config_summary_and_metrics(root):
    rid = root.log_run(rows=[{"loss": 1.0, "acc": 0.5}, {"loss": 0.5}], name="shown",
                       config={"lr": 0.125, "opt": "adam"}, tags=["tagged"])
    res = root.invoke("show", rid)
    assert res.exit_code == 0, res.output
    out = res.output
    assert "shown" in out and "tagged" in out and "finished" in out
    assert "lr" in out and "0.125" in out and "adam" in out
    assert "loss" in out and "acc" in out and "metrics (2)" in out


def test_show_unknown_run_fails_with_not_found(root):
    root.log_run()
    res = root.invoke("show", "proj/nope")
    assert res.exit_code != 0 and "not found" in res.output
