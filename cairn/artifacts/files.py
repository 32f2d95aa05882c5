"""``run.save`` / ``run.restore`` and the capture of saved files (R8.5, R8.6).

``save`` expands the glob once, symlinks each match into ``run.dir`` at its path relative to
the base path, and appends a FILES record ``{"files": [{path, policy, sha256?, md5?, size?,
time}]}``. Bytes go to the blob store at once for ``now`` and ``live`` and at ``finish`` for
``end``; ``live`` files are watched by one daemon thread per run that stats them every
``CAIRN_LIVE_POLL_S`` seconds (default 2) and records a new FILES entry when size or mtime
changes, plus a last check at ``finish``. ``restore`` finds the newest captured version of a
file in a run's FILES records and copies it out of the blob store.
"""

from __future__ import annotations

import os
import posixpath
import threading
import time
from pathlib import Path
from typing import Any

from cairn.artifacts.manifest import store_file
from cairn.runlog import format as fmt
from cairn.sdk.term import termwarn
from cairn.store import blobs

POLICIES = ("live", "end", "now")


def _base_and_glob(glob_str: str, base_path: Any) -> tuple[Path, Path]:
    glob_path = Path(glob_str)
    if base_path is not None:
        base = Path(os.path.abspath(os.fspath(base_path)))
    elif not glob_path.is_absolute():
        base = Path(os.path.abspath("."))
    else:
        base = glob_path.parent.parent
        termwarn(
            "Saving files without folders. If you want to preserve subdirectories pass base_path "
            f"to cairn.save, i.e. cairn.save(\"{glob_str}\", base_path=\"{base}\")"
        )
    return base, Path(os.path.abspath(glob_str))


def save(run: Any, glob_str: Any = None, base_path: Any = None, policy: str = "live") -> Any:
    """Save files matching ``glob_str``; returns the list of paths created in ``run.dir``.

    No argument → deprecated no-op returning True; ``s3://``/``gs://`` → a message and ``[]``;
    a bad policy, a glob above or equal to the base path, or a glob starting with ``*`` relative
    to the base → ``ValueError``.
    """
    if glob_str is None:
        termwarn("Calling run.save without any arguments is deprecated. Changes to attributes are automatically persisted.")
        return True
    glob_str = os.fspath(glob_str)
    if isinstance(glob_str, bytes):
        glob_str = glob_str.decode()
    if glob_str.startswith(("gs://", "s3://")):
        termwarn(f"{glob_str} is a cloud storage url, can't save file to W&B.")
        return []
    if policy not in POLICIES:
        raise ValueError('Only "live", "end" and "now" policies are currently supported.')
    base, glob_path = _base_and_glob(glob_str, base_path)
    try:
        rel_glob = glob_path.relative_to(base)
    except ValueError:
        raise ValueError("Glob may not walk above the base path") from None
    if glob_path == base:
        raise ValueError("Glob cannot be the same as the base path")
    if rel_glob.parts and rel_glob.parts[0] == "*":
        raise ValueError("Glob may not start with '*' relative to the base path")
    files_dir = Path(run.dir)
    targets: list[str] = []
    entries = []
    for src in sorted(base.glob(str(rel_glob))):
        if src.is_dir():
            continue
        rel = src.relative_to(base).as_posix()
        target = files_dir / rel
        if not target.exists() and not target.is_symlink():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(src.absolute())
        targets.append(str(target))
        entries.append(_track(run, rel, str(target), policy))
    if entries:
        run._emit(fmt.FILES, {"files": entries})
    if policy == "live" and any(e["policy"] == "live" for e in entries):
        _ensure_watcher(run)
    return targets


def _track(run: Any, rel: str, path: str, policy: str) -> dict:
    entry: dict = {"path": rel, "policy": policy, "time": time.time()}
    if policy == "end":
        if rel not in run._end_files:
            run._end_files.append(rel)
        return entry
    entry.update(_capture(run, path))
    if policy == "live":
        run._saved_files[rel] = {"path": path, "stat": _stat(path)}
    return entry


