"""Fixtures for the data-type tests: a quiet run in ``tmp_path`` and readers that look only at
what reached disk — history rows, records, the media files under ``run.dir`` and the blobs."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

import cairn as wandb
from cairn.runlog import format as fmt
from cairn.runlog import reader
from cairn.sdk import globals as g

QUIET = {"console": "off", "x_disable_stats": True, "silent": True, "disable_git": True}


class Logged:
    """A run plus accessors for what it wrote (call after ``finish``)."""

    def __init__(self, run) -> None:
        self.run = run

    @property
    def path(self) -> str:
        return os.path.join(self.run._root, "runs", self.run.id, "run.cairn")

    def rows(self) -> list[dict]:
        return list(reader.iter_history(self.path))

    def records(self, kind: int) -> list:
        return [r.data for r in reader.read_records(self.path) if r.type == kind]

    def files_records(self) -> list[dict]:
        return [f for rec in self.records(fmt.FILES) for f in rec["files"]]

    def final_summary(self) -> dict:
        return [r["final"] for r in self.records(fmt.SUMMARY) if "final" in r][-1]

    def config(self) -> dict:
        out: dict = {}
        for rec in self.records(fmt.CONFIG):
            out.update(rec.get("update", {}))
        return out

    def file(self, rel: str) -> bytes:
        with open(os.path.join(self.run.dir, *rel.split("/")), "rb") as f:
            return f.read()

    def json_file(self, rel: str):
        return json.loads(self.file(rel))

    def blob_count(self) -> int:
        d = os.path.join(self.run._root, "blobs", "sha256")
        return sum(len([f for f in fs if not f.startswith(".")]) for _, _, fs in os.walk(d))

    def check_descriptor(self, d: dict) -> bytes:
        """The file a descriptor names exists with its sha256 and size; return its bytes."""
        data = self.file(d["path"])
        assert hashlib.sha256(data).hexdigest() == d["sha256"]
        assert len(data) == d["size"]
        return data


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    for k in list(os.environ):
        if k.startswith(("WANDB_", "CAIRN_")):
            monkeypatch.delenv(k, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    r = g.active_run()
    if r is not None:
        r.finish(quiet=True)


@pytest.fixture
def run(tmp_path):
    r = wandb.init(dir=tmp_path, project="media", settings=QUIET)
    yield r
    r.finish(quiet=True)


@pytest.fixture
def logged(run):
    """``logged.run`` is live; read the disk after ``logged.run.finish()``."""
    return Logged(run)
