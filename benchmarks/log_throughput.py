"""Scalar logging throughput: Cairn vs wandb (offline), trackio and MLflow.

Run:  .venv/bin/python benchmarks/log_throughput.py [--steps 100000] [--metrics 10]

The standard workload is ``steps`` calls of ``log`` with a dict of ``metrics`` random floats,
one call per step. Each tool runs in its own fresh interpreter (Cairn with ``.venv``, the
peers with ``.bench/venv`` from ``scripts/bench_setup.sh``) writing under its own temp dir,
and reports: import time, init time, per-call ``log`` latency (mean and p99, timed with
``perf_counter_ns`` around the call only, the dict being built before the timer starts),
end-to-end steps/s (first log to ``finish`` returning), finish time, peak RSS (the child's
own ``getrusage`` plus the peak of helper processes it spawned), and disk bytes per step.

A second child per tool measures durability: it logs flat out, appending ``(step, time)``
to a progress file every few ms, and is SIGKILLed ~1.5 s after logging starts. The parent
then reads the tool's storage back (Cairn's run file, wandb's ``.wandb`` transaction log,
MLflow's tracking store, trackio's SQLite db) and counts how many steps that had been logged
at least 100 ms before the kill are missing.

A peer that would run much longer than ``--budget-s`` is cut short (MLflow also defaults to
``--mlflow-steps``); the table says how many steps each tool ran. A peer that fails prints
its error and the benchmark carries on. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import peers

TARGETS = (  # (label, key, limit, lower_is_better)
    ("log mean <= 2 us/call", "log_mean_us", 2.0, True),
    ("end to end >= 250,000 steps/s", "steps_per_s", 250_000.0, False),
    ("  same, harness excluded (log+finish time only)", "tracker_steps_per_s", 250_000.0, False),
    ("init <= 10 ms", "init_ms", 10.0, True),
    ("finish <= 50 ms", "finish_ms", 50.0, True),
    ("disk <= 150 bytes/step", "bytes_per_step", 150.0, True),
    ("0 steps lost >100 ms before SIGKILL", "lost", 0, True),
)


# ----------------------------------------------------------------------------------------
# Child side: one tool, one process. Everything tool-specific lives in these adapters.
# ----------------------------------------------------------------------------------------
class Adapter:
    """Import, init, log and finish one tool; ``with_step`` passes ``step=i`` to ``log``."""

    with_step = False
    version = ""

    def __init__(self, data_dir: str) -> None:
        self.data_dir = data_dir

    def import_tool(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def init(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def logger(self):  # noqa: ANN201 - a bound method of the tool
        raise NotImplementedError

    def finish(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class NoopAdapter(Adapter):
    """The harness itself: a Python function that does nothing (timer + call overhead)."""

    def import_tool(self) -> None:
        self.version = sys.version.split()[0]

    def init(self) -> None:
        pass

    def logger(self):  # noqa: ANN201
        def log(d: dict) -> None:
            pass

        return log

    def finish(self) -> None:
        pass


class CairnAdapter(Adapter):
    def import_tool(self) -> None:
        import cairn

        self.mod = cairn
        self.version = cairn.__version__

    def init(self) -> None:
        self.run = self.mod.init(project="bench", dir=self.data_dir)

    def logger(self):  # noqa: ANN201
        return self.run.log

    def finish(self) -> None:
        self.run.finish()


class WandbAdapter(Adapter):
    def import_tool(self) -> None:
        import wandb

        self.mod = wandb
        self.version = wandb.__version__

    def init(self) -> None:
        self.run = self.mod.init(project="bench", dir=self.data_dir, mode="offline")

    def logger(self):  # noqa: ANN201
        return self.run.log

    def finish(self) -> None:
        self.run.finish()


class TrackioAdapter(Adapter):
    def import_tool(self) -> None:
        import trackio

        self.mod = trackio
        self.version = getattr(trackio, "__version__", "")

    def init(self) -> None:
        self.mod.init(project="bench", auto_log_gpu=False, auto_log_cpu=False)

    def logger(self):  # noqa: ANN201
        return self.mod.log

    def finish(self) -> None:
        self.mod.finish()


class MlflowAdapter(Adapter):
    with_step = True

    def import_tool(self) -> None:
        import mlflow

        self.mod = mlflow
        self.version = mlflow.__version__

    def init(self) -> None:
        self.mod.set_tracking_uri(mlflow_uri(self.data_dir))
        self.mod.set_experiment("bench")
        run = self.mod.start_run()
        with open(os.path.join(self.data_dir, "run_id.txt"), "w") as f:
            f.write(run.info.run_id)

    def logger(self):  # noqa: ANN201
        return self.mod.log_metrics

    def finish(self) -> None:
        self.mod.end_run()


ADAPTERS = {
    "noop": NoopAdapter,
    "cairn": CairnAdapter,
    "wandb": WandbAdapter,
    "trackio": TrackioAdapter,
    "mlflow": MlflowAdapter,
}


def mlflow_uri(data_dir: str) -> str:
    return "sqlite:///" + os.path.join(data_dir, "mlflow.db")


def child_throughput(tool: str, steps: int, metrics: int, data_dir: str, budget_s: float) -> None:
    """Run the timed workload for ``tool`` and emit its figures."""
    from time import perf_counter_ns as pc

    t0 = pc()
    ad = ADAPTERS[tool](data_dir)
    ad.import_tool()
    t1 = pc()
    ad.init()
    t2 = pc()

    import random
    import resource
    from array import array

    random.seed(0)
    keys = [f"metric_{j}" for j in range(metrics)]
    # 4,096 pre-drawn rows of random floats: building a step's dict is then one cheap
    # dict(zip()), so the harness costs little next to the tracker being measured.
    pool = [[random.random() for _ in keys] for _ in range(4096)]
    lat = array("q", bytes(8 * steps))
    log = ad.logger()
    done = steps
    deadline = pc() + int(budget_s * 1e9)
    start = pc()
    if ad.with_step:
        for i in range(steps):
            d = dict(zip(keys, pool[i & 4095], strict=True))
            a = pc()
            log(d, step=i)
            b = pc()
            lat[i] = b - a
            if b > deadline:
                done = i + 1
                break
    else:
        for i in range(steps):
            d = dict(zip(keys, pool[i & 4095], strict=True))
            a = pc()
            log(d)
            b = pc()
            lat[i] = b - a
            if b > deadline and (i & 255) == 255:
                done = i + 1
                break
    loop_end = pc()
    helpers_kb = peers.tree_peak_rss_kb()  # outside the timed spans
    t3 = pc()
    ad.finish()
    t4 = pc()
    helpers_kb = max(helpers_kb, peers.tree_peak_rss_kb())

    lat_done = sorted(lat[:done])
    peers.emit({
        "tool": tool,
        "version": ad.version,
        "steps": done,
        "cut_short": done < steps,
        "import_ms": (t1 - t0) / 1e6,
        "init_ms": (t2 - t1) / 1e6,
        "log_mean_us": sum(lat_done) / done / 1e3,
        "log_p50_us": peers.percentile(lat_done, 50) / 1e3,
        "log_p99_us": peers.percentile(lat_done, 99) / 1e3,
        "log_max_us": lat_done[-1] / 1e3,
        "loop_s": (loop_end - start) / 1e9,
        "finish_ms": (t4 - t3) / 1e6,
        "steps_per_s": done / ((loop_end - start + t4 - t3) / 1e9),
        "tracker_steps_per_s": done / ((sum(lat_done) + (t4 - t3)) / 1e9),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "helpers_rss_mb": helpers_kb / 1024,
    })


def child_crash(tool: str, metrics: int, data_dir: str, progress: str) -> None:
    """Log flat out forever, appending ``"<step> <monotonic_ns>"`` lines to ``progress``.

    A line ``i t`` means the ``log`` call for step ``i`` (and all before it) had returned by
    monotonic time ``t``. The parent kills this process; it never finishes the run.
    """
    import random

    ad = ADAPTERS[tool](data_dir)
    ad.import_tool()
    ad.init()
    log = ad.logger()
    keys = [f"metric_{j}" for j in range(metrics)]
    rnd = random.random
    mono = time.monotonic_ns
    fd = os.open(progress, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.write(fd, b"start\n")
    next_report = 0
    i = 0
    while True:
        d = {k: rnd() for k in keys}
        if ad.with_step:
            log(d, step=i)
        else:
            log(d)
        now = mono()
        if now >= next_report:
            os.write(fd, b"%d %d\n" % (i, now))
            next_report = now + 2_000_000
        i += 1


# --- readers: which steps survived, per tool (run in that tool's interpreter) -----------
def read_steps(tool: str, data_dir: str) -> list[int]:
    """Every history step readable from ``tool``'s storage under ``data_dir``."""
    return {"cairn": _steps_cairn, "wandb": _steps_wandb, "mlflow": _steps_mlflow,
            "trackio": _steps_trackio}[tool](data_dir)


