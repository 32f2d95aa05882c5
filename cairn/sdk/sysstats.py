"""System metrics: a daemon thread samples the machine and the process every ``interval``
seconds (10 by default) and records one STATS record per sample::

    {"time": float, "values": {"cpu": %, "memory": %, "proc.memory.rssMB": MB,
     "proc.memory.percent": %, "proc.cpu.threads": n, "disk./.usagePercent": %,
     "disk./.usageGB": GB, "network.sent": bytes, "network.recv": bytes,
     "gpu.<i>.gpu": %, "gpu.<i>.memory": %, "gpu.<i>.memoryAllocated": %,
     "gpu.<i>.memoryAllocatedBytes": bytes, "gpu.<i>.temp": °C, "gpu.<i>.powerWatts": W}}

Network counters are bytes since the run started. GPU values come from ``nvidia-smi`` and
appear only where it is installed. psutil is imported in the thread, never in ``init``;
a sample costs about a millisecond (plus the nvidia-smi call), off the training thread.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from cairn.runlog import format as fmt

_GPU_FIELDS = ("utilization.gpu", "utilization.memory", "memory.used", "memory.total", "temperature.gpu", "power.draw")


def gpu_values() -> dict:
    """Per-GPU values from ``nvidia-smi``; ``{}`` where it is absent or fails."""
    import shutil
    import subprocess

    exe = shutil.which("nvidia-smi")
    if exe is None:
        return {}
    try:
        out = subprocess.run(
            [exe, f"--query-gpu={','.join(_GPU_FIELDS)}", "--format=csv,noheader,nounits"],
            capture_output=True, text=True, timeout=5,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    vals: dict[str, float] = {}
    for i, line in enumerate(x for x in out.splitlines() if x.strip()):
        f = [_num(x) for x in line.split(",")]
        if len(f) != len(_GPU_FIELDS):
            continue
        util, mem_util, used, total, temp, power = f
        p = f"gpu.{i}."
        for k, v in (("gpu", util), ("memory", mem_util), ("temp", temp), ("powerWatts", power)):
            if v is not None:
                vals[p + k] = v
        if used is not None:
            vals[p + "memoryAllocatedBytes"] = used * 2**20
            if total:
                vals[p + "memoryAllocated"] = 100.0 * used / total
    return vals


def _num(s: str) -> float | None:
    try:
        return float(s.strip())
    except ValueError:
        return None  # "[N/A]" and the like


class StatsSampler:
    """Samples in a daemon thread until :meth:`stop`; see the module docstring."""

    def __init__(self, run: Any, interval: float = 10.0, gpu: bool = True) -> None:
        self._run = run
        self._interval = max(float(interval), 0.05)
        self._gpu = gpu
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cairn-stats", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        start = time.monotonic()
        # import psutil a little after init, not while init (or a short script) is running
        if self._stop.wait(min(1.0, self._interval / 2)):
            return
        try:
            import os

            import psutil

            proc = psutil.Process(os.getpid())
            psutil.cpu_percent(None)  # the first reading only sets the baseline
            net0 = psutil.net_io_counters()
        except Exception:
            return  # no psutil (or no permission): no system metrics, nothing else changes
        due = start + self._interval
        while not self._stop.wait(max(0.0, due - time.monotonic())):
            # after a stall (a slow nvidia-smi, a suspended process) take one sample now and
            # keep the cadence from here, rather than a burst of catch-up samples
            due = max(due + self._interval, time.monotonic())
            try:
                values = self._sample(psutil, proc, net0)
            except Exception:
                continue
            if self._run._finished or self._stop.is_set():
                return
            self._run._emit(fmt.STATS, {"time": time.time(), "values": values})

    def _sample(self, psutil: Any, proc: Any, net0: Any) -> dict:
        vm = psutil.virtual_memory()
        values: dict[str, float] = {
            "cpu": psutil.cpu_percent(None),
            "memory": vm.percent,
            "proc.memory.rssMB": proc.memory_info().rss / 2**20,
            "proc.memory.percent": proc.memory_percent(),
            "proc.cpu.threads": proc.num_threads(),
        }
        try:
            du = psutil.disk_usage("/")
            values["disk./.usagePercent"] = du.percent
            values["disk./.usageGB"] = du.used / 2**30
        except OSError:
            pass
        net = psutil.net_io_counters()
        if net is not None and net0 is not None:
            values["network.sent"] = net.bytes_sent - net0.bytes_sent
            values["network.recv"] = net.bytes_recv - net0.bytes_recv
        if self._gpu:
            values.update(gpu_values())
        return values

    def stop(self) -> None:
        """Stop sampling. Does not wait for the thread (it may be importing psutil or inside an
        nvidia-smi call); it checks the flag before recording anything. Idempotent."""
        self._stop.set()


def start(run: Any, interval: float = 10.0) -> StatsSampler:
    """Begin sampling for ``run``; the run stops it at ``finish``."""
    s = StatsSampler(run, interval)
    run._services.append(s)
    return s
