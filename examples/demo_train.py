"""A short demo training loop, logged with Cairn exactly as it would be with wandb."""

import math
import random

import cairn as wandb

config = {"lr": 3e-3, "batch_size": 64, "epochs": 5, "optimizer": "adam"}
with wandb.init(project="demo", config=config, tags=["demo"], notes="Cairn demo run") as run:
    run.define_metric("epoch")
    run.define_metric("val/*", step_metric="epoch")
    run.define_metric("val/loss", summary="min")
    run.define_metric("val/acc", summary="max")
    rng = random.Random(0)
    step = 0
    for epoch in range(run.config.epochs):
        for _ in range(200):
            step += 1
            loss = 2.5 * math.exp(-step / 300) + 0.05 * rng.random()
            run.log({"train/loss": loss, "train/lr": run.config.lr * 0.999**step})
        run.log({"epoch": epoch, "val/loss": loss * 1.1, "val/acc": 1 - loss / 3})
    print(f"\nLogged run {run.id} ({run.name}) to {run.dir}")
    print(f"  history rows: {run.step}; summary val/loss: {run.summary['val/loss']}")
print("Look at it with:  .venv/bin/cairn ls demo   |   .venv/bin/cairn show", run.id, "  |   .venv/bin/cairn ui")
