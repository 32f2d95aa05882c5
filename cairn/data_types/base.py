"""What every media type shares: the marker convert.py looks for, file naming, and storage.

A media object is recognised by ``_cairn_media`` and ``to_json(run, key, summary=False)``
(see :mod:`cairn.sdk.convert`). Storing a media file does three things, in the caller's
thread, before the history row is queued:

1. the bytes go to the root's content-addressed blobs (the same bytes are stored once);
2. a copy (a hard link where the file system allows) is placed at
   ``run.dir/media/<subdir>/<key>_<step>_<sha256[:20]><ext>`` (R6.1), where wandb users
   expect it;
3. a FILES record names it, so the index and UI can list and serve it.

Inside ``Run.log`` steps 2 and 3 wait until the call is accepted (every value converted, step
not lower than the current one), so a rejected or dropped call leaves no media copy or FILES
record behind (:func:`after_row`).

The descriptor returned has ``path`` relative to ``run.dir`` with forward slashes, the full
``sha256`` and the ``size`` in bytes (R6.2).
"""

from __future__ import annotations

import functools
import json
import math
import os
import shutil
from collections.abc import Callable
from threading import get_ident
from typing import Any

from cairn.runlog import format as fmt
from cairn.store import blobs


class Media:
    """Base of every loggable data type. Subclasses implement :meth:`to_json`."""

    _cairn_media = True
    _log_type = "media"

    def to_json(self, run: Any, key: str = "", summary: bool = False) -> dict:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<cairn.{type(self).__name__}>"


def step_label(run: Any, summary: bool) -> str:
    """The ``<step>`` part of a media file name: the client step, or ``summary`` (R6.1, R3.4)."""
    return "summary" if summary else str(run.step)


def _safe_key(key: str) -> str:
    # A key may hold "/" (sub-folders, R6.1) but must never climb out of the media folder.
    parts = [p for p in str(key).replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return "/".join(parts) or "_"


def media_name(subdir: str, key: str, step: str, sha256: str, ext: str) -> str:
    """``media/<subdir>/<key>_<step>_<sha256[:20]><ext>`` with ``/`` separators."""
    return f"media/{subdir}/{_safe_key(key)}_{step}_{sha256[:20]}{ext}"


def store_bytes(run: Any, subdir: str, key: str, data: bytes, ext: str, summary: bool = False) -> dict:
    """Store ``data`` as a media file of ``run``; return ``{"path", "sha256", "size"}``.

    The file is named as R6.1 says (:func:`media_name`). ``run`` may also be an artifact
    (``Artifact.add(obj, name)``): the file then goes into the artifact at
    ``media/<subdir>/<sha256[:20]><ext>``, as wandb lays out media inside artifacts.

    Inside ``Run.log`` the copy under ``run.dir`` and the FILES record wait until the call is
    accepted (:func:`after_row`), so a rejected ``log`` call records no media; the blob is
    written at once (content-addressed, harmless if unused). For a run it never raises ``OSError``: a
    full or read-only disk gives one warning per run and a descriptor whose file is missing.
    """
    if is_artifact(run):
        return _store_in_artifact(run, subdir, data, ext)
    label = step_label(run, summary)
    try:
        info = blobs.put_bytes(run._root, data)
    except OSError as e:
        import hashlib

        sha = hashlib.sha256(data).hexdigest()
        rel = media_name(subdir, key, label, sha, ext)
        _warn_io(run, rel, e)
        return {"path": rel, "sha256": sha, "size": len(data)}
    rel = media_name(subdir, key, label, info.sha256, ext)
    after_row(run, functools.partial(_record, run, rel, info, label))
    return {"path": rel, "sha256": info.sha256, "size": info.size}


def file_json(run: Any, type_: str, subdir: str, key: str, data: bytes, ext: str, summary: bool,
              caption: str | None = None) -> dict:
    """``{"_type": type_, "path", "sha256", "size", "caption"?}`` after :func:`store_bytes`:
    the descriptor of a media type that is one stored file (caption only when given)."""
    out = {"_type": type_, **store_bytes(run, subdir, key, data, ext, summary)}
    if caption is not None:
        out["caption"] = caption
    return out


def after_row(run: Any, action: Callable[[], Any]) -> None:
    """Run ``action``, a side effect of logging a value (a FILES record, a config entry, the
    ``run_table`` artifact), now — or, inside ``Run.log``, once the call is accepted (every
    value converted, step not lower than the current one), so a call rejected for a bad value
    or dropped for its step leaves none of them behind.

    ``Run.log`` opens that window by setting ``run._media_pending`` to ``(thread id, list)``
    and then runs the collected actions in order with :func:`run_pending`; anywhere else (a
    summary write, an artifact, another thread) ``action`` runs at once.
    """
    window = run.__dict__.get("_media_pending")
    if window is not None and window[0] == get_ident():
        window[1].append(action)
    else:
        action()


def run_pending(pending: list[Callable[[], Any]]) -> None:
    """Run the actions :func:`after_row` collected, in the order they were collected."""
    for action in pending:
        action()


def _record(run: Any, rel: str, info: blobs.BlobInfo, label: str) -> None:
    # The same file logged twice in one step (an image repeated in a list) needs one FILES
    # record; names carry the step, so only the current step's names are remembered.
    step_seen = run.__dict__.get("_media_recorded")
    if step_seen is None or step_seen[0] != label:
        step_seen = run.__dict__["_media_recorded"] = (label, set())
    if rel in step_seen[1]:
        return
    try:
        _place(run, rel, info.sha256)
    except OSError as e:  # the row keeps the descriptor; no FILES record claims a missing file
        _warn_io(run, rel, e)
        return
    step_seen[1].add(rel)
    run._emit(fmt.FILES, {"files": [{"path": rel, "sha256": info.sha256, "size": info.size,
                                     "policy": "now", "type": "media"}]})


def _warn_io(run: Any, rel: str, e: OSError) -> None:
    # A full or read-only disk must not stop training: warn once per run, not once per file.
    if not run.__dict__.get("_media_io_warned"):
        run.__dict__["_media_io_warned"] = True
        from cairn.sdk.term import termwarn

        termwarn(f"could not store media file {rel}: {e}")


def is_artifact(target: Any) -> bool:
    """True when a media object is being added to an artifact rather than logged to a run."""
    return bool(getattr(type(target), "_cairn_artifact", False))


def _store_in_artifact(artifact: Any, subdir: str, data: bytes, ext: str) -> dict:
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    path = f"media/{subdir}/{sha[:20]}{ext}"
    try:
        artifact.get_entry(path)  # same bytes already in the artifact: nothing to add
    except KeyError:
        with artifact.new_file(path, "wb") as f:
            f.write(data)
    return {"path": path, "sha256": sha, "size": len(data)}


def store_json(run: Any, subdir: str, key: str, obj: Any, ext: str, summary: bool = False) -> dict:
    """Store ``obj`` encoded as JSON (NaN/Infinity tokens allowed, as wandb writes them)."""
    return store_bytes(run, subdir, key, dumps(obj).encode("utf-8"), ext, summary)


def dumps(obj: Any) -> str:
    """Compact JSON; NumPy values become Python values."""
    return json.dumps(obj, separators=(",", ":"), default=_json_default)


def _json_default(v: Any) -> Any:
    if hasattr(v, "tolist"):
        return v.tolist()
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _place(run: Any, rel: str, sha256: str) -> None:
    dest = os.path.join(run.dir, *rel.split("/"))
    if os.path.exists(dest):
        return
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    src = blobs.blob_path(run._root, sha256)
    try:
        os.link(src, dest)
    except OSError:  # no hard links across devices or on some file systems: copy
        tmp = dest + ".tmp"
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)


