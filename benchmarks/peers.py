"""Shared helpers for Cairn's benchmarks: find interpreters, run children, print tables.

Every benchmark measures each tracker in a *fresh* interpreter so that import caches, global
state and background threads of one tool never colour another's figures. Cairn runs with the
project's own ``.venv``; the peers (wandb, MLflow, trackio) run with the separate venv that
``scripts/bench_setup.sh`` builds under ``.bench/venv``.

A child reports by printing one line ``BENCH_RESULT <json>`` on stdout (see :func:`emit`);
:func:`run_child` finds that line, whatever else the tool printed, and returns the parsed
object, or a dict with an ``error`` key carrying the child's last stderr line.

This module is standard library only: children in either venv import it (the script's own
folder is first on ``sys.path`` when a benchmark runs as ``python benchmarks/X.py``).
Benchmarks print figures; they never gate the test suite and never run in CI.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKER = "BENCH_RESULT "
TOOLS = ("cairn", "wandb", "trackio", "mlflow")


def cairn_python() -> str:
    """The interpreter that has Cairn installed (``CAIRN_PYTHON`` or ``.venv/bin/python``)."""
    env = os.environ.get("CAIRN_PYTHON")
    if env:
        return env
    path = os.path.join(ROOT, ".venv", "bin", "python")
    return path if os.path.exists(path) else sys.executable


def peer_python() -> str | None:
    """The peer venv's interpreter, or ``None`` when ``scripts/bench_setup.sh`` has not run.

    ``CAIRN_BENCH_VENV`` overrides the venv location (default ``.bench/venv``).
    """
    venv = os.environ.get("CAIRN_BENCH_VENV") or os.path.join(ROOT, ".bench", "venv")
    path = os.path.join(venv, "bin", "python")
    return path if os.path.exists(path) else None


def python_for(tool: str) -> str | None:
    """The interpreter that runs ``tool``: Cairn's own for ``cairn``/``noop``, else the peers'."""
    return cairn_python() if tool in ("cairn", "noop") else peer_python()


def peer_env(tmp: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """An environment that keeps every tool offline, quiet and writing under ``tmp``."""
    env = dict(os.environ)
    for key in [k for k in env if k.startswith(("WANDB_", "MLFLOW_", "TRACKIO_", "CAIRN_"))]:
        del env[key]
    # Measure imports as users see them: with bytecode caches written and reused.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    aux = os.path.join(tmp, "aux")
    env.update(
        WANDB_MODE="offline",
        WANDB_SILENT="true",
        WANDB_DISABLE_GIT="true",
        WANDB_CONFIG_DIR=os.path.join(aux, "wandb-config"),
        WANDB_CACHE_DIR=os.path.join(aux, "wandb-cache"),
        WANDB_DATA_DIR=os.path.join(aux, "wandb-data"),
        WANDB_ARTIFACT_DIR=os.path.join(aux, "wandb-artifacts"),
        MPLCONFIGDIR=os.path.join(aux, "mpl"),
        HF_HUB_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
        TRACKIO_DISABLE_TELEMETRY="1",
        MLFLOW_ENABLE_ASYNC_LOGGING="false",
        DO_NOT_TRACK="1",
    )
    if extra:
        env.update(extra)
    return env


def emit(result: dict[str, Any]) -> None:
    """Child side: print the result line the parent looks for."""
    sys.stdout.write(MARKER + json.dumps(result) + "\n")
    sys.stdout.flush()


def parse_result(stdout: str) -> dict[str, Any] | None:
    """The last ``BENCH_RESULT`` object in ``stdout``, or ``None``."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    return None