def _find(data_dir: str, suffix: str) -> list[str]:
    found = []
    for dirpath, _, files in os.walk(data_dir):
        found += [os.path.join(dirpath, f) for f in files if f.endswith(suffix)]
    return sorted(found)


def _steps_cairn(data_dir: str) -> list[int]:
    from cairn.runlog.reader import iter_history

    return [int(row["_step"]) for path in _find(data_dir, "run.cairn") for row in iter_history(path)]


def wandb_payloads(path: str):  # noqa: ANN201 - Iterator[bytes]
    """Reassembled record payloads of a ``.wandb`` file (LevelDB-log framing, CRC-32 IEEE).

    Stops quietly at a torn or corrupt chunk, as a reader after a crash must.
    """
    import struct
    import zlib

    block = 32768
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b":W&B":
        return
    pos, pending = 7, b""
    while True:
        room = block - pos % block
        if room < 7:
            pos += room
            continue
        if pos + 7 > len(data):
            return
        crc, length, typ = struct.unpack_from("<IHB", data, pos)
        payload = data[pos + 7 : pos + 7 + length]
        if typ == 0 or len(payload) < length or zlib.crc32(bytes((typ,)) + payload) != crc:
            return
        pos += 7 + length
        if typ == 1:
            yield payload
        elif typ == 2:
            pending = payload
        elif typ == 3:
            pending += payload
        elif typ == 4:
            yield pending + payload
            pending = b""


