"""Crash safety: a process killed with SIGKILL keeps every step logged ≥100 ms before the kill;
eight processes logging at once into one root lose nothing; a failing disk never raises in the
caller's thread and leaves what was written before readable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import pytest

import cairn
from cairn.runlog import format as fmt
from cairn.runlog.reader import Scan, iter_history
from cairn.runlog.writer import RunWriter

FLAT_OUT = textwrap.dedent("""
    import os, sys, time
    import cairn
    run = cairn.init(project="crash", id="victim", settings={"console": "off", "x_disable_stats": True})
    progress = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    step = 0
    while True:
        run.log({"step_copy": step, "loss": 1.0 / (step + 1), "acc": 0.5})
        step += 1
        if step % 500 == 0:
            # the step just logged (step - 1) and the wall time it was logged by
            os.write(progress, f"{step - 1} {time.time()}\\n".encode())
""")


def test_sigkill_keeps_every_step_logged_100ms_before_the_kill(tmp_path, isolated):
    script = tmp_path / "victim.py"
    script.write_text(FLAT_OUT)
    progress = tmp_path / "progress.txt"
    env = {**os.environ, "CAIRN_ROOT": isolated}
    child = subprocess.Popen([sys.executable, str(script), str(progress)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while time.time() < deadline and (not progress.exists() or progress.stat().st_size < 2000):
            time.sleep(0.05)
        time.sleep(0.5)  # let it run flat out for a while
    finally:
        kill_time = time.time()
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    marks = [tuple(map(float, line.split())) for line in progress.read_text().splitlines() if line.count(" ") == 1]
    due = [int(s) for s, t in marks if t <= kill_time - 0.1]
    assert due, "the child never got going"
    path = os.path.join(isolated, "runs", "victim", "run.cairn")
    scan = Scan(path)
    list(scan)  # must not raise whatever the tail looks like
    rows = list(iter_history(path))
    steps = [r["_step"] for r in rows]
    assert steps == list(range(len(steps))), "rows must be contiguous from 0"
    assert all(r["step_copy"] == r["_step"] for r in rows)
    assert steps[-1] >= max(due), (steps[-1], max(due), scan.problem)


CONCURRENT = textwrap.dedent("""
    import sys
    import cairn
    n = int(sys.argv[2])
    run = cairn.init(project="many", id=sys.argv[1], settings={"console": "off", "x_disable_stats": True})
    for i in range(n):
        run.log({"i": i, "x": i * 0.5, "name": sys.argv[1]})
    run.finish()
""")


def test_eight_processes_logging_into_one_root_lose_nothing(tmp_path, isolated):
    script = tmp_path / "worker.py"
    script.write_text(CONCURRENT)
    env = {**os.environ, "CAIRN_ROOT": isolated}
    n = 20000
    procs = [subprocess.Popen([sys.executable, str(script), f"w{k}", str(n)], env=env) for k in range(8)]
    assert [p.wait(120) for p in procs] == [0] * 8
    for k in range(8):
        path = os.path.join(isolated, "runs", f"w{k}", "run.cairn")
        rows = list(iter_history(path))
        assert [r["i"] for r in rows] == list(range(n))
        assert {r["name"] for r in rows} == {f"w{k}"}
        recs = list(Scan(path))
        assert recs[-1].type == fmt.EXIT and recs[-1].data["exit_code"] == 0


def test_dev_full_as_run_file_never_raises_in_the_caller(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w = RunWriter("/dev/full")
        for i in range(50000):  # more than the queue bound: back-pressure must not hang on a dead writer
            w.put_row(i, 1.0, {"x": i})
        w.put(fmt.EXIT, {"exit_code": 0})
        assert w.flush(timeout=10)
        w.close()
    assert isinstance(w.error, OSError)
    assert sum("failed" in str(c.message) for c in caught) == 1


def test_disk_full_midway_keeps_earlier_records_readable(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    path = tmp_path / "run.cairn"
    w = RunWriter(path)
    for i in range(100):
        w.put_row(i, 1.0, {"x": i})
    w.flush()
    full = os.open("/dev/full", os.O_WRONLY)
    os.dup2(full, w._fd)  # from now on every write fails with ENOSPC, as on a full disk
    os.close(full)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(100, 200):
            w.put_row(i, 1.0, {"x": i})
        w.flush(timeout=10)
        w.close()
    assert isinstance(w.error, OSError)
    assert [r["x"] for r in iter_history(path)] == list(range(100))


def test_run_on_a_full_disk_keeps_logging_and_finishes(isolated):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    run = cairn.init(project="p", id="full", settings={"console": "off", "x_disable_stats": True})
    run.log({"x": 0})
    run._writer.flush()
    full = os.open("/dev/full", os.O_WRONLY)
    os.dup2(full, run._writer._fd)
    os.close(full)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(1, 1000):
            run.log({"x": i})
        run.finish()
    rows = list(iter_history(os.path.join(isolated, "runs", "full", "run.cairn")))
    assert [r["x"] for r in rows] == [0]
