"""Read-side figures: ingest rate, full metric history, bucketed views, filtered run queries.

Run:  .venv/bin/python benchmarks/read_side.py [--url URL] [--big 1000000] [--runs 10000]
      [--peer-steps 100000] [--no-peers]

Cairn figures (in this process, on a temp root; SQLite unless ``--url`` names PostgreSQL):

* ingest rate: metric values per second for a 200,000-step x 10-metric run file;
* full history of one metric (``Index.series_arrays``; ``series`` with Python lists too) at
  100,000 and ``--big`` steps, median of 5 reads;
* a 1,000-bucket min/max/last view over ``--big`` steps, median of 20;
* ``runs()`` over ``--runs`` runs with a summary filter and a summary order (cold: first query
  after opening, which loads the runs cache, median of 5 fresh opens; warm: later queries),
  median of 10;
* ``history(samples=500)`` of the ``--big`` run (``Index.history_sample``) and the row-by-row
  read it replaced.

Run files are generated with ``RunWriter`` (the format the SDK writes). Peers, each in a fresh
interpreter from ``.bench/venv`` (``scripts/bench_setup.sh``), read back a ``--peer-steps``
metric the way their users do: MLflow ``get_metric_history`` (SQLite store), trackio
``SQLiteStorage.get_metric_values``, and wandb's offline reader (scanning the ``.wandb``
transaction log). A missing peer prints "not installed". Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import peers  # noqa: E402

TARGETS = {
    "ingest_values_per_s": (">=", 500_000),
    "full_1m_ms": ("<=", 50),
    "buckets_1m_ms": ("<=", 10),
    "runs_query_ms": ("<=", 100),
    "runs_query_cold_ms": ("<=", 100),
}


def _write_run(root: str, run_id: str, steps: int, metrics: int, start: float = 1.7e9) -> None:
    import numpy as np

    from cairn.runlog import format as fmt
    from cairn.runlog.writer import RunWriter

    d = os.path.join(root, "runs", run_id)
    os.makedirs(d, exist_ok=True)
    w = RunWriter(os.path.join(d, "run.cairn"), max_pending=1 << 30)
    w.put(
        fmt.RUN,
        {
            "id": run_id,
            "project": "bench",
            "name": run_id,
            "start_time": start,
            "runtime_offset": 0.0,
            "host": "bench",
            "pid": 0,
            "config": {},
        },
    )
    rng = np.random.default_rng(0)
    cols = [rng.normal(size=steps).cumsum().tolist() for _ in range(metrics)]
    names = [f"m{k}" for k in range(metrics)]
    for i in range(steps):
        w.put_row(i, start + i * 0.001, {n: c[i] for n, c in zip(names, cols, strict=True)})
    w.put(fmt.EXIT, {"exit_code": 0, "runtime": steps * 0.001, "time": start + steps * 0.001})
    w.close()


def _median_ms(fn, n: int) -> float:
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts)


def _small_runs(root: str, n: int) -> None:
    """``n`` small finished runs with config and a final summary, written straight to disk."""
    import random

    from cairn.runlog import format as fmt

    rnd = random.Random(1)
    for i in range(n):
        rid = f"q{i:05d}"
        d = os.path.join(root, "runs", rid)
        os.makedirs(d)
        t0 = 1.7e9 + i
        acc = rnd.random()
        recs = [
            (
                fmt.RUN,
                {
                    "id": rid,
                    "project": "many",
                    "name": f"run-{i}",
                    "start_time": t0,
                    "host": "bench",
                    "pid": 0,
                    "tags": ["a"] if i % 2 else ["b"],
                    "config": {
                        "lr": rnd.choice([0.1, 0.01, 0.001]),
                        "layers": i % 8,
                        "opt": rnd.choice(["adam", "sgd"]),
                    },
                },
            ),
            (fmt.SUMMARY, {"final": {"acc": acc, "loss": 1 - acc, "_step": 100, "epoch": i % 10}}),
            (fmt.EXIT, {"exit_code": 0, "runtime": 10.0, "time": t0 + 10}),
        ]
        with open(os.path.join(d, "run.cairn"), "wb") as f:
            f.write(fmt.HEADER + b"".join(fmt.frame(t, fmt.pack(p)) for t, p in recs))


_SCHEMAS: list[str] = []


def _fresh_url(url: str | None) -> str | None:
    """``url`` itself for SQLite (a file per root); for PostgreSQL a new schema, dropped at exit
    (two roots must not share one index)."""
    if not url or not url.startswith("postgresql"):
        return None if not url else url
    import uuid

    from sqlalchemy import create_engine, text

    schema = "bench_" + uuid.uuid4().hex[:10]
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    eng.dispose()
    _SCHEMAS.append(schema)
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def _drop_schemas(url: str | None) -> None:
    if not _SCHEMAS:
        return
    from sqlalchemy import create_engine, text

    eng = create_engine(url)
    with eng.begin() as conn:
        for schema in _SCHEMAS:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    eng.dispose()


def cairn_figures(args: argparse.Namespace, tmp: str) -> dict:
    from cairn.store.index import open_index

    out: dict = {}
    url1, url2 = _fresh_url(args.url), _fresh_url(args.url)
    root = os.path.join(tmp, "cairn")
    print("  writing run files ...", flush=True)
    _write_run(root, "ing", 200_000, 10)
    _write_run(root, "h100k", 100_000, 1)
    _write_run(root, "h1m", args.big, 1)
    ix = open_index(root, url1)
    rep = ix.ingest(["ing"])
    out["ingest_values_per_s"] = rep.values / rep.seconds
    rep = ix.ingest(["h1m"])
    out["ingest_1m_values_per_s"] = rep.values / rep.seconds
    ix.ingest(["h100k"])
    for rid, label in (("h100k", "100k"), ("h1m", "1m")):
        out[f"full_{label}_ms"] = _median_ms(lambda rid=rid: ix.series_arrays(rid, "m0"), 5)
        out[f"full_{label}_lists_ms"] = _median_ms(lambda rid=rid: ix.series(rid, "m0"), 3)
    out["buckets_1m_ms"] = _median_ms(lambda: ix.history_buckets(["h1m"], ["m0"], buckets=1000), 20)
    out["buckets_1m_runtime_ms"] = _median_ms(
        lambda: ix.history_buckets(["h1m"], ["m0"], buckets=1000, x_axis="_runtime"), 20
    )
    # history(samples=500) as cairn.Api runs it, and the read-every-row way it replaced.
    from cairn.api.history import sample

    out["sample_1m_ms"] = _median_ms(lambda: ix.history_sample("h1m", 500), 5)
    out["sample_1m_keys_ms"] = _median_ms(lambda: ix.history_sample("h1m", 500, ["m0"]), 5)
    out["sample_1m_naive_ms"] = _median_ms(lambda: sample(list(ix.history_rows("h1m")), 500), 1)
    ix.close()

    print(f"  writing {args.runs} small runs ...", flush=True)
    root2 = os.path.join(tmp, "many")
    _small_runs(root2, args.runs)
    ix = open_index(root2, url2)
    t = time.perf_counter()
    ix.ingest()
    out["ingest_runs_per_s"] = args.runs / (time.perf_counter() - t)
    ix.close()
    flt = {"$and": [{"summary_metrics.acc": {"$gt": 0.5}}, {"config.opt": "adam"}]}
    colds = []
    for _ in range(5):  # each a freshly opened index: the first query loads the runs cache
        ix = open_index(root2, url2)
        t = time.perf_counter()
        page, total = ix.runs(filters=flt, order="-summary_metrics.acc", limit=50)
        colds.append((time.perf_counter() - t) * 1000)
        ix.close()
    out["runs_query_cold_first_ms"] = colds[0]
    out["runs_query_cold_ms"] = statistics.median(colds)
    ix = open_index(root2, url2)
    out["runs_query_ms"] = _median_ms(
        lambda: ix.runs(filters=flt, order="-summary_metrics.acc", limit=50), 10
    )
    out["runs_matched"] = total
    ix.close()
    return out


# ------------------------------------------------------------------------------------------
# Peers: each child writes a one-metric run of N steps, then times reading it back.
# ------------------------------------------------------------------------------------------
MLFLOW_CHILD = r"""
import os, sys, time
from peers import emit
n = int(sys.argv[1]); tmp = sys.argv[2]
import mlflow
from mlflow.entities import Metric
from mlflow.tracking import MlflowClient
mlflow.set_tracking_uri("sqlite:///" + os.path.join(tmp, "mlflow.db"))
c = MlflowClient()
exp = c.create_experiment("bench")
run = c.create_run(exp)
now = int(time.time() * 1000)
t = time.perf_counter()
for a in range(0, n, 1000):
    c.log_batch(run.info.run_id, metrics=[Metric("loss", float(i), now + i, i) for i in range(a, min(n, a + 1000))])