def _steps_wandb(data_dir: str) -> list[int]:
    from wandb.proto import wandb_internal_pb2 as pb

    steps = []
    for path in _find(data_dir, ".wandb"):
        for payload in wandb_payloads(path):
            rec = pb.Record()
            rec.ParseFromString(payload)
            if rec.WhichOneof("record_type") == "history":
                steps.append(int(rec.history.step.num))
    return steps


def _steps_mlflow(data_dir: str) -> list[int]:
    from mlflow.tracking import MlflowClient

    with open(os.path.join(data_dir, "run_id.txt")) as f:
        run_id = f.read().strip()
    client = MlflowClient(tracking_uri=mlflow_uri(data_dir))
    return [m.step for m in client.get_metric_history(run_id, "metric_0")]


def _steps_trackio(data_dir: str) -> list[int]:
    import sqlite3

    steps = []
    for path in _find(data_dir, ".db"):
        con = sqlite3.connect(path)
        try:
            steps += [int(r[0]) for r in con.execute("SELECT step FROM metrics")]
        except sqlite3.Error:
            pass
        finally:
            con.close()
    return steps


def child_read(tool: str, data_dir: str, upto: int) -> None:
    steps = set(read_steps(tool, data_dir))
    peers.emit({
        "rows": len(steps),
        "readable_upto": sum(1 for s in steps if 0 <= s <= upto),
        "max_step": max(steps) if steps else None,
    })


# ----------------------------------------------------------------------------------------
# Parent side
# ----------------------------------------------------------------------------------------
def _tool_dirs(tool: str, tag: str) -> tuple[str, str, dict[str, str]]:
    import tempfile

    tmp = tempfile.mkdtemp(prefix=f"cairn-bench-{tool}-{tag}-")
    data = os.path.join(tmp, "data")
    os.makedirs(data)
    env = peers.peer_env(tmp, {
        "TRACKIO_DIR": os.path.join(data, "trackio"),
        "TRACKIO_STORAGE_MODE": "sqlite",
        "HF_HOME": os.path.join(tmp, "aux", "hf"),
    })
    return tmp, data, env


def _child_argv(*args: object) -> list[str]:
    return [os.path.abspath(__file__), *(str(a) for a in args)]


