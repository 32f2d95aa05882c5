"""Media logging cost: Cairn vs wandb (offline), side by side.

Run:  .venv/bin/python benchmarks/media.py [--images 50] [--hists 20] [--tables 10]

Three workloads, each in its own run, with inputs built before any timer starts:

* ``image``: ``log({"img": Image(a)})`` for distinct random 256×256 RGB uint8 arrays;
* ``histogram``: ``log({"h": Histogram(v)})`` for 1,000,000 float64 values, 64 bins;
* ``table``: ``log({"t": Table(columns, rows)})`` for 1,000 rows × 4 columns (int, float,
  str, float).

Figures per logged item: ``call ms`` (median ``log`` call including the constructor, in the
caller's thread; the median resists noise from other processes on a shared machine) and ``e2e ms`` ((all calls + ``finish``) / items: wandb encodes and writes
some work in its background service, so this is the fair comparison), plus bytes on disk per
item. Each tool runs in a fresh interpreter (Cairn with ``.venv``, wandb with
``.bench/venv``); without the peer venv wandb's column says "not installed". Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import peers

WORKLOADS = ("image", "histogram", "table")


# -- child side ---------------------------------------------------------------------------
def _inputs(kind: str, n: int) -> list:
    import numpy as np

    rng = np.random.default_rng(0)
    if kind == "image":
        return [rng.integers(0, 256, (256, 256, 3), dtype=np.uint8) for _ in range(n)]
    if kind == "histogram":
        return [rng.normal(size=1_000_000) for _ in range(n)]
    return [[[i, float(i) * 0.5, f"row {i}", float(rng.random())] for i in range(1000)] for _ in range(n)]


def _log_value(wandb, kind: str, x):
    if kind == "image":
        return {"img": wandb.Image(x)}
    if kind == "histogram":
        return {"h": wandb.Histogram(x)}
    return {"t": wandb.Table(columns=["id", "half", "name", "rand"], data=x)}


def child(tool: str, counts: dict[str, int], tmp: str) -> None:
    if tool == "cairn":
        import cairn as wandb
    else:
        import wandb
    out = {}
    for kind in WORKLOADS:
        n = counts[kind]
        xs = _inputs(kind, n)
        d = os.path.join(tmp, f"{tool}-{kind}")
        os.makedirs(d, exist_ok=True)
        settings = {"silent": True, "console": "off", "x_disable_stats": True, "disable_git": True} if tool == "cairn" else wandb.Settings(
            silent=True, console="off", mode="offline", disable_git=True, x_disable_stats=True)
        run = wandb.init(dir=d, project="media-bench", settings=settings, mode="offline")
        calls = []
        t_first = time.perf_counter()
        for x in xs:
            t0 = time.perf_counter()
            run.log(_log_value(wandb, kind, x))
            calls.append(time.perf_counter() - t0)
        run.finish()
        e2e = time.perf_counter() - t_first
        calls.sort()
        out[kind] = {"call_ms": calls[len(calls) // 2] * 1000, "e2e_ms": e2e * 1000 / n,
                     "bytes": _disk_bytes(d) / n}
    peers.emit(out)


def _disk_bytes(path: str) -> int:
    """Bytes under ``path``, counting hard-linked files once (Cairn links media to its blobs)."""
    seen, total = set(), 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            st = os.lstat(os.path.join(dirpath, name))
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total


# -- parent side --------------------------------------------------------------------------
def _fmt(v: float | None, unit: str = "") -> str:
    if v is None:
        return "-"
    if unit == "B":
        return f"{v / 1024:,.0f} KiB" if v >= 10240 else f"{v:,.0f} B"
    return f"{v:,.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--images", type=int, default=50)
    ap.add_argument("--hists", type=int, default=20)
    ap.add_argument("--tables", type=int, default=10)
    ap.add_argument("--child", choices=("cairn", "wandb"))
    ap.add_argument("--tmp")
    a = ap.parse_args()
    counts = {"image": a.images, "histogram": a.hists, "table": a.tables}
    if a.child:
        child(a.child, counts, a.tmp)
        return
    argv = [os.path.abspath(__file__), "--images", str(a.images), "--hists", str(a.hists),
            "--tables", str(a.tables)]
    results = {}
    for tool in ("cairn", "wandb"):
        py = peers.python_for(tool)
        if py is None:
            results[tool] = {"error": "not installed"}
            continue
        with tempfile.TemporaryDirectory(prefix=f"media-{tool}-") as tmp:
            env = peers.peer_env(tmp)
            env["PYTHONPATH"] = os.pathsep.join(p for p in (os.path.dirname(os.path.abspath(__file__)),
                                                             peers.ROOT, env.get("PYTHONPATH")) if p)
            results[tool] = peers.run_child(py, [*argv, "--child", tool, "--tmp", tmp], env=env, cwd=tmp)
    labels = {"image": "256x256 RGB image", "histogram": "64-bin histogram of 1M values",
              "table": "1,000-row table"}
    print(f"media logging, per item (images={a.images}, histograms={a.hists}, tables={a.tables})")
    head = f"{'workload':32} {'cairn call ms':>14} {'cairn e2e ms':>13} {'cairn disk':>11}" \
           f" {'wandb call ms':>14} {'wandb e2e ms':>13} {'wandb disk':>11} {'e2e ratio':>10}"
    print(head)
    print("-" * len(head))
    for kind in WORKLOADS:
        c = results["cairn"].get(kind, {})
        w = results["wandb"].get(kind, {})
        ratio = f"{w['e2e_ms'] / c['e2e_ms']:.1f}x" if c and w and c["e2e_ms"] else "-"
        print(f"{labels[kind]:32} {_fmt(c.get('call_ms')):>14} {_fmt(c.get('e2e_ms')):>13}"
              f" {_fmt(c.get('bytes'), 'B'):>11} {_fmt(w.get('call_ms')):>14} {_fmt(w.get('e2e_ms')):>13}"
              f" {_fmt(w.get('bytes'), 'B'):>11} {ratio:>10}")
    for tool, r in results.items():
        if "error" in r:
            print(f"{tool}: {r['error']}")
    print("e2e ratio = wandb e2e ms / cairn e2e ms (higher: Cairn faster)")


if __name__ == "__main__":
    sys.exit(main())
