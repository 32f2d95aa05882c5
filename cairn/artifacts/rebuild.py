"""Rebuild the collection store (``<root>/artifacts``) from run files and blobs.

The store is a view: every version, alias, use and link was also appended to a run file
(ARTIFACT, USE_ARTIFACT, LINK_ARTIFACT records) and every manifest to the blob store. This
module replays those records in time order into the store — creating missing versions with
the numbers the records name, applying aliases in the order they were given, and noting uses
— so a lost or damaged ``artifacts/`` folder can be recreated with ``rebuild(root)``.
Replaying into an intact store changes nothing but re-applies aliases (idempotent).

``Artifact.save()`` edits and ``Artifact.delete()`` of committed versions are ARTIFACT records
with an ``op`` field (:mod:`cairn.artifacts.edits`) and are replayed in the same time order.
Not in run files, hence not rebuilt: upserts never finished, and edits of a version that no
run logged when no run was active (nowhere to record them).
Cost: one sequential scan of every run file plus one manifest blob read per version.
"""

from __future__ import annotations

import json
import os
from typing import Any

from cairn.artifacts import store
from cairn.runlog import format as fmt
from cairn.sdk.errors import CommError
from cairn.store import blobs

_KINDS = (fmt.ARTIFACT, fmt.USE_ARTIFACT, fmt.LINK_ARTIFACT)


def _events(root: str) -> list[tuple[float, int, str, int, dict]]:
    from cairn.runlog.reader import Scan

    out = []
    runs = os.path.join(root, "runs")
    for run_id in sorted(os.listdir(runs)) if os.path.isdir(runs) else []:
        path = os.path.join(runs, run_id, "run.cairn")
        if not os.path.exists(path):
            continue
        for rec in Scan(path):
            if rec.type in _KINDS and isinstance(rec.data, dict):
                out.append((float(rec.data.get("time") or 0), rec.offset, run_id, rec.type, rec.data))
    out.sort(key=lambda e: (e[0], e[2], e[1]))
    return out


def _manifest(root: str, sha256: str) -> dict:
    with open(blobs.blob_path(root, sha256)) as f:
        return json.load(f)


def rebuild(root: str) -> dict[str, int]:
    """Replay every artifact record of ``root``'s run files into the store; returns counts
    ``{"versions", "uses", "links", "edits", "deletes", "skipped"}`` (skipped: records whose
    manifest blob is gone or that name a version that does not exist)."""
    counts = {"versions": 0, "uses": 0, "links": 0, "edits": 0, "deletes": 0, "skipped": 0}
    for t, _, run_id, rtype, d in _events(root):
        try:
            if rtype == fmt.ARTIFACT and d.get("op") == "update":
                _replay_update(root, d)
                counts["edits"] += 1
            elif rtype == fmt.ARTIFACT and d.get("op") == "delete":
                counts["deletes"] += _replay_delete(root, d)
            elif rtype == fmt.ARTIFACT and d.get("version") is not None:
                counts["versions"] += _replay_artifact(root, run_id, t, d)
            elif rtype == fmt.USE_ARTIFACT and d.get("version") is not None:
                if run_id not in store.users(root, d["project"], d["name"], d["version"]):
                    store.record_use(root, d["project"], d["name"], d["version"], run_id)
                if d.get("aliases"):
                    store.set_aliases(root, d["project"], d["name"], d["version"], d["aliases"])
                counts["uses"] += 1
            elif rtype == fmt.LINK_ARTIFACT:
                counts["links"] += _replay_link(root, run_id, t, d)
        except (OSError, ValueError, KeyError, CommError):
            counts["skipped"] += 1
    return counts


def _replay_artifact(root: str, run_id: str, t: float, d: dict) -> int:
    record: dict[str, Any] = {
        "id": d.get("id"), "name": d["name"], "project": d["project"], "entity": d.get("entity") or "",
        "type": d["type"], "description": d.get("description"), "metadata": d.get("metadata") or {},
        "digest": d["digest"], "manifest": _manifest(root, d["manifest_sha256"]),
        "manifest_sha256": d["manifest_sha256"], "size": d.get("size"), "file_count": d.get("file_count"),
        "created_at": t, "run_id": run_id, "tags": d.get("tags") or [], "ttl": None,
    }
    return int(store.put_version(root, d["project"], d["name"], d["type"], int(d["version"]), record,
                                 list(d.get("aliases") or [])))


def _replay_update(root: str, d: dict) -> None:
    """An ``Artifact.save()`` of a committed version: its edits file and alias moves."""
    project, name, version = d["project"], d["name"], int(d["version"])
    store.load_version(root, project, name, version)  # CommError (counted as skipped) if absent
    store.save_edits(root, project, name, version,
                     {k: d.get(k) for k in ("description", "metadata", "ttl")})
    store.set_aliases(root, project, name, version, list(d.get("aliases_add") or []),
                      list(d.get("aliases_drop") or []))


def _replay_delete(root: str, d: dict) -> int:
    """An ``Artifact.delete()``; 0 if the version is already deleted (intact store)."""
    cdir = store.coll_dir(root, d["project"], d["name"])
    if not os.path.exists(os.path.join(cdir, f"v{int(d['version'])}.json")):
        return 0
    # the original delete succeeded, so any aliases it held were allowed to go with it
    store.delete_version(root, d["project"], d["name"], int(d["version"]), True)
    return 1


def _replay_link(root: str, run_id: str, t: float, d: dict) -> int:
    src, tgt = d["source"], d["target"]
    rec = store.load_version(root, src["project"], src["name"], int(src["version"]))
    rec.pop("aliases", None)
    rec.pop("version", None)
    rec.update({"name": tgt["name"], "project": tgt["project"], "entity": tgt.get("entity") or "",
                "created_at": t, "run_id": run_id,
                "linked_from": {k: src[k] for k in ("project", "name", "version", "digest")}})
    return int(store.put_version(root, tgt["project"], tgt["name"], rec["type"], int(tgt["version"]), rec,
                                 list(d.get("aliases") or []), portfolio=True))
