"""``cairn.init``: resolve settings, pick or resume the run, open its run file (R1.x).

Cost: a few file-system calls and one writer-thread start; no network, no subprocess, and no
import beyond the SDK's own small modules (YAML is read only when a config file exists).
Environment metadata (git state, installed packages), console capture and system metrics
run in background threads started here and stopped by ``finish``.
"""

from __future__ import annotations

import os
import re
import sys
import time
from typing import Any

from cairn.runlog import format as fmt
from cairn.sdk import globals as g
from cairn.sdk.config import load_yaml_config, parse_config
from cairn.sdk.convert import copy_plain
from cairn.sdk.errors import UsageError
from cairn.sdk.naming import check_id, default_project, generate_id, generate_name
from cairn.sdk.settings import MODES, RESUME, Settings, resolve
from cairn.sdk.term import termlog, termwarn

ROOT_NAME = "cairn-data"
_FORK = re.compile(r"^([^?]+)\?_step=(\d+(?:\.\d*)?)$")

__all__ = ["init", "resolve_root", "generate_id", "generate_name", "ROOT_NAME"]


def resolve_root(dir: str | os.PathLike | None = None, environ: dict | None = None) -> str:
    """The Cairn root for ``dir`` (or the environment), as ``cairn.init`` and ``cairn.Api`` find it.

    ``CAIRN_ROOT`` names the root itself; otherwise the root is ``<dir>/cairn-data`` with
    ``dir`` from the argument, ``CAIRN_DIR``, ``WANDB_DIR`` or the working directory.
    """
    env = os.environ if environ is None else environ
    if dir is None and env.get("CAIRN_ROOT"):
        return os.path.abspath(env["CAIRN_ROOT"])
    base = dir or env.get("CAIRN_DIR") or env.get("WANDB_DIR") or os.getcwd()
    return os.path.abspath(os.path.join(os.fspath(base), ROOT_NAME))


def _usable_root(root: str) -> str:
    """``root`` if a file can be created in it, else ``<tmp>/cairn-data`` with a warning (R1.7)."""
    try:
        os.makedirs(os.path.join(root, "runs"), exist_ok=True)
        probe = os.path.join(root, f".probe-{os.getpid()}")
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT, 0o600))
        os.unlink(probe)
        return root
    except OSError as e:
        import tempfile

        fallback = os.path.join(tempfile.gettempdir(), ROOT_NAME)
        termwarn(f"Path {root} wasn't writable ({e.strerror}), using {fallback} instead")
        os.makedirs(os.path.join(fallback, "runs"), exist_ok=True)
        return fallback


def _parse_fork(value: str, what: str) -> tuple[str, float]:
    m = _FORK.match(value) if isinstance(value, str) else None
    if not m:
        raise ValueError(f"{what} must look like '<run_id>?_step=<number>', got {value!r}")
    step = float(m.group(2))
    return m.group(1), int(step) if step.is_integer() else step


def _hostname() -> str:
    try:
        return os.uname().nodename
    except AttributeError:  # Windows
        import socket

        return socket.gethostname()


