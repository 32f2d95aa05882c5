"""Measure what Cairn costs a training loop: import, init, log, finish, bytes per step.

    python examples/measure_sdk_overhead.py [steps] [metrics]

Logs ``steps`` rows of ``metrics`` float metrics into a throw-away root and prints the figures
(a quick measurement, not a benchmark harness: run it a few times on a quiet machine).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import timeit


def main() -> None:
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    n_metrics = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    root = tempfile.mkdtemp(prefix="cairn-overhead-")
    os.environ["CAIRN_ROOT"] = root
    os.environ.setdefault("CAIRN_SILENT", "1")
    try:
        t0 = time.perf_counter()
        import cairn

        t_import = time.perf_counter() - t0
        t0 = time.perf_counter()
        run = cairn.init(project="overhead")
        t_init = time.perf_counter() - t0

        keys = [f"metric_{i}" for i in range(n_metrics)]
        rows = [{k: s * 0.5 + i for i, k in enumerate(keys)} for s in range(steps)]
        log = run.log
        cpu0, t0 = time.process_time(), time.perf_counter()
        for row in rows:
            log(row)
        t_loop = time.perf_counter() - t0
        t1 = time.perf_counter()
        run.finish()
        t_finish = time.perf_counter() - t1
        cpu = time.process_time() - cpu0
        size = os.path.getsize(os.path.join(root, "runs", run.id, "run.cairn"))

        # the cost of one call on its own: best of several short bursts
        run2 = cairn.init(project="overhead", reinit=True)
        row = rows[0]
        best = min(timeit.repeat(lambda: run2.log(row), number=20000, repeat=10)) / 20000
        run2.finish()

        heavy = [m for m in ("numpy", "pandas", "PIL", "yaml", "torch") if m in sys.modules]
        print(f"import cairn      {t_import * 1e3:8.1f} ms   (heavy modules loaded: {heavy or 'none'})")
        print(f"cairn.init        {t_init * 1e3:8.1f} ms")
        print(f"run.log           {t_loop / steps * 1e6:8.2f} us/call in the loop, {best * 1e6:.2f} us best burst")
        print(f"end to end        {steps / (t_loop + t_finish):8.0f} steps/s ({steps / cpu:.0f} per CPU-second)")
        print(f"run.finish        {t_finish * 1e3:8.1f} ms")
        print(f"run file          {size / steps:8.1f} bytes/step ({n_metrics} float metrics)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