def run_throughput(
    tool: str, steps: int, metrics: int, budget_s: float, warm: bool = True
) -> dict:
    """One fresh child running the timed workload; adds disk bytes per step.

    With ``warm``, a short untimed run goes first so that bytecode caches (and any
    first-use files a tool writes outside its run) exist: import figures are warm imports.
    """
    import shutil

    if warm and tool != "noop":
        run_throughput(tool, 10, metrics, budget_s, warm=False)
    tmp, data, env = _tool_dirs(tool, "tput")
    try:
        res = peers.run_child(
            peers.python_for(tool),
            _child_argv("--child", tool, "--steps", steps, "--metrics", metrics,
                        "--dir", data, "--budget-s", budget_s),
            env=env, cwd=data, timeout=budget_s * 4 + 300,
        )
        if "error" not in res:
            res["disk_bytes"] = peers.dir_bytes(data)
            res["bytes_per_step"] = res["disk_bytes"] / res["steps"]
            if warm and tool != "noop":  # check the reader (and the tool) on a finished run
                read = peers.run_child(
                    peers.python_for(tool),
                    _child_argv("--read", tool, "--dir", data, "--upto", res["steps"] - 1),
                    env=env, cwd=data, timeout=600,
                )
                res["read_back"] = read.get("readable_upto", read.get("error"))
        return res
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_BEST_LOW = frozenset(("import_ms", "init_ms", "log_mean_us", "log_p50_us", "log_p99_us",
                       "log_max_us", "loop_s", "finish_ms"))
_BEST_HIGH = frozenset(("steps_per_s", "tracker_steps_per_s"))


def repeated_throughput(tool: str, steps: int, metrics: int, budget_s: float, n: int) -> dict:
    """:func:`run_throughput` ``n`` times (fresh processes); the best run's figure for each.

    Times take the minimum and rates the maximum over the runs (as ``timeit`` does: on a
    shared machine the least-disturbed run is the closest to the tool's own cost); sizes
    and step counts take the median. ``runs`` keeps how many runs succeeded, ``per_run``
    their raw figures; the first failure is returned if none did.
    """
    import statistics

    runs = [run_throughput(tool, steps, metrics, budget_s, warm=(k == 0)) for k in range(n)]
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return runs[0]
    out = dict(ok[0])
    for key, value in ok[0].items():
        vals = [r.get(key) for r in ok]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and all(
            isinstance(v, (int, float)) for v in vals
        ):
            if key in _BEST_LOW:
                out[key] = min(vals)
            elif key in _BEST_HIGH:
                out[key] = max(vals)
            else:
                med = statistics.median(vals)
                out[key] = round(med) if isinstance(value, int) else med
    out["runs"] = len(ok)
    out["per_run"] = ok
    return out