write_s = time.perf_counter() - t
ts = []
for _ in range(3):
    t = time.perf_counter(); h = c.get_metric_history(run.info.run_id, "loss"); ts.append(time.perf_counter() - t)
assert len(h) == n
emit({"full_ms": sorted(ts)[1] * 1000, "write_values_per_s": n / write_s})
"""

TRACKIO_CHILD = r"""
import datetime, os, sys, time
from peers import emit
n = int(sys.argv[1]); tmp = sys.argv[2]
os.environ["TRACKIO_DIR"] = tmp
from trackio.sqlite_storage import SQLiteStorage
now = datetime.datetime.now(datetime.timezone.utc)
t = time.perf_counter()
for a in range(0, n, 10000):
    idx = range(a, min(n, a + 10000))
    SQLiteStorage.bulk_log("bench", "r", [{"loss": float(i)} for i in idx], steps=list(idx),
                           timestamps=[(now + datetime.timedelta(milliseconds=i)).isoformat() for i in idx])
write_s = time.perf_counter() - t
ts = []
for _ in range(3):
    t = time.perf_counter(); v = SQLiteStorage.get_metric_values("bench", "r", "loss"); ts.append(time.perf_counter() - t)
assert len(v) == n, len(v)
emit({"full_ms": sorted(ts)[1] * 1000, "write_values_per_s": n / write_s})
"""

WANDB_CHILD = r"""
import glob, json, os, sys, time
from peers import emit
n = int(sys.argv[1]); tmp = sys.argv[2]
os.environ["WANDB_MODE"] = "offline"; os.environ["WANDB_SILENT"] = "true"
import wandb
run = wandb.init(project="bench", dir=tmp)
for i in range(n):
    run.log({"loss": float(i)})
