"""UI figures in headless Chromium against a real ``cairn server`` process.

Run:  .venv/bin/python benchmarks/ui.py [--big 1000000] [--overlay-runs 100]
      [--overlay-steps 100000] [--table-runs 10000] [--keep DIR]

Figures (printed with their targets, never asserted):

* navigation -> first drawn chart on the run page of one run of ``--big`` steps x 10 metrics,
  and -> all 10 charts drawn (target <= 1 s);
* navigation -> ``--overlay-runs`` runs x ``--overlay-steps`` steps drawn in one chart
  (target <= 2 s);
* navigation -> first painted row of the runs table of a project of ``--table-runs`` runs
  (target <= 500 ms);
* each page figure is the median of 3 loads, each in a fresh browser context;
* latency of ``POST /api/v1/history/buckets`` (1,000 buckets) over 10,000 vs ``--big`` steps,
  median of 20: the bucketed view must not grow with history length.

Times are measured in the page (``performance.now()``: from navigation start), so browser
start-up is excluded and request, parse, layout and drawing are included. Run files are written
straight to disk in the run-file format (header + frames, as ``RunWriter`` writes them, without
its per-row queue), then indexed once before the server starts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

CHROMIUM = os.environ.get("CAIRN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
TARGETS = {"first_chart_ms": 1000, "all_10_charts_ms": 1000, "overlay_ms": 2000,
           "table_first_paint_ms": 500}


def write_run(root: str, rid: str, project: str, steps: int, metrics: int, seed: int = 0,
              config: dict | None = None, start: float = 1.7e9) -> None:
    """A finished run of ``steps`` rows x ``metrics`` random-walk metrics (m0, m1, ...)."""
    import numpy as np

    from cairn.runlog import format as fmt

    d = os.path.join(root, "runs", rid)
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(seed)
    cols = [rng.normal(size=steps).cumsum().tolist() for _ in range(metrics)]
    step_l = list(range(steps))
    t_l = (start + np.arange(steps) * 0.001).tolist()
    names = [f"m{k}" for k in range(metrics)]
    with open(os.path.join(d, "run.cairn"), "wb") as f:
        f.write(fmt.HEADER)
        f.write(fmt.frame(fmt.RUN, fmt.pack({"id": rid, "project": project, "name": rid,
                                             "start_time": start, "runtime_offset": 0.0,
                                             "host": "bench", "pid": 0, "config": config or {}})))
        f.write(fmt.frame(fmt.KEYS, fmt.pack({"schema": 0, "keys": names})))
        rows = [[0, s, t, *vals] for s, t, *vals in zip(step_l, t_l, *cols, strict=True)]
        for i in range(0, steps, 2048):
            f.write(fmt.frame(fmt.HISTORY, fmt.pack(rows[i:i + 2048])))
        summary = {n: c[-1] for n, c in zip(names, cols, strict=True)}
        f.write(fmt.frame(fmt.SUMMARY, fmt.pack({"final": {**summary, "_step": steps - 1}})))
        f.write(fmt.frame(fmt.EXIT, fmt.pack({"exit_code": 0, "runtime": steps * 0.001,
                                              "time": start + steps * 0.001})))


def write_small_runs(root: str, project: str, n: int) -> None:
    """``n`` finished runs with config and summary but no history (the runs-table case)."""
    from cairn.runlog import format as fmt

    for i in range(n):
        rid = f"t{i:05d}"
        d = os.path.join(root, "runs", rid)
        os.makedirs(d)
        t0 = 1.7e9 + i
        recs = [
            (fmt.RUN, {"id": rid, "project": project, "name": f"run-{i}", "start_time": t0,
                       "host": "bench", "pid": 0, "tags": ["a"],
                       "config": {"lr": 10 ** -(i % 4), "layers": i % 8}}),
            (fmt.SUMMARY, {"final": {"acc": (i % 100) / 100, "_step": 100}}),
            (fmt.EXIT, {"exit_code": 0, "runtime": 10.0, "time": t0 + 10}),
        ]
        with open(os.path.join(d, "run.cairn"), "wb") as f:
            f.write(fmt.HEADER + b"".join(fmt.frame(t, fmt.pack(p)) for t, p in recs))


def page_time(browser, url: str, condition: str, arg=None, timeout: float = 60000,
              repeat: int = 3) -> float:
    """Median ms from navigation start until ``condition`` (a JS function) holds, each time in
    a fresh browser context (no HTTP cache, no page state)."""
    times = []
    for _ in range(repeat):
        ctx = browser.new_context(viewport={"width": 1400, "height": 900})
        page = ctx.new_page()
        page.goto(url, wait_until="commit")
        page.wait_for_function(condition, arg=arg, timeout=timeout, polling="raf")
        times.append(page.evaluate("() => performance.now()"))
        ctx.close()
    return statistics.median(times)


def bucket_latency(url: str, rid: str, n: int = 20) -> float:
    body = json.dumps({"run_ids": [rid], "keys": ["m0"], "buckets": 1000}).encode()
    ts = []
    for _ in range(n):
        req = urllib.request.Request(url + "/api/v1/history/buckets", data=body,
                                     headers={"Content-Type": "application/json"})
        t = time.perf_counter()
        with urllib.request.urlopen(req) as r:
            r.read()
        ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts)


CHARTS_DRAWN = """n => { const c = (window.__cairn || {}).charts || {};
  return Object.keys(c).filter(k => /^m\\d+$/.test(k) && c[k].series.length).length >= n; }"""
OVERLAY_DRAWN = """n => { const c = ((window.__cairn || {}).charts || {})['m0'];
  return !!c && c.series.length >= n; }"""
TABLE_PAINTED = "() => document.querySelector('.tr[data-run-id]') !== null"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--overlay-runs", type=int, default=100)
    ap.add_argument("--overlay-steps", type=int, default=100_000)
    ap.add_argument("--table-runs", type=int, default=10_000)
    ap.add_argument("--keep", default=None, help="use/keep this root (skips writing if indexed)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from cairn.store.index import open_index

    tmp = args.keep or tempfile.mkdtemp(prefix="cairn-ui-bench-")
    root = os.path.join(tmp, "root")
    if not os.path.exists(os.path.join(root, "index.sqlite")):
        t = time.perf_counter()
        print(f"writing run files under {root} ...", flush=True)
        write_run(root, "big", "big", args.big, 10)
        write_run(root, "small", "big", 10_000, 10, seed=1)
        for i in range(args.overlay_runs):
            write_run(root, f"o{i:03d}", "overlay", args.overlay_steps, 1, seed=i + 2,
                      config={"lr": 10 ** -(i % 4)})
        write_small_runs(root, "table", args.table_runs)
        print(f"  written in {time.perf_counter() - t:.1f} s; indexing ...", flush=True)
        t = time.perf_counter()
        ix = open_index(root)
        ix.ingest()
        ix.close()
        print(f"  indexed in {time.perf_counter() - t:.1f} s", flush=True)
    from tests.server.http import start_server_process, stop_server_process

    proc, url = start_server_process(root, timeout=60)
    out: dict[str, float] = {}
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page_time(b, url + "/#/", "() => document.querySelector('.projects') !== null", repeat=1)
            out["first_chart_ms"] = page_time(b, url + "/#/p/big/run/big?tab=charts", CHARTS_DRAWN, 1)
            out["all_10_charts_ms"] = page_time(b, url + "/#/p/big/run/big?tab=charts", CHARTS_DRAWN, 10)
            out["overlay_ms"] = page_time(b, url + f"/#/p/overlay?n={args.overlay_runs}", OVERLAY_DRAWN,
                                          args.overlay_runs)
            out["table_first_paint_ms"] = page_time(b, url + "/#/p/table", TABLE_PAINTED)
            b.close()
        out["buckets_10k_ms"] = bucket_latency(url, "small")
        out[f"buckets_{args.big // 1000}k_ms"] = bucket_latency(url, "big")
    finally:
        stop_server_process(proc)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nCairn UI ({args.big:,} steps x 10 metrics; {args.overlay_runs} x "
          f"{args.overlay_steps:,} overlay; {args.table_runs:,} runs table)")
    for k, v in out.items():
        tgt = TARGETS.get(k)
        mark = "" if tgt is None else f"  (target <= {tgt} ms: {'ok' if v <= tgt else 'MISSED'})"
        print(f"  {k:28s} {v:9.1f} ms{mark}")
    ratio = out[f"buckets_{args.big // 1000}k_ms"] / out["buckets_10k_ms"]
    print(f"  buckets latency ratio {args.big // 1000}k / 10k steps: {ratio:.2f}x "
          "(flat = does not grow with history length)")


if __name__ == "__main__":
    main()