def run_crash(tool: str, metrics: int, kill_after: float) -> dict:
    """SIGKILL a flat-out logging child and count the steps it lost (see module doc)."""
    import shutil
    import signal
    import subprocess

    python = peers.python_for(tool)
    if python is None:
        return {"error": "peer venv missing"}
    tmp, data, env = _tool_dirs(tool, "kill")
    progress = os.path.join(tmp, "progress.txt")
    log_path = os.path.join(tmp, "child.log")
    try:
        with open(log_path, "wb") as out:
            proc = subprocess.Popen(
                [python, *_child_argv("--crash-child", tool, "--metrics", metrics,
                                      "--dir", data, "--progress", progress)],
                env=env, cwd=data, stdout=out, stderr=subprocess.STDOUT,
            )
        started = time.monotonic()
        while True:  # wait for logging to begin (past import and init)
            if proc.poll() is not None:
                with open(log_path, errors="replace") as f:
                    return {"error": f"exit {proc.returncode}: {peers.last_error_line(f.read())}"}
            if os.path.exists(progress) and os.path.getsize(progress) > len("start\n"):
                break
            if time.monotonic() - started > 300:
                proc.kill()
                proc.wait()
                return {"error": "logging did not start within 300 s"}
            time.sleep(0.005)
        time.sleep(kill_after)
        helpers = peers.descendants(proc.pid)
        kill_ns = time.monotonic_ns()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # Helper processes (wandb-core) may still flush what they were handed; give them
        # time to notice the dead parent and exit, then stop any that hang on.
        lingering = helpers
        deadline = time.monotonic() + 20
        while lingering and time.monotonic() < deadline:
            time.sleep(0.05)
            lingering = {p for p in lingering if os.path.exists(f"/proc/{p}")}
        for p in lingering:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        cutoff = kill_ns - 100_000_000
        last_step, last_total = -1, -1
        with open(progress) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2:
                    last_total = int(parts[0])
                    if int(parts[1]) <= cutoff:
                        last_step = int(parts[0])
        read = peers.run_child(
            python, _child_argv("--read", tool, "--dir", data, "--upto", last_step),
            env=env, cwd=data, timeout=300,
        )
        if "error" in read:
            return {"error": "read back: " + read["error"]}
        logged = last_step + 1
        return {
            "logged_before_cutoff": logged,
            "logged_total": last_total + 1,
            "readable": read["readable_upto"],
            "rows_after_kill": read["rows"],
            "lost": logged - read["readable_upto"],
            "helpers_killed": len(lingering),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


COLUMNS = (  # (header, key)
    ("tool", "tool"),
    ("steps", "steps"),
    ("import ms", "import_ms"),
    ("init ms", "init_ms"),
    ("log us mean", "log_mean_us"),
    ("log us p99", "log_p99_us"),
    ("steps/s e2e", "steps_per_s"),
    ("steps/s log+fin", "tracker_steps_per_s"),
    ("finish ms", "finish_ms"),
    ("RSS MB", "rss_mb"),
    ("+helpers MB", "helpers_rss_mb"),
    ("bytes/step", "bytes_per_step"),
    ("read back", "read_back"),
    ("kill: logged", "logged_before_cutoff"),
    ("kill: lost", "lost"),
)


def report(results: dict[str, dict], args: argparse.Namespace) -> str:
    lines = [
        f"Log throughput: {args.steps:,} steps x {args.metrics} float metrics, one log() per "
        f"step, each tool in a fresh process; best of {args.repeat} runs for times and rates "
        "(min time, max rate), median for sizes",
        "",
    ]
    rows, errors = [], []
    for tool, res in results.items():
        if "error" in res:
            errors.append(f"  {tool}: FAILED: {res['error']}")
            continue
        label = tool + (f" {res['version']}" if res.get("version") else "")
        rows.append([label] + [res.get(key) for _, key in COLUMNS[1:]])
    lines.append(peers.table([h for h, _ in COLUMNS], rows))
    load = getattr(args, "loadavg", None)
    if load:
        lines.append(f"(machine: {os.cpu_count()} CPUs; 1-min load average {load[0]:.1f} at "
                     f"start, {load[1]:.1f} at end: other work on the machine inflates times)")
    lines += errors
    notes = []
    for tool, res in results.items():
        if "error" in res:
            continue
        if res.get("steps", args.steps) < args.steps:
            runs = res.get("per_run", [res])
            cut = sum(1 for r in runs if r.get("cut_short"))
            why = []
            if tool == "mlflow" and args.mlflow_steps < args.steps:
                why.append(f"--mlflow-steps {args.mlflow_steps:,}")
            if cut:
                why.append(f"cut by the {args.budget_s:.0f} s budget in {cut} of {len(runs)} runs")
            notes.append(f"{tool} ran {res['steps']:,} steps (median), not {args.steps:,} "
                         f"({'; '.join(why)}); its per-step figures are over those steps.")
        if res.get("crash_error"):
            notes.append(f"{tool} kill test failed: {res['crash_error']}")
        elif res.get("helpers_killed"):
            notes.append(f"{tool}: {res['helpers_killed']} helper process(es) still alive 20 s "
                         "after the kill were killed before reading back.")
    if "noop" in results and "error" not in results["noop"]:
        n = results["noop"]
        notes.append(f"noop = the harness alone (timer pair + empty call: {n['log_mean_us']:.3f}"
                     f" us/call; whole loop: {1e6 / n['steps_per_s']:.2f} us/step).")
    notes += [
        "import/init/finish: wall time in the child; log us: perf_counter_ns around the call "
        "only; steps/s e2e: steps / (first log .. finish returned), dict building included; "
        "steps/s log+fin: steps / (sum of log call times + finish).",
        "RSS MB: the child's own peak (getrusage); +helpers MB: peak of processes it spawned "
        "(wandb-core), sampled before and after finish.",
        "bytes/step: all bytes under the tool's temp dir after finish / steps; read back: "
        "steps read from the tool's storage after finish (the kill test's reader).",
        f"kill: steps whose log() returned >=100 ms before a SIGKILL ~{args.kill_after} s into "
        "logging; lost = those not readable from the tool's storage afterwards; worst of "
        f"{args.kill_trials} trials (logged = that trial's count).",
    ]
    for tool, res in results.items():
        if res.get("lost_per_trial") is not None:
            notes.append(f"{tool} lost per trial: {res['lost_per_trial']}")
    lines += ["", *("  * " + n for n in notes)]
    peers_ok = [t for t in results if t not in ("cairn", "noop") and "error" not in results[t]]
    if "cairn" in results and "error" not in results["cairn"] and peers_ok:
        figures = [
            ("log us mean", "log_mean_us", False),
            ("log us p99", "log_p99_us", False),
            ("steps/s e2e", "steps_per_s", True),
            ("import ms", "import_ms", False),
            ("init ms", "init_ms", False),
            ("finish ms", "finish_ms", False),
            ("RSS MB", "rss_mb", False),
            ("bytes/step", "bytes_per_step", False),
        ]
        sub = {t: results[t] for t in ["cairn", *peers_ok]}
        lines += ["", "Ratios (>1 = cairn better by that factor):",
                  peers.ratio_table(sub, figures)]
    if "cairn" in results and "error" not in results["cairn"]:
        c = results["cairn"]
        lines += ["", "Cairn targets:"]
        for label, key, limit, lower in TARGETS:
            v = c.get(key)
            if v is None:
                lines.append(f"  [ ?  ] {label}: not measured")
                continue
            ok = v <= limit if lower else v >= limit
            lines.append(f"  [{'MET ' if ok else 'MISS'}] {label}: {peers.fmt_num(v)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=100_000)
    p.add_argument("--metrics", type=int, default=10)
    p.add_argument("--tools", default="noop,cairn,wandb,trackio,mlflow",
                   help="comma-separated subset of noop,cairn,wandb,trackio,mlflow")
    p.add_argument("--mlflow-steps", type=int, default=2_000,
                   help="MLflow logs ~ms per step: run it for this many steps")
    p.add_argument("--budget-s", type=float, default=60.0,
                   help="stop a tool's logging loop after this many seconds")
    p.add_argument("--repeat", type=int, default=3,
                   help="timed runs per tool (fresh processes): best time/rate, median size")
    p.add_argument("--kill-after", type=float, default=1.5)
    p.add_argument("--kill-trials", type=int, default=3,
                   help="SIGKILL trials per tool; the table shows the worst")
    p.add_argument("--no-kill", action="store_true", help="skip the SIGKILL durability test")
    p.add_argument("--json", help="also write the raw results to this file")
    # child modes (internal)
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--crash-child", help=argparse.SUPPRESS)
    p.add_argument("--read", help=argparse.SUPPRESS)
    p.add_argument("--dir", help=argparse.SUPPRESS)
    p.add_argument("--progress", help=argparse.SUPPRESS)
    p.add_argument("--upto", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child:
        child_throughput(args.child, args.steps, args.metrics, args.dir, args.budget_s)
        return 0
    if args.crash_child:
        child_crash(args.crash_child, args.metrics, args.dir, args.progress)
        return 0
    if args.read:
        child_read(args.read, args.dir, args.upto)
        return 0

    results: dict[str, dict] = {}
    load_start = os.getloadavg()[0]
    for tool in [t.strip() for t in args.tools.split(",") if t.strip()]:
        if tool not in ADAPTERS:
            results[tool] = {"error": "unknown tool"}
            continue
        steps = min(args.steps, args.mlflow_steps) if tool == "mlflow" else args.steps
        print(f"[{time.strftime('%H:%M:%S')}] {tool}: {steps:,} steps ...", file=sys.stderr,
              flush=True)
        res = repeated_throughput(tool, steps, args.metrics, args.budget_s, args.repeat)
        if "error" not in res and tool != "noop" and not args.no_kill:
            print(f"[{time.strftime('%H:%M:%S')}] {tool}: SIGKILL test ...", file=sys.stderr,
                  flush=True)
            trials = [run_crash(tool, args.metrics, args.kill_after)
                      for _ in range(args.kill_trials)]
            ok = [c for c in trials if "error" not in c]
            if not ok:
                res["crash_error"] = trials[0]["error"]
            else:
                worst = max(ok, key=lambda c: c["lost"])
                res.update(worst)
                res["lost_per_trial"] = [c["lost"] for c in ok]
                res["helpers_killed"] = sum(c["helpers_killed"] for c in ok)
        results[tool] = res
        if "error" in res:
            print(f"  {tool} FAILED: {res['error']}", file=sys.stderr, flush=True)
    args.loadavg = (load_start, os.getloadavg()[0])
    text = report(results, args)
    print(text)
    if args.json:
        import json

        with open(args.json, "w") as f:
            json.dump({"args": vars(args), "results": results}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
