"""Environment metadata for a run (host, python, git, packages), gathered off the hot path.

``start_background`` spawns one daemon thread that collects what takes time (git state,
installed packages) and records one TELEMETRY record; ``init`` does not wait for it.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

from cairn.runlog import format as fmt


def _git(cwd: str) -> dict:
    import shutil
    import subprocess

    if os.environ.get("WANDB_DISABLE_GIT") or os.environ.get("CAIRN_DISABLE_GIT"):
        return {}
    if shutil.which("git") is None:
        return {}
    try:
        def q(*args: str) -> str:
            return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=2).stdout.strip()

        commit = q("rev-parse", "HEAD")
        if not commit:
            return {}
        return {"commit": commit, "remote": q("config", "--get", "remote.origin.url")}
    except (OSError, subprocess.SubprocessError):
        return {}


def collect(run: Any) -> dict:
    """Metadata in the shape of wandb-metadata.json."""
    import importlib.metadata as im
    import platform

    meta = {
        "os": platform.platform(),
        "python": platform.python_version(),
        "startedAt": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(run.start_time)),
        "program": os.path.abspath(run._info["program"]) if run._info["program"] != "<python>" else "<python>",
        "args": run._info["args"],
        "host": run._info["host"],
        "username": os.environ.get("USER", ""),
        "executable": sys.executable,
        "root": run._info["cwd"],
        "cpu_count": os.cpu_count(),
        "git": _git(run._info["cwd"]),
    }
    try:
        import psutil

        meta["memory"] = {"total": psutil.virtual_memory().total}
    except Exception:
        pass
    try:
        meta["requirements"] = sorted(f"{d.metadata['Name']}=={d.version}" for d in im.distributions() if d.metadata["Name"])
    except Exception:
        meta["requirements"] = []
    return meta


def start_background(run: Any, delay: float = 0.3) -> None:
    """Collect metadata in a daemon thread after ``delay`` seconds (so its imports and the scan
    of installed packages do not compete with ``init`` itself); skipped if the run has
    finished by then."""

    def work() -> None:
        try:
            time.sleep(delay)
            if run._finished:
                return
            meta = collect(run)
            if run._finished:
                return
            run._emit(fmt.TELEMETRY, dict(meta))  # a copy: meta is changed below, the writer packs later
            os.makedirs(run.dir, exist_ok=True)
            import json

            reqs = meta.pop("requirements", [])
            with open(os.path.join(run.dir, "wandb-metadata.json"), "w") as f:
                json.dump(meta, f, indent=2)
            with open(os.path.join(run.dir, "requirements.txt"), "w") as f:
                f.write("\n".join(reqs) + "\n")
        except Exception:
            pass  # metadata is best effort; never disturb training

    threading.Thread(target=work, name="cairn-metadata", daemon=True).start()


def save_program(run: Any) -> None:
    """``save_code=True``: copy the main program to ``files/code/<relative path>``."""
    prog = run._info.get("program")
    if not prog or not os.path.isfile(prog):
        return
    rel = os.path.relpath(os.path.abspath(prog), run._info["cwd"])
    if rel.startswith(".."):
        rel = os.path.basename(prog)
    dest = os.path.join(run.dir, "code", rel)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    import shutil

    shutil.copyfile(prog, dest)
    run._emit(fmt.FILES, {"files": [{"path": f"code/{rel}", "policy": "now", "type": "code"}]})
