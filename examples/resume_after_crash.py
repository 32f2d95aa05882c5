"""Crash a training run on purpose, then resume it: steps, config and summary carry on.

    python examples/resume_after_crash.py

The first attempt is a child process killed with SIGKILL mid-training; every step it logged
at least ~100 ms before the kill is in its run file. The second attempt passes the same id
with ``resume="allow"`` and continues from the last step on disk.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time

import cairn as wandb
from cairn.runlog.reader import iter_history, run_file

TRAIN = """
import time, cairn as wandb
run = wandb.init(project="resume-demo", id="resumable", resume="allow", config={"lr": 0.01})
for step in range(run.step, 10**9):
    run.log({"loss": 1.0 / (step + 1)})
    time.sleep(0.001)
"""


def main() -> None:
    root = os.environ.setdefault("CAIRN_ROOT", tempfile.mkdtemp(prefix="cairn-resume-"))
    child = subprocess.Popen([sys.executable, "-c", TRAIN])
    time.sleep(2.0)
    child.send_signal(signal.SIGKILL)
    child.wait()
    steps_on_disk = sum(1 for _ in iter_history(run_file(root, "resumable")))
    print(f"first attempt killed; {steps_on_disk} steps are on disk")

    run = wandb.init(project="resume-demo", id="resumable", resume="allow")
    print(f"resumed={run.resumed} starting_step={run.starting_step} lr={run.config.lr}")
    for step in range(run.step, run.step + 100):
        run.log({"loss": 1.0 / (step + 1)})
    run.finish()
    rows = list(iter_history(run_file(root, "resumable")))
    assert [r["_step"] for r in rows] == list(range(len(rows)))
    print(f"{len(rows)} contiguous steps after the resume; root: {root}")


if __name__ == "__main__":
    main()