def _stat(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
        return st.st_size, st.st_mtime_ns
    except OSError:
        return None


def _capture(run: Any, path: str) -> dict:
    """Store the current bytes of ``path``; the fields a FILES entry records about them."""
    try:
        info = store_file(run._root, path)
    except OSError as e:
        termwarn(f"could not save {path}: {e}")
        return {}
    return {"sha256": info.sha256, "md5": info.md5_b64, "size": info.size}


# -- live files ----------------------------------------------------------------------------
def poll_interval() -> float:
    try:
        return max(0.01, float(os.environ.get("CAIRN_LIVE_POLL_S", "2")))
    except ValueError:
        return 2.0


def check_live(run: Any) -> int:
    """Re-capture live files whose size or mtime changed; returns how many were recorded."""
    changed = []
    for rel, st in list(run._saved_files.items()):
        now = _stat(st["path"])
        if now is None or now == st["stat"]:
            continue
        st["stat"] = now
        got = _capture(run, st["path"])
        if got:
            changed.append({"path": rel, "policy": "live", "time": time.time(), **got})
    if changed:
        run._emit(fmt.FILES, {"files": changed})
    return len(changed)


def _ensure_watcher(run: Any) -> None:
    if getattr(run, "_live_stop", None) is not None:
        return
    stop = threading.Event()
    run._live_stop = stop
    lock = threading.Lock()
    run._live_lock = lock

    def loop() -> None:
        while not stop.wait(poll_interval()):
            try:
                with lock:
                    if not stop.is_set():
                        check_live(run)
            except Exception as e:  # a watcher failure must never reach the training code
                termwarn(f"live file watcher stopped: {e!r}")
                return

    t = threading.Thread(target=loop, name=f"cairn-live-{run.id}", daemon=True)
    run._live_thread = t
    t.start()


def on_finish(run: Any) -> None:
    """Stop the watcher, record the last state of live files and capture end files."""
    stop = getattr(run, "_live_stop", None)
    if stop is not None:
        stop.set()
        with run._live_lock:
            pass
    check_live(run)
    entries = []
    for rel in run._end_files:
        path = os.path.join(run.dir, rel)
        if os.path.exists(path):
            entries.append({"path": rel, "policy": "end", "time": time.time(), **_capture(run, path)})
    if entries:
        run._emit(fmt.FILES, {"files": entries})


# -- restore -------------------------------------------------------------------------------
def _latest_capture(root: str, run_id: str, name: str) -> dict | None:
    from cairn.runlog.reader import Scan

    path = os.path.join(root, "runs", run_id, "run.cairn")
    if not os.path.exists(path):
        return None
    found = None
    for rec in Scan(path):
        if rec.type == fmt.FILES:
            for f in rec.data.get("files") or []:
                if f.get("path") == name and f.get("sha256"):
                    found = f
    return found


def restore(name: str, run_path: str | None = None, replace: bool = False, root: str | None = None,
            run: Any = None) -> Any:
    """Copy file ``name`` saved with a run (``run_path`` = ``[entity/][project/]run_id``,
    default the current run) into ``root`` (default ``run.dir``, or the working directory
    without a run); return it open for reading. An existing file is just opened unless
    ``replace``. ``ValueError`` if ``run_path`` is missing before init or nothing is found.
    """
    if run is None and not run_path:
        raise ValueError("run_path required when calling restore before init")
    rel = posixpath.normpath(os.fspath(name).replace(os.sep, "/"))
    if posixpath.isabs(rel) or rel in (".", "..") or rel.startswith("../"):
        # saved files are named relative to run.dir; anything else would write outside ``root``
        raise ValueError(f"restore: {name!r} must be a path inside the run's files (relative, no '..')")
    if run is not None:
        store_root = run._root
    else:
        from cairn.sdk.init import resolve_root

        store_root = resolve_root()
    run_id = run_path.rstrip("/").split("/")[-1] if run_path else run.id
    if run_id in ("", ".", ".."):
        raise ValueError(f"restore: run_path {run_path!r} names no run")
    dest_root = root if root is not None else (run.dir if run is not None else os.getcwd())
    dest = os.path.join(dest_root, name)
    if os.path.exists(dest) and not replace:
        return open(dest)
    found = _latest_capture(store_root, run_id, name)
    if found is not None and blobs.has_blob(store_root, found["sha256"]):
        if os.path.islink(dest):
            os.unlink(dest)
        blobs.copy_out(store_root, found["sha256"], dest)
        return open(dest)
    written = os.path.join(store_root, "runs", run_id, "files", name)
    if os.path.isfile(written) and os.path.abspath(written) != os.path.abspath(dest):
        import shutil

        os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
        shutil.copyfile(written, dest)
        return open(dest)
    raise ValueError(f"File {name!r} not found in run {run_id!r} of {store_root}")
