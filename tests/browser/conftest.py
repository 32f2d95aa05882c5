"""Browser tests: real headless Chromium (playwright, /usr/bin/chromium) against a real
``cairn server`` process on a free 127.0.0.1 port, over a root seeded with ``import cairn as
wandb``. The tests' own screenshots (debugging aids) go to a temporary folder; the README's
come from :mod:`tests.browser.make_screenshots` (into ``$CAIRN_SCREENSHOTS``)."""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field

import numpy as np
import pytest

import cairn as wandb
from cairn.runlog import format as fmt
from cairn.sdk import globals as g
from tests.server.http import start_server_process, stop_server_process

CHROMIUM = os.environ.get("CAIRN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
STATIC = os.path.join(os.path.dirname(__file__), "..", "..", "cairn", "server", "static", "index.html")
QUIET = {"console": "off", "x_disable_stats": True, "silent": True, "disable_git": True}
XSS = "<img src=x onerror=alert(1)>"
STEPS = 200
LRS = [0.1, 0.1, 0.2, 0.2]
TABLE_ROWS = 60  # more than the UI's page of 50
FRAME_STEPS = 3  # steps at which run-0 logs the "frames" image


def loss(i: int, s: int) -> float:
    """What run ``i`` logs as train/loss at step ``s``."""
    return (i + 1) * math.exp(-s / 50)


@dataclass
class Site:
    root: str
    url: str
    ids: dict = field(default_factory=dict)
    shots: str = ""


def _seed(root: str) -> dict:
    ids = {}
    with pytest.MonkeyPatch.context() as mp:
        for k in list(os.environ):
            if k.startswith(("WANDB_", "CAIRN_")) and k != "CAIRN_SCREENSHOTS":
                mp.delenv(k)
        mp.setenv("CAIRN_ROOT", root)
        mp.setenv("CAIRN_SILENT", "1")
        for i, lr in enumerate(LRS):
            run = wandb.init(project="ws", name=f"run-{i}", config={"lr": lr, "layers": 2 + i},
                             settings=dict(QUIET), reinit=True, tags=["seed"])
            for s in range(STEPS):
                run.log({"train/loss": loss(i, s), "train/acc": s / (STEPS - 1), "val/loss": 1 / (s + 1)})
            run.summary["best"] = 1.0 / (i + 1)
            if i == 1:
                run.alert(title="Loss <b>high</b>", text="check <script>x</script>", level="WARN")
                # What the console capture and the system monitor would have written.
                t0 = time.time()
                run._emit(fmt.OUTPUT, {"stream": "stdout", "lines": ["epoch 1 <b>done</b>", "bye"], "time": t0})
                for k in range(5):
                    run._emit(fmt.STATS, {"time": t0 + k, "values": {"cpu": 10.0 * k, "memory_percent": 50.0}})
            if i == 0:
                img = np.zeros((16, 16, 3), dtype=np.uint8)
                img[:, :8] = (255, 0, 0)
                run.log({"examples": wandb.Image(img, caption="half red")})
                run.log({"page": wandb.Html("<p id=hi>hello from html</p><script>alert('html')</script>")})
                pts = wandb.Table(columns=["x", "y"], data=[[k, k * k] for k in range(10)])
                run.log({"squares": wandb.plot.line(pts, "x", "y", title="Squares")})
                for s in range(3):
                    run.log({"weights": wandb.Histogram(np.arange(100) * (s + 1) % 17)})
                _log_media(run)
            run.finish(quiet=True)
            ids[f"run-{i}"] = run.id
        run = wandb.init(project="ws", name=XSS, config={"lr": 0.3, "layers": 9}, settings=dict(QUIET),
                         reinit=True)
        for s in range(STEPS):
            run.log({"train/loss": loss(4, s)})
        run.log({"preds": wandb.Table(columns=["text", "n"], data=[[XSS, 1], ["<b>bold</b>", 2]])})
        run.finish(quiet=True)
        ids["xss"] = run.id
        while g.active_run() is not None:
            g.active_run().finish(quiet=True)
    return ids


def swatch(k: int, size: int = 12) -> np.ndarray:
    """A ``size``-square image of one colour, different for each ``k``."""
    img = np.zeros((size, size, 3), dtype=np.uint8)
    img[:, :] = ((40 * k) % 256, 255 - (40 * k) % 256, (4 * k) % 256)
    return img


def _log_media(run) -> None:
    """run-0's audio, video, stepped image and image table (real files, written by the SDK)."""
    t = np.arange(8000) / 8000
    run.log({"tone": wandb.Audio(np.sin(2 * np.pi * 440 * t), sample_rate=8000, caption="A440")})
    frames = np.stack([np.full((3, 16, 16), 60 * k, dtype=np.uint8) for k in range(4)])
    run.log({"clip": wandb.Video(frames, fps=4, caption="fade")})
    for k in range(FRAME_STEPS):
        run.log({"frames": wandb.Image(swatch(k, 8 + 4 * k), caption=f"frame {k}")})
    rows = [[wandb.Image(swatch(k), caption=f"digit {k:02d}"), k, f"label-{k % 3}"] for k in range(TABLE_ROWS)]
    run.log({"gallery": wandb.Table(columns=["image", "n", "label"], data=rows)})


@pytest.fixture(scope="package")
def site(tmp_path_factory) -> Site:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (scripts/ensure_services.sh installs it)")
    if not os.path.exists(STATIC):
        pytest.skip("the web UI is not built (bash scripts/build_web.sh)")
    pytest.importorskip("playwright.sync_api")
    base = tmp_path_factory.mktemp("browser")
    root = str(base / "root")
    ids = _seed(root)
    proc, url = start_server_process(root, str(base / "server.log"))
    shots = str(base / "screenshots")
    os.makedirs(shots, exist_ok=True)
    yield Site(root, url, ids, shots)
    stop_server_process(proc)


@pytest.fixture(scope="package")
def browser(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page; JavaScript errors and dialogs are recorded on ``page.cairn_errors``."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = ctx.new_page()
    pg.cairn_errors = []
    pg.cairn_dialogs = []
    pg.on("pageerror", lambda e: pg.cairn_errors.append(str(e)))
    pg.on("dialog", lambda d: (pg.cairn_dialogs.append(d.message), d.dismiss()))
    yield pg
    ctx.close()


def probe(page, key: str) -> dict | None:
    """What the chart of ``key`` actually drew (published by LineChart after each draw)."""
    return page.evaluate("k => (window.__cairn && window.__cairn.charts[k]) || null", key)


def wait_probe(page, key: str, pred, timeout: float = 10.0) -> dict:
    """Poll the chart probe of ``key`` until ``pred(probe)`` holds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = probe(page, key)
        if last is not None and pred(last):
            return last
        page.wait_for_timeout(100)
    raise AssertionError(f"chart {key!r} never satisfied the condition; last probe: "
                         f"{ {k: v for k, v in (last or {}).items() if k != 'series'} }")


