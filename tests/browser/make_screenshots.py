"""README screenshots: seed a realistic demo root, serve it, and photograph the UI at 1280×800.

    .venv/bin/python -m tests.browser.make_screenshots docs/screenshots

writes ``workspace.png``, ``run-overview.png``, ``run-media.png`` and ``compare.png`` there
(each re-encoded with Pillow to stay small). ``tests/browser/test_screenshots.py`` runs it, into
``$CAIRN_SCREENSHOTS`` when set, else into a temporary folder.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile

import numpy as np

SIZE = {"width": 1280, "height": 800}
NAMES = ("workspace.png", "run-overview.png", "run-media.png", "compare.png")
QUIET = {"console": "off", "x_disable_stats": True, "silent": True, "disable_git": True}
PROJECT = "cifar10-resnet"
# (name, optimizer, lr, batch size, depth): what a small sweep might have tried.
SWEEP = [("resnet18-sgd", "sgd", 0.1, 128, 18), ("resnet18-adam", "adam", 0.001, 128, 18),
         ("resnet34-sgd", "sgd", 0.05, 256, 34), ("resnet34-adamw", "adamw", 0.0005, 256, 34),
         ("resnet50-sgd", "sgd", 0.02, 64, 50)]
EPOCHS = 30
STEPS_PER_EPOCH = 40
CLASSES = ["plane", "car", "bird", "cat", "deer"]


def sample_image(k: int, size: int = 64) -> np.ndarray:
    """A small synthetic picture (a sky, a ground and a coloured blob), different per ``k``."""
    rng = np.random.default_rng(k)
    yy, xx = np.mgrid[0:size, 0:size] / size
    sky = np.stack([0.35 + 0.3 * yy, 0.55 + 0.3 * yy, 0.9 - 0.2 * yy], -1)
    ground = np.stack([0.3 + 0.1 * xx, 0.5 - 0.1 * yy, 0.25 + 0 * xx], -1)
    img = np.where((yy > 0.6 + 0.05 * np.sin(6 * xx + k))[..., None], ground, sky)
    cx, cy, r = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.6), rng.uniform(0.12, 0.22)
    blob = (xx - cx) ** 2 + (yy - cy) ** 2 < r * r
    img[blob] = rng.uniform(0.1, 1.0, 3)
    img += rng.normal(0, 0.03, img.shape)
    return (np.clip(img, 0, 1) * 255).astype(np.uint8)


def seed(root: str) -> list[str]:
    """Log the demo sweep into ``root``; return the run ids in logging order."""
    os.environ["CAIRN_ROOT"] = root
    os.environ["CAIRN_SILENT"] = "1"
    import cairn as wandb

    ids = []
    for i, (name, opt, lr, bs, depth) in enumerate(SWEEP):
        cfg = {"optimizer": opt, "lr": lr, "batch_size": bs, "model": {"depth": depth, "width": 64},
               "epochs": EPOCHS, "augment": i % 2 == 0, "weight_decay": 5e-4}
        run = wandb.init(project=PROJECT, name=name, config=cfg, settings=dict(QUIET), reinit=True,
                         tags=["sweep", opt], group=f"resnet{depth}")
        rng = np.random.default_rng(i)
        floor = 0.25 + 0.08 * i
        speed = [1.0, 1.6, 0.8, 1.3, 0.6][i]
        for e in range(EPOCHS):
            for b in range(STEPS_PER_EPOCH):
                t = (e * STEPS_PER_EPOCH + b) / (EPOCHS * STEPS_PER_EPOCH)
                tl = floor + 2.0 * math.exp(-5 * speed * t) + rng.normal(0, 0.04)
                run.log({"train/loss": tl, "train/acc": min(0.99, 1 - tl / 2.6 + rng.normal(0, 0.01)),
                         "train/lr": lr * 0.5 * (1 + math.cos(math.pi * t))})
            vl = floor + 0.1 + 2.0 * math.exp(-5 * speed * (e + 1) / EPOCHS) + 0.02 * max(0, e - 20) * (i % 2)
            run.log({"val/loss": vl, "val/acc": 1 - vl / 2.8, "epoch": e}, commit=False)
            if e % 10 == 9 and i == 0:
                run.log({"samples": [wandb.Image(sample_image(100 * e + k), caption=f"{CLASSES[k]} (epoch {e + 1})")
                                     for k in range(4)]}, commit=False)
        run.summary["best_val_acc"] = 1 - (floor + 0.1) / 2.8
        if i == 0:
            _media(run, wandb, rng)
        run.finish(quiet=True)
        ids.append(run.id)
    return ids


def _media(run, wandb, rng: np.random.Generator) -> None:
    """The first run's predictions table, ROC custom chart, histogram and single image."""
    n = 40
    truth = rng.integers(0, len(CLASSES), n)
    probs = rng.dirichlet(np.ones(len(CLASSES)), n)
    probs[np.arange(n), truth] += rng.uniform(0.2, 1.5, n)
    probs /= probs.sum(1, keepdims=True)
    rows = [[wandb.Image(sample_image(k), caption=CLASSES[truth[k]]), CLASSES[truth[k]],
             CLASSES[int(probs[k].argmax())], round(float(probs[k].max()), 3)] for k in range(n)]
    run.log({"predictions": wandb.Table(columns=["image", "truth", "pred", "confidence"], data=rows),
             "roc": wandb.plot.roc_curve(truth, probs, labels=CLASSES),
             "conv1/weights": wandb.Histogram(rng.normal(0, 0.1, 2000)),
             "input": wandb.Image(sample_image(7, 96), caption="a validation input")})


