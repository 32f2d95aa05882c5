"""Fixtures for the CLI tests: a root with real runs, and a runner for the ``cairn`` command.

``CliRunner`` invokes the real click command in-process (same code path as the console script).
"""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

import cairn as wandb
from cairn.cli.main import cli

QUIET = {"console": "off", "x_disable_stats": True, "silent": True, "disable_git": True}


@pytest.fixture(autouse=True)
def isolated(clean_env):
    """No WANDB_*/CAIRN_* variables leak in; the working directory is the test's own."""


class Root:
    def __init__(self, base: str) -> None:
        self.base = base
        self.path = os.path.join(base, "cairn-data")

    def log_run(self, project: str = "proj", rows=(), exit_code: int = 0, **init) -> str:
        run = wandb.init(dir=self.base, project=project, settings=dict(QUIET), reinit=True, **init)
        for row in rows:
            wandb.log(dict(row))
        run.finish(exit_code=exit_code, quiet=True)
        return run.id

    def invoke(self, *args: str, input: str | None = None):
        """Run ``cairn --root <root> ARGS``; returns click's Result (output, exit_code)."""
        return CliRunner().invoke(cli, ["--root", self.path, *args], input=input,
                                  catch_exceptions=False)


@pytest.fixture
def root(tmp_path) -> Root:
    return Root(str(tmp_path / "base"))
