"""``cairn ls`` and ``cairn show``."""

from __future__ import annotations

import os

import pytest
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
    os.makedirs(root.path)
    res = root.invoke("ls")
    assert res.exit_code == 0 and "0 runs" in res.output


def test_ls_without_a_root_fails_and_creates_nothing(root):
    res = root.invoke("ls")
    assert res.exit_code == 1 and "no Cairn root" in res.output
    assert not os.path.exists(root.path)


def test_ls_reads_an_index_in_postgresql(root):
    import uuid

    import psycopg

    admin = os.environ.get("CAIRN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
    db = f"cairn_cli_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as c:
            c.execute(f'CREATE DATABASE "{db}"')
    except Exception as e:
        pytest.skip(f"PostgreSQL not reachable: {e}")
    try:
        rid = root.log_run(name="in-pg")
        res = root.invoke("--index-url", f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}", "ls")
        assert res.exit_code == 0 and rid in res.output and "in-pg" in res.output
    finally:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


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


def test_a_command_closes_the_api_it_opened(root, monkeypatch):
    import cairn.api

    root.log_run()
    closed = []
    real = cairn.api.Api.close
    monkeypatch.setattr(cairn.api.Api, "close", lambda self: (closed.append(self), real(self)))
    assert root.invoke("ls").exit_code == 0
    assert len(closed) == 1


def test_ls_rejects_a_negative_limit(root):
    root.log_run()
    res = root.invoke("ls", "--limit", "-2")
    assert res.exit_code == 2 and "--limit" in res.output
