"""Fixtures for the HTTP API tests: a root seeded by logging real runs with ``import cairn as
wandb``, served by the real app under uvicorn on a free 127.0.0.1 port (its lifespan runs, so the
start-up ingest and the live watcher run as in ``cairn server``)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import numpy as np
import pytest

import cairn as wandb
from cairn.sdk import globals as g
from cairn.server import create_app
from tests.server.http import Client, ThreadServer

QUIET = {"console": "off", "x_disable_stats": True, "silent": True, "disable_git": True}
XSS = "<img src=x onerror=alert(1)>"


@dataclass
class Seeded:
    root: str
    ids: dict = field(default_factory=dict)


def log_run(project: str, name: str, steps: int, config: dict, extra=None, **init) -> str:
    run = wandb.init(project=project, name=name, config=config, settings=dict(QUIET), reinit=True,
                     **init)
    for s in range(steps):
        run.log({"train/loss": math.exp(-s / 20), "train/acc": s / max(1, steps - 1), "lr": config["lr"]})
    if extra:
        extra(run)
    run.finish(quiet=True)
    return run.id


def _media(run) -> None:
    run.log({"sample": wandb.Image(np.zeros((8, 8, 3), dtype=np.uint8), caption="zeros")})
    run.log({"preds": wandb.Table(columns=["text", "score"],
                                  data=[[XSS, 3], ["b", 1], ["c", 2]])})
    run.summary["weird"] = float("nan")


@pytest.fixture(scope="package")
def seeded(tmp_path_factory) -> Seeded:
    root = str(tmp_path_factory.mktemp("server") / "root")
    with pytest.MonkeyPatch.context() as mp:
        for k in list(os.environ):
            if k.startswith(("WANDB_", "CAIRN_")):
                mp.delenv(k)
        mp.setenv("CAIRN_ROOT", root)
        mp.setenv("CAIRN_SILENT", "1")
        s = Seeded(root)
        s.ids["alpha"] = log_run("proj", "alpha", 100, {"lr": 0.1, "opt": "adam"}, _media, tags=["a"])
        s.ids["beta"] = log_run("proj", "beta", 50, {"lr": 0.2, "opt": "sgd"}, tags=["b"])
        s.ids["gamma"] = log_run("other", XSS, 10, {"lr": 0.3})
        s.ids["delta"] = log_run("proj", "delta", 5, {"lr": 0.4})  # edited by the PATCH tests
        while g.active_run() is not None:
            g.active_run().finish(quiet=True)
    # A symlink planted inside a run's files folder must never expose what it points at.
    files = os.path.join(root, "runs", s.ids["alpha"], "files")
    os.makedirs(files, exist_ok=True)
    os.symlink("/etc/passwd", os.path.join(files, "escape.txt"))
    with open(os.path.join(files, "notes.txt"), "w") as f:
        f.write("hello from the run folder\n")
    with open(os.path.join(files, "page.html"), "w") as f:
        f.write("<script>alert(1)</script>")
    return s


@pytest.fixture(scope="package")
def client(seeded) -> Client:
    srv = ThreadServer(create_app(seeded.root, ingest_interval=0.2))
    yield srv.start()
    srv.stop()
