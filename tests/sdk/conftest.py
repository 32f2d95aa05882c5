"""Fixtures for the SDK tests: an isolated root per test, a clean environment, and readers
that look only at what reached disk (through ``cairn.runlog.reader``)."""

from __future__ import annotations

import os

import pytest

import cairn
from cairn.runlog import format as fmt
from cairn.runlog import reader
from cairn.sdk import globals as g

AUTO = ("_step", "_runtime", "_timestamp")


class Disk:
    """Read back a run's file: records, history rows, the final summary, the exit record."""

    def __init__(self, root: str) -> None:
        self.root = root

    def path(self, run_or_id) -> str:
        rid = run_or_id if isinstance(run_or_id, str) else run_or_id.id
        return reader.run_file(self.root, rid)

    def records(self, run_or_id, kind: int | None = None) -> list:
        recs = list(reader.read_records(self.path(run_or_id)))
        return [r for r in recs if kind is None or r.type == kind]

    def rows(self, run_or_id) -> list[dict]:
        return list(reader.iter_history(self.path(run_or_id)))

    def user_rows(self, run_or_id) -> list[dict]:
        """History rows with ``_step`` kept and the clock keys dropped."""
        return [{k: v for k, v in r.items() if k not in ("_runtime", "_timestamp")} for r in self.rows(run_or_id)]

    def steps(self, run_or_id) -> list[int]:
        return [r["_step"] for r in self.rows(run_or_id)]

    def final_summary(self, run_or_id) -> dict:
        finals = [r.data["final"] for r in self.records(run_or_id, fmt.SUMMARY) if "final" in r.data]
        assert finals, "no final summary record"
        return finals[-1]

    def exit_code(self, run_or_id) -> int:
        exits = self.records(run_or_id, fmt.EXIT)
        assert len(exits) == 1, exits
        return exits[0].data["exit_code"]

    def one(self, run_or_id, kind: int):
        recs = self.records(run_or_id, kind)
        assert len(recs) == 1, recs
        return recs[0].data


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Each test gets its own root and cwd, and no WANDB_*/CAIRN_*/AWS_* variables leak in."""
    for k in list(os.environ):
        if k.startswith(("WANDB_", "CAIRN_", "AWS_")):
            monkeypatch.delenv(k)
    root = tmp_path / "root"
    monkeypatch.setenv("CAIRN_ROOT", str(root))
    monkeypatch.setenv("CAIRN_SILENT", "1")
    monkeypatch.chdir(tmp_path)
    yield str(root)
    while g.active_run() is not None:
        g.active_run().finish(quiet=True)


@pytest.fixture
def disk(isolated) -> Disk:
    return Disk(isolated)


@pytest.fixture
def run(isolated):
    """A fresh run in the isolated root, finished by the ``isolated`` fixture afterwards."""
    return cairn.init(project="p", settings={"console": "off", "x_disable_stats": True})