def init(
    job_type: str | None = None,
    dir: str | os.PathLike | None = None,
    config: Any = None,
    project: str | None = None,
    entity: str | None = None,
    reinit: bool | None = None,
    tags: Any = None,
    group: str | None = None,
    name: str | None = None,
    notes: str | None = None,
    magic: Any = None,
    config_exclude_keys: list[str] | None = None,
    config_include_keys: list[str] | None = None,
    anonymous: str | None = None,
    mode: str | None = None,
    allow_val_change: bool | None = None,
    resume: bool | str | None = None,
    force: bool | None = None,
    tensorboard: bool | None = None,
    sync_tensorboard: bool | None = None,
    monitor_gym: bool | None = None,
    save_code: bool | None = None,
    id: str | None = None,
    fork_from: str | None = None,
    resume_from: str | None = None,
    settings: Settings | dict | None = None,
) -> Any:
    """Start a new run (or return the active one) and return its :class:`Run`.

    Every argument of ``wandb.init`` is accepted; see ``docs/`` for what each does locally.
    Raises ``UsageError`` for an invalid ``mode``/``resume``/``id`` or conflicting
    ``config_include_keys``/``config_exclude_keys``, ``ValueError`` for a malformed
    ``fork_from``/``resume_from``.
    """
    active = g.active_run()
    if active is not None:
        if not reinit:
            return active
        active.finish()

    s = resolve(settings, {
        "mode": mode, "project": project, "entity": entity, "run_name": name, "run_notes": notes,
        "run_tags": tuple(tags) if tags is not None and not isinstance(tags, str) else ((tags,) if tags else None),
        "run_group": group, "run_job_type": job_type, "run_id": id, "resume": resume,
        "root_dir": os.fspath(dir) if dir is not None else None, "save_code": save_code,
        "fork_from": fork_from, "resume_from": resume_from,
    })
    if s.mode not in MODES:
        raise UsageError(f"Invalid mode {s.mode!r}: must be one of {', '.join(MODES)}")
    if config_include_keys and config_exclude_keys:
        raise UsageError("Expected at most only one of config_exclude_keys or config_include_keys")
    fork = _parse_fork(s.fork_from, "fork_from") if s.fork_from else None
    rewind = _parse_fork(s.resume_from, "resume_from") if s.resume_from else None
    if fork and rewind:
        raise UsageError("fork_from and resume_from cannot be used together")
    init_config = parse_config(config, config_include_keys, config_exclude_keys)

    if s.mode == "disabled":
        from cairn.sdk.disabled import RunDisabled

        run = RunDisabled(s, init_config)
        g.on_init(run)
        return run

    resume_mode = _resume_mode(s.resume)
    root = _usable_root(resolve_root(s.root_dir))
    run_id = s.run_id
    if rewind:
        if run_id and run_id != rewind[0]:
            termwarn(f"resume_from names run {rewind[0]!r}; ignoring id={run_id!r}")
        run_id = rewind[0]
        resume_mode = "allow"
    resume_file = os.path.join(root, "wandb-resume.json")
    if resume_mode == "auto" and not run_id:
        try:
            import json

            with open(resume_file) as f:
                run_id = json.load(f)["run_id"]
        except (OSError, ValueError, KeyError):
            run_id = None
    if run_id is not None:
        check_id(run_id)
    else:
        run_id = generate_id()
    if fork and fork[0] == run_id:
        raise ValueError("fork_from must name a run other than the new run's id")
    if fork and not os.path.exists(os.path.join(root, "runs", fork[0], "run.cairn")):
        # checked before anything is created, so a failed fork leaves no half-made run behind
        raise UsageError(f"fork_from names run {fork[0]!r}, which does not exist in {root}")

    run_dir = os.path.join(root, "runs", run_id)
    path = os.path.join(run_dir, "run.cairn")
    exists = os.path.exists(path) and os.path.getsize(path) > fmt.HEADER_SIZE
    if resume_mode == "never" and exists:
        raise UsageError(f"resume='never' but run {run_id!r} already exists in {root}")
    if resume_mode == "must" and not exists:
        raise UsageError(f"resume='must' but run {run_id!r} does not exist in {root}")
    if exists and resume_mode is None:
        termwarn(f"run {run_id!r} already exists; appending to it (pass resume='allow' to silence this)")

    prior = None
    if exists:
        from cairn.sdk.resume import prior_state

        prior = prior_state(path, rewind[1] if rewind else None)
    os.makedirs(os.path.join(run_dir, "files"), exist_ok=True)
    if resume_mode == "auto":
        import json

        with open(resume_file, "w") as f:
            json.dump({"run_id": run_id}, f)

    now = time.time()
    info: dict[str, Any] = {
        "id": run_id,
        "project": s.project or (prior or {}).get("project") or default_project(),
        "entity": s.entity or "",
        "name": s.run_name or (prior or {}).get("name") or generate_name(root, run_id),
        "notes": s.run_notes if s.run_notes is not None else (prior or {}).get("notes", ""),
        "tags": list(s.run_tags) if s.run_tags is not None else list((prior or {}).get("tags", [])),
        "group": s.run_group or (prior or {}).get("group", ""),
        "job_type": s.run_job_type or (prior or {}).get("job_type", ""),
        "dir": os.path.join(run_dir, "files"),
        "start_time": now,
        "resumed": bool(prior),
        "starting_step": prior["next_step"] if prior else 0,
        "runtime_offset": prior["runtime"] if prior else 0.0,
        "sweep_id": s.sweep_id,
        "mode": s.mode,
        "host": _hostname(),
        "pid": os.getpid(),
        "program": s.program or (sys.argv[0] if sys.argv and sys.argv[0] else "<python>"),
        "args": sys.argv[1:],
        "python": sys.version.split()[0],
        "cwd": os.getcwd(),
        "fork_from": s.fork_from,
        "resume_from": s.resume_from,
    }
    if rewind:
        info["rewind_to"] = rewind[1]
    from cairn.runlog.writer import RunWriter
    from cairn.sdk.run import Run

    full_config = _assemble_config(init_config, s)
    writer = RunWriter(path, flush_interval=float(s.x_flush_interval))
    try:
        run = Run(s, info, writer, root)
        if prior:
            run.config._items.update(prior["config"])
            state = prior["state"]
            state.latest = prior["summary"]
            run._defs, run._summary_state = state.defs, state
        run.config._write(full_config, allow_val_change=bool(prior) or bool(allow_val_change), emit=False)
        run._emit(fmt.RUN, {**info, "config": copy_plain(dict(run.config._items))})
        if fork:
            from cairn.sdk.resume import copy_fork

            copy_fork(run, root, fork[0], fork[1])
    except BaseException:  # e.g. a config value that cannot be stored: no writer thread left behind
        writer.close()
        raise
    run._resume_file = resume_file if resume_mode == "auto" else None
    g.on_init(run)
    _start_services(run, s)
    if s.save_code and not s.disable_code:
        from cairn.sdk.metadata import save_program

        save_program(run)
    if not (s.quiet or s.silent):
        termlog(f"run {run.name} ({run.id}) {'resumed' if prior else 'started'} in {run_dir}")
    return run


