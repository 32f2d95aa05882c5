"""Artifact cost: log, re-log unchanged content, and download — Cairn vs wandb (offline) vs MLflow.

Run:  .venv/bin/python benchmarks/artifacts.py [--size-mb 1024] [--files 1000]

The input is one folder of ``--files`` files of random bytes totalling ``--size-mb`` MiB,
built once before any timer starts and shared by every tool. Each tool runs in a fresh
interpreter (Cairn with ``.venv``, the peers with ``.bench/venv``) writing under its own temp
dir, and reports:

* ``log s``: build the artifact from the folder and log it until the tool has the bytes
  (Cairn: ``Artifact.add_dir`` + ``log_artifact``, committed when it returns; wandb offline:
  ``add_dir`` + ``log_artifact`` + ``finish``, which stages the files; MLflow:
  ``log_artifacts`` into its local store);
* ``re-log s``: the same content logged again (Cairn and wandb deduplicate by digest;
  MLflow copies again) and the bytes that second log added on disk;
* ``download s``: getting the files back into a fresh folder (wandb offline cannot
  download: it needs a server, so its cell says so).

Before the tools run, the disk's sequential write speed is measured on the same volume
(dd-like: 4 MiB blocks of random bytes, with and without a final fsync), so Cairn's log
rate can be stated as a share of it. No tool fsyncs its artifact files, so the page-cache
figure is the ceiling that applies while the data fits in memory.

Figures are printed, never asserted. A tool whose interpreter lacks it prints "not installed".
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time

import peers

TOOLS = ("cairn", "wandb", "mlflow")


# -- child side ---------------------------------------------------------------------------
def _cairn(data: str, tmp: str) -> dict:
    os.environ["CAIRN_ROOT"] = os.path.join(tmp, "root")
    import cairn
    from cairn.artifacts import Artifact

    run = cairn.init(project="bench", settings={"silent": True, "console": "off", "x_disable_stats": True})
    t = time.perf_counter()
    art = Artifact("data", "dataset")
    art.add_dir(data)
    run.log_artifact(art)
    log_s = time.perf_counter() - t
    before = peers.dir_bytes(tmp)
    t = time.perf_counter()
    again = Artifact("data", "dataset")
    again.add_dir(data)
    run.log_artifact(again)
    relog_s = time.perf_counter() - t
    relog_bytes = peers.dir_bytes(tmp) - before
    t = time.perf_counter()
    run.use_artifact("data:latest").download(os.path.join(tmp, "dl"))
    dl_s = time.perf_counter() - t
    run.finish(quiet=True)
    return {"log_s": log_s, "relog_s": relog_s, "relog_bytes": relog_bytes, "download_s": dl_s,
            "versions": 1 + (again.version != art.version)}


def _wandb(data: str, tmp: str) -> dict:
    import wandb

    run = wandb.init(project="bench", dir=tmp, mode="offline")
    t = time.perf_counter()
    art = wandb.Artifact("data", "dataset")
    art.add_dir(data)
    run.log_artifact(art)
    log_s = time.perf_counter() - t
    before = peers.dir_bytes(tmp)
    t = time.perf_counter()
    again = wandb.Artifact("data", "dataset")
    again.add_dir(data)
    run.log_artifact(again)
    t_fin = time.perf_counter()
    run.finish()
    fin_s = time.perf_counter() - t_fin
    relog_s = time.perf_counter() - t - fin_s
    relog_bytes = peers.dir_bytes(tmp) - before
    return {"log_s": log_s + fin_s, "relog_s": relog_s, "relog_bytes": relog_bytes,
            "download_s": None, "note": "download needs a server (offline)"}


def _mlflow(data: str, tmp: str) -> dict:
    import mlflow

    mlflow.set_tracking_uri("sqlite:///" + os.path.join(tmp, "mlflow.db"))
    exp = mlflow.create_experiment("bench", artifact_location="file://" + os.path.join(tmp, "mlartifacts"))
    with mlflow.start_run(experiment_id=exp) as r:
        t = time.perf_counter()
        mlflow.log_artifacts(data, artifact_path="data")
        log_s = time.perf_counter() - t
        before = peers.dir_bytes(tmp)
        t = time.perf_counter()
        mlflow.log_artifacts(data, artifact_path="data-again")
        relog_s = time.perf_counter() - t
        relog_bytes = peers.dir_bytes(tmp) - before
        t = time.perf_counter()
        mlflow.artifacts.download_artifacts(run_id=r.info.run_id, artifact_path="data",
                                            dst_path=os.path.join(tmp, "dl"))
        dl_s = time.perf_counter() - t
    return {"log_s": log_s, "relog_s": relog_s, "relog_bytes": relog_bytes, "download_s": dl_s}


def child(tool: str, data: str, tmp: str) -> None:
    try:
        __import__("cairn" if tool == "cairn" else tool)
    except ImportError:
        peers.emit({"error": "not installed"})
        return
    peers.emit({"cairn": _cairn, "wandb": _wandb, "mlflow": _mlflow}[tool](data, tmp))


# -- parent side --------------------------------------------------------------------------
def make_data(path: str, size_mb: int, files: int) -> int:
    """``files`` files of random bytes totalling ``size_mb`` MiB, in a few sub-folders."""
    per = max(1, (size_mb << 20) // files)
    block = os.urandom(1 << 20)
    total = 0
    for i in range(files):
        d = os.path.join(path, f"part{i % 10}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{i:05d}.bin"), "wb") as f:
            head = i.to_bytes(8, "little")  # every file distinct, so nothing dedups by accident
            left = per - len(head)
            f.write(head)
            while left > 0:
                n = min(left, len(block))
                f.write(block[:n])
                left -= n
        total += per
    return total


def disk_write_speed(path: str, total: int) -> tuple[float, float]:
    """MiB/s of writing ``total`` bytes of random data sequentially in 4 MiB blocks to ``path``
    (dd-like), ``(with a final fsync, without)``; the file is removed afterwards. The best of
    two tries each, since other processes share the disk."""
    block = os.urandom(4 << 20)
    out = []
    for sync in (True, False):
        best = 0.0
        for _ in range(2):
            t = time.perf_counter()
            with open(path, "wb") as f:
                left = total
                while left > 0:
                    left -= f.write(block[:min(left, len(block))])
                f.flush()
                if sync:
                    os.fsync(f.fileno())
            best = max(best, total / 2**20 / (time.perf_counter() - t))
            os.unlink(path)
        out.append(best)
    return out[0], out[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=int, default=1024, help="total artifact size in MiB (default 1024)")
    ap.add_argument("--files", type=int, default=1000, help="number of files (default 1000)")
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of " + ",".join(TOOLS))
    ap.add_argument("--child", nargs=3, metavar=("TOOL", "DATA", "TMP"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    base = tempfile.mkdtemp(prefix="cairn-bench-art-")
    try:
        data = os.path.join(base, "data")
        t = time.perf_counter()
        total = make_data(data, args.size_mb, args.files)
        print(f"input: {args.files} files, {total / 2**20:.0f} MiB (built in {time.perf_counter() - t:.1f} s)")
        disk_sync, disk_cached = disk_write_speed(os.path.join(base, "ddtest"), total)
        print(f"disk, same volume, 4 MiB blocks: {disk_sync:.0f} MiB/s with fsync, "
              f"{disk_cached:.0f} MiB/s into the page cache (no fsync)")
        results = {}
        for tool in args.tools.split(","):
            tmp = os.path.join(base, tool)
            os.makedirs(tmp)
            env = peers.peer_env(tmp)
            env["PYTHONPATH"] = os.pathsep.join(p for p in (os.path.dirname(os.path.abspath(__file__)),
                                                            peers.ROOT) if p)
            results[tool] = peers.run_child(peers.python_for(tool), [os.path.abspath(__file__), "--child", tool, data, tmp],
                                            env=env, cwd=tmp, timeout=1800)
            shutil.rmtree(tmp, ignore_errors=True)
        rows = []
        for tool, r in results.items():
            if "error" in r:
                rows.append([tool, r["error"], "", "", ""])
                continue
            rows.append([tool, peers.fmt_num(r["log_s"]), peers.fmt_num(r["relog_s"]),
                         f"{r['relog_bytes'] / 2**20:.1f} MiB",
                         peers.fmt_num(r["download_s"]) if r["download_s"] is not None else r.get("note", "n/a")])
        print(peers.table(["tool", "log s", "re-log s", "re-log adds", "download s"], rows))
        c = results.get("cairn", {})
        if "error" not in c:
            mb = total / 2**20
            print(f"cairn: log {mb / c['log_s']:.0f} MiB/s ({100 * mb / c['log_s'] / disk_sync:.0f}% of the "
                  f"disk's fsync'd write speed), download {mb / c['download_s']:.0f} MiB/s, "
                  f"re-log {c['relog_s'] / c['log_s']:.2f}x of first log")
            for tool in ("wandb", "mlflow"):
                r = results.get(tool, {})
                if "error" not in r and r:
                    print(f"cairn vs {tool} (>1: cairn faster): log {peers.ratio(c['log_s'], r['log_s'], False)}, "
                          f"re-log {peers.ratio(c['relog_s'], r['relog_s'], False)}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