run.finish()
path = glob.glob(os.path.join(tmp, "wandb", "offline-run-*", "run-*.wandb"))[0]
from wandb.proto import wandb_internal_pb2 as pb
from log_throughput import wandb_payloads  # the LevelDB-log framing reader (wandb 0.31 ships none)
def read():
    out = []
    for data in wandb_payloads(path):
        rec = pb.Record(); rec.ParseFromString(data)
        if rec.WhichOneof("record_type") == "history":
            for it in rec.history.item:
                if it.key == "loss" or list(it.nested_key) == ["loss"]:
                    out.append(json.loads(it.value_json))
    return out
ts = []
for _ in range(3):
    t = time.perf_counter(); v = read(); ts.append(time.perf_counter() - t)
assert len(v) == n, len(v)
emit({"full_ms": sorted(ts)[1] * 1000})
"""


def peer_figures(n: int, tmp: str) -> dict:
    py = peers.peer_python()
    out = {}
    for name, src, mod in (
        ("mlflow", MLFLOW_CHILD, "mlflow"),
        ("trackio", TRACKIO_CHILD, "trackio"),
        ("wandb", WANDB_CHILD, "wandb"),
    ):
        if py is None or not _has(py, mod):
            out[name] = {"error": "not installed"}
            continue
        d = os.path.join(tmp, name)
        os.makedirs(d)
        print(f"  {name}: writing and reading {n:,} steps ...", flush=True)
        out[name] = peers.script_child(py, src, [str(n), d], env=peers.peer_env(d), timeout=900)
    return out


def _has(py: str, mod: str) -> bool:
    import subprocess

    return subprocess.run([py, "-c", f"import {mod}"], capture_output=True).returncode == 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default=None, help="SQLAlchemy URL of the index (default SQLite)")
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--peer-steps", type=int, default=100_000)
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="cairn-read-bench-")
    try:
        print(f"Cairn ({'SQLite' if not args.url else args.url.split(':')[0]}):", flush=True)
        c = cairn_figures(args, tmp)
        p = {} if args.no_peers else peer_figures(args.peer_steps, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        _drop_schemas(args.url)
    rows = [
        (
            "ingest, metric values/s (200k steps x 10)",
            c["ingest_values_per_s"],
            "ingest_values_per_s",
        ),
        ("ingest, metric values/s (1M steps x 1)", c["ingest_1m_values_per_s"], None),
        ("full history 100k steps, ms (numpy)", c["full_100k_ms"], None),
        ("full history 100k steps, ms (lists)", c["full_100k_lists_ms"], None),
        (f"full history {args.big:,} steps, ms (numpy)", c["full_1m_ms"], "full_1m_ms"),
        (f"full history {args.big:,} steps, ms (lists)", c["full_1m_lists_ms"], None),
        (f"1,000-bucket view {args.big:,} steps, ms", c["buckets_1m_ms"], "buckets_1m_ms"),
        ("  same over _runtime, ms", c["buckets_1m_runtime_ms"], None),
        (
            f"runs() filter+order over {args.runs:,} runs, ms (warm)",
            c["runs_query_ms"],
            "runs_query_ms",
        ),
        ("  same, first query after open (cold cache), ms, median of 5",
         c["runs_query_cold_ms"], "runs_query_cold_ms"),
        ("  same, the very first open of the index, ms", c["runs_query_cold_first_ms"], None),
        (f"history(samples=500), {args.big:,} steps, ms", c["sample_1m_ms"], None),
        ("  same with keys=['m0'], ms", c["sample_1m_keys_ms"], None),
        ("  same read row by row (before), ms", c["sample_1m_naive_ms"], None),
        ("  ingest of small runs, runs/s", c["ingest_runs_per_s"], None),
    ]
    table = []
    for label, v, key in rows:
        target = ""
        if key:
            op, lim = TARGETS[key]
            ok = v >= lim if op == ">=" else v <= lim
            target = f"{op} {lim:,} {'ok' if ok else 'MISSED'}"
        table.append((label, peers.fmt_num(v), target))
    print()
    print(peers.table(("Cairn figure", "value", "target"), table))
    if p:
        print()
        same = args.peer_steps == 100_000
        ref = c["full_100k_lists_ms"] if same else None  # Python lists, as the peers return
        prow = [
            (
                f"Cairn series_arrays (numpy, {args.peer_steps:,} steps)",
                peers.fmt_num(c["full_100k_ms"] if same else None),
                "",
            ),
            ("Cairn series (Python lists)", peers.fmt_num(ref), ""),
        ]
        for name, label in (
            ("mlflow", "MLflow get_metric_history"),
            ("trackio", "trackio get_metric_values"),
            ("wandb", "wandb offline reader (.wandb scan)"),
        ):
            r = p[name]
            if "error" in r:
                prow.append((label, r["error"][:60], ""))
            else:
                prow.append(
                    (
                        label,
                        peers.fmt_num(r["full_ms"]),
                        peers.ratio(ref, r["full_ms"], higher_is_better=False),
                    )
                )
        print(
            peers.table(
                (
                    f"full history of one metric, {args.peer_steps:,} steps",
                    "ms",
                    "Cairn (lists) is",
                ),
                prow,
            )
        )


if __name__ == "__main__":
    main()