def _start_services(run: Any, s: Settings) -> None:
    """Background helpers: metadata, console capture, system metrics (each in its thread)."""
    from cairn.sdk.metadata import start_background

    start_background(run)
    if str(s.console).lower() not in ("off", "false", "0", "none"):
        from cairn.sdk import console

        console.start(run, float(s.x_console_flush_interval))
    if not s.x_disable_stats:
        from cairn.sdk import sysstats

        sysstats.start(run, float(s.x_stats_sampling_interval))


def _resume_mode(r: Any) -> str | None:
    """``resume=`` as one of RESUME or None (``True`` is "auto"); raises ``UsageError``."""
    if r is None or r is False:
        return None
    if r is True:
        return "auto"
    if isinstance(r, str) and r in RESUME:
        return r
    raise UsageError(f"Invalid resume {r!r}: must be one of {', '.join(RESUME)}, True or False")


def _assemble_config(init_config: dict, s: Settings) -> dict:
    """config-defaults.yaml < WANDB_CONFIG_PATHS files < ``config=`` (R1.20, recommended order)."""
    out: dict = {}
    if os.path.exists("config-defaults.yaml"):  # the only case that imports PyYAML
        out.update(load_yaml_config("config-defaults.yaml"))
    for p in s.config_paths or ():
        out.update(load_yaml_config(p))
    out.update(init_config)
    return out