def read_source(data: Any) -> tuple[bytes, str | None]:
    """Bytes and file name of a path or file object (text-mode objects are re-read as bytes).

    ``open("sample.glb")`` opens in text mode; reading that as text would fail on binary
    content, so an object whose ``name`` is an existing file is read again from disk.
    """
    if isinstance(data, (str, os.PathLike)):
        path = os.fspath(data)
        if not os.path.isfile(path):
            raise ValueError(f"file {path!r} does not exist")
        with open(path, "rb") as f:
            return f.read(), path
    name = getattr(data, "name", None)
    if isinstance(name, str) and os.path.isfile(name):
        with open(name, "rb") as f:
            return f.read(), name
    if hasattr(data, "read"):
        raw = data.read()
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        return raw, name if isinstance(name, str) else None
    raise TypeError(f"expected a path or a file object, got {type(data).__name__}")


def extension(name: str | None, allowed: tuple[str, ...]) -> str | None:
    """The longest extension of ``name`` among ``allowed`` (``"pts.json"`` before ``"json"``)."""
    if not name:
        return None
    low = name.lower()
    for ext in sorted(allowed, key=len, reverse=True):
        if low.endswith("." + ext):
            return ext
    return None


def finite_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def merge_wandb_config(run: Any, section: str, entries: dict) -> None:
    """Merge ``entries`` into ``config._wandb[section]``, writing only when something changed
    (inside ``Run.log``: once the whole call converted, see :func:`after_row`)."""
    if is_artifact(run):
        return  # artifacts have no config: labels live in the mask/box files themselves
    after_row(run, functools.partial(_merge_wandb_config, run, section, entries))


def _merge_wandb_config(run: Any, section: str, entries: dict) -> None:
    cfg = run.config
    current = cfg._items.get("_wandb")
    current = dict(current) if isinstance(current, dict) else {}
    sec = dict(current.get(section) or {})
    if all(sec.get(k) == v for k, v in entries.items()):
        return
    sec.update(entries)
    current[section] = sec
    cfg._write({"_wandb": current}, allow_val_change=True)


def class_name(v: Any) -> str:
    return type(v).__name__