def last_error_line(text: str) -> str:
    """The most telling line of a child's stderr (the last non-empty one)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1][:200] if lines else "no output"


def run_child(
    python: str | None,
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
    timeout: float = 600.0,
) -> dict[str, Any]:
    """Run ``python argv...`` in a fresh process and return its ``BENCH_RESULT`` object.

    On a missing interpreter, a timeout, a crash or a missing result line the returned dict
    has an ``error`` key instead (the benchmark prints it and carries on).
    """
    if python is None:
        return {"error": "peer venv missing: run scripts/bench_setup.sh"}
    try:
        proc = subprocess.run(
            [python, *argv], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    result = parse_result(proc.stdout)
    if result is None:
        return {"error": f"exit {proc.returncode}: {last_error_line(proc.stderr or proc.stdout)}"}
    return result


def script_child(
    python: str | None, source: str, args: Sequence[str] = (), **kw: Any
) -> dict[str, Any]:
    """Like :func:`run_child` for a script given as text (written to a temp file first).

    The script can ``from peers import emit``: this folder is put on ``PYTHONPATH``.
    """
    env = dict(kw.pop("env", None) or os.environ)
    here = os.path.dirname(os.path.abspath(__file__))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    fd, path = tempfile.mkstemp(suffix=".py", prefix="bench-child-")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(source)
        return run_child(python, [path, *args], env=env, **kw)
    finally:
        os.unlink(path)


def dir_bytes(path: str, skip: Iterable[str] = ()) -> int:
    """Total size in bytes of the regular files under ``path`` (top-level names in ``skip`` left out)."""
    skip = set(skip)
    total = 0
    for dirpath, dirnames, filenames in os.walk(path):
        if dirpath == path:
            dirnames[:] = [d for d in dirnames if d not in skip]
            filenames = [f for f in filenames if f not in skip]
        for name in filenames:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            total += st.st_size
    return total


def descendants(pid: int) -> set[int]:
    """Pids of ``pid``'s live descendants, from /proc (Linux); empty where /proc is absent."""
    parents: dict[int, int] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return set()
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
            parents[int(name)] = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    family, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier and p not in family}
        family |= frontier
    return family


def tree_peak_rss_kb(pid: int | None = None) -> int:
    """Sum of the peak resident sizes (``VmHWM``, KiB) of ``pid``'s live descendants (Linux).

    Used to account for helper processes (wandb's ``wandb-core`` service) that
    ``getrusage`` does not see; ``pid`` itself is not counted. 0 where /proc is absent.
    """
    total = 0
    for p in descendants(os.getpid() if pid is None else pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) of already-sorted values, nearest-rank."""
    if not sorted_values:
        return math.nan
    k = max(0, min(len(sorted_values) - 1, math.ceil(q / 100 * len(sorted_values)) - 1))
    return float(sorted_values[k])


def fmt_num(v: Any, digits: int = 3) -> str:
    """Compact human formatting: ``-`` for missing, thousands separators for big numbers."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if isinstance(v, str):
        return v
    if isinstance(v, int) or (isinstance(v, float) and abs(v) >= 1000):
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.{digits - 1}f}" if abs(v) >= 1 else f"{v:.{digits}f}"


def ratio(cairn_value: Any, peer_value: Any, higher_is_better: bool) -> str:
    """How many times better Cairn is than a peer on one figure (``"12x"``, ``"0.5x"``)."""
    try:
        a, b = float(cairn_value), float(peer_value)
    except (TypeError, ValueError):
        return "-"
    if any(math.isnan(x) for x in (a, b)) or a < 0 or b < 0:
        return "-"
    if a == 0 and b == 0:
        return "="
    num, den = (a, b) if higher_is_better else (b, a)
    if den == 0:
        return "inf"
    r = num / den
    return f"{r:.0f}x" if r >= 100 else f"{r:.1f}x" if r >= 10 else f"{r:.2f}x"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain fixed-width text table; the first column is left-aligned, the rest right."""
    cells = [[str(h) for h in headers]] + [[fmt_num(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    out = []
    for n, row in enumerate(cells):
        parts = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        out.append("  ".join(parts).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def ratio_table(
    results: dict[str, dict[str, Any]],
    figures: Sequence[tuple[str, str, bool]],
    base: str = "cairn",
) -> str:
    """Cairn-vs-peer ratios: ``figures`` are ``(label, key, higher_is_better)`` triples.

    A ratio above 1 means Cairn is better on that figure by that factor.
    """
    peers = [t for t, r in results.items() if t != base and "error" not in r]
    mine = results.get(base, {})
    rows = []
    for label, key, hib in figures:
        rows.append([label] + [ratio(mine.get(key), results[p].get(key), hib) for p in peers])
    return table([f"{base} vs", *peers], rows)