def shrink(path: str) -> None:
    """Re-encode ``path`` as an optimised palette PNG (screenshots are mostly flat colour)."""
    from PIL import Image

    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def shoot(url: str, ids: list[str], out: str, chromium: str, args: list[str]) -> None:
    """Photograph the four views into ``out``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_context(viewport=SIZE, device_scale_factor=1).new_page()

        def snap(name: str) -> None:
            page.wait_for_timeout(400)  # let uPlot and the frames finish their last paint
            path = os.path.join(out, name)
            page.screenshot(path=path, type="png")
            shrink(path)

        page.goto(f"{url}/#/p/{PROJECT}")
        page.wait_for_function("() => window.__cairn && ['train/loss', 'val/acc'].every(k => window.__cairn.charts[k]"
                               f" && window.__cairn.charts[k].series.length === {len(ids)})")
        snap("workspace.png")
        page.goto(f"{url}/#/p/{PROJECT}/run/{ids[0]}?tab=overview")
        page.wait_for_selector("[data-testid=config-table]")
        snap("run-overview.png")
        page.goto(f"{url}/#/p/{PROJECT}/run/{ids[0]}?tab=media")
        page.wait_for_selector("[data-key=samples] img.media-img")
        page.wait_for_function("() => [...document.images].every(i => i.complete)")
        snap("run-media.png")
        page.goto(f"{url}/#/p/{PROJECT}/compare?sel={','.join(ids)}")
        page.wait_for_selector("svg.scatter circle.point")
        snap("compare.png")
        browser.close()


def main(out: str) -> list[str]:
    """Seed, serve and photograph into ``out``; return the files written."""
    from tests.browser.conftest import ARGS, CHROMIUM
    from tests.server.http import start_server_process, stop_server_process

    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ids = seed(os.path.join(tmp, "root"))
        proc, url = start_server_process(os.path.join(tmp, "root"), os.path.join(tmp, "server.log"))
        try:
            shoot(url, ids, out, CHROMIUM, ARGS)
        finally:
            stop_server_process(proc)
    return [os.path.join(out, n) for n in NAMES]


if __name__ == "__main__":
    for f in main(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CAIRN_SCREENSHOTS", "docs/screenshots")):
        print(f, os.path.getsize(f))
