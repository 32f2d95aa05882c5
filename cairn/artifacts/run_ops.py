"""The artifact, model, code and file methods of ``Run`` (``cairn.sdk.run_extras`` delegates here).

Logging an artifact does three things, in this order, in the caller's thread:
1. makes sure every entry's bytes are in the run root's blob store (a failure here leaves no
   version behind — the store is not touched yet);
2. commits a version in the collection store (:mod:`cairn.artifacts.store`: one atomic
   decision under the collection's lock — a new ``vN`` or the existing version with the same
   digest, which gets the aliases);
3. appends an ARTIFACT record (USE_ARTIFACT for inputs, LINK_ARTIFACT for links) to the run
   file, so lineage is rebuildable from run files alone.

Record payloads (see docs/architecture.md, "Artifacts"): ARTIFACT ``{id, entity, project, name,
type, version, digest, aliases, tags, description, metadata, manifest_sha256, size, file_count,
finalize, distributed_id, created, time}``; USE_ARTIFACT ``{id, entity, project, name, type,
version, digest, use_as, aliases, time}``; LINK_ARTIFACT ``{source: {project, name, version, digest},
target: {entity, project, name, version}, aliases, time}``.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from typing import Any

from cairn.artifacts import names, store
from cairn.artifacts.artifact import Artifact
from cairn.artifacts.manifest import entries_from_manifest, manifest_dict, store_file
from cairn.runlog import format as fmt
from cairn.store import blobs


# -- building artifacts from paths -------------------------------------------------------
def artifact_from_path(run: Any, path: Any, name: str | None, type_: str | None) -> Artifact:
    """An artifact from a file, a folder or a ``scheme://`` reference; default name
    ``run-<run_id>-<basename>`` and type ``unspecified`` (R7.5). ``ValueError`` otherwise."""
    p = os.fspath(path)
    is_uri = isinstance(p, str) and "://" in p
    base = os.path.basename(p.rstrip("/")) if not is_uri else p.rstrip("/").rsplit("/", 1)[-1]
    art = Artifact(name if name is not None else f"run-{run.id}-{base}", type_ or "unspecified")
    if is_uri:
        art.add_reference(p)
    elif os.path.isfile(p):
        art.add_file(p)
    elif os.path.isdir(p):
        art.add_dir(p)
    else:
        raise ValueError(f"path must be a file, directory or external reference like s3://bucket/path, got {p!r}")
    return art


def _as_artifact(run: Any, artifact_or_path: Any, name: str | None, type_: str | None) -> Artifact:
    if isinstance(artifact_or_path, Artifact):
        return artifact_or_path
    if isinstance(artifact_or_path, (str, os.PathLike)):
        return artifact_from_path(run, artifact_or_path, name, type_)
    raise ValueError(f"expected an Artifact or a path, got {type(artifact_or_path).__name__}")


def _stage_into(root: str, art: Artifact) -> None:
    """Copy every entry's bytes into ``root``'s blob store (streamed; skips blobs present)."""
    for e in art._entries.values():
        if e.sha256 is None or blobs.has_blob(root, e.sha256):
            continue
        src = blobs.blob_path(e.blob_root, e.sha256) if e.blob_root else None
        if src and os.path.exists(src):
            got = blobs.put_file(root, src)
        elif e.local_path and os.path.isfile(e.local_path):
            got = store_file(root, e.local_path)
        else:
            raise ValueError(f"the bytes of {e.path!r} are gone: {e.local_path or e.sha256} no longer exists")
        if got.sha256 != e.sha256:
            raise ValueError(
                f"{e.local_path or e.path!r} changed after it was added to artifact {art._name!r} "
                "(policy='immutable' files must not change before the artifact is logged)"
            )
        e.blob_root = root


def _manifest_blob(root: str, art: Artifact) -> str:
    data = json.dumps(manifest_dict(art._entries), sort_keys=True).encode()
    return blobs.put_bytes(root, data).sha256


# -- log / upsert / finish -------------------------------------------------------------------
def _commit(run: Any, art: Artifact, aliases: list[str], tags: list[str] | None,
            distributed_id: str | None) -> Artifact:
    root = run._root
    _stage_into(root, art)
    manifest_sha = _manifest_blob(root, art)
    project = run.project
    rec = {
        "id": uuid.uuid4().hex, "name": art._name, "project": project, "entity": run.entity,
        "type": art._type, "description": art._description, "metadata": art._metadata,
        "digest": art.digest, "manifest": manifest_dict(art._entries), "manifest_sha256": manifest_sha,
        "size": art.size, "file_count": len(art._entries), "created_at": time.time(),
        "run_id": run.id, "tags": list(tags or art._tags), "ttl": _ttl_json(art._ttl),
    }
    version, created = store.commit_version(root, project, art._name, art._type, rec, aliases)
    art._bind(root, store.load_version(root, project, art._name, version))
    run._emit(fmt.ARTIFACT, {
        "id": art._id, "entity": run.entity, "project": project, "name": art._name, "type": art._type,
        "version": version, "digest": rec["digest"], "aliases": aliases, "tags": rec["tags"],
        "description": art._description, "metadata": _plain(art._metadata),
        "manifest_sha256": manifest_sha, "size": rec["size"], "file_count": rec["file_count"],
        "finalize": True, "distributed_id": distributed_id, "created": created, "time": time.time(),
    })
    return art


def _ttl_json(ttl: Any) -> Any:
    return ttl.total_seconds() if hasattr(ttl, "total_seconds") else ttl


def _plain(v: Any) -> Any:
    return json.loads(json.dumps(v, default=str))


def log_artifact(run: Any, artifact_or_path: Any, name: str | None = None, type: str | None = None,
                 aliases: list[str] | None = None, tags: list[str] | None = None) -> Artifact:
    """Log an artifact (or a path, R7.5) as an output of ``run``; returns it COMMITTED.

    ``aliases`` get ``latest`` appended; an alias with ``/`` or ``:`` raises ``ValueError``
    before anything is stored.
    """
    art = _as_artifact(run, artifact_or_path, name, type)
    al = names.validate_aliases(list(names.validate_aliases(aliases, False)) + list(art._aliases))
    if art._incremental and art._version is None:
        _merge_latest(run, art)
    return _commit(run, art, al, tags, None)


def _merge_latest(run: Any, art: Artifact) -> None:
    """``incremental=True``: the new version is the latest one plus this artifact's entries."""
    from cairn.sdk.errors import CommError

    try:
        rec = store.resolve(run._root, run.project, art._name, "latest")
    except CommError:
        return  # first version: nothing to build on
    base = entries_from_manifest(rec["manifest"])
    for e in base.values():
        e.blob_root = run._root if e.sha256 else None
        e._artifact = art
    art._entries = {**base, **art._entries}


def _dist_id(run: Any, distributed_id: str | None, what: str) -> str:
    dist = distributed_id or run.group
    if not dist:
        raise TypeError(
            f"Cannot {what} artifact unless run is in a group or distributed_id is provided"
        )
    return dist


def upsert_artifact(run: Any, artifact_or_path: Any, name: str | None = None, type: str | None = None,
                    aliases: list[str] | None = None, distributed_id: str | None = None) -> Artifact:
    """Add this run's files to the draft version shared by ``distributed_id`` (default: the run's
    group; neither → ``TypeError``). The draft becomes a version at ``finish_artifact``."""
    dist = _dist_id(run, distributed_id, "upsert")
    art = _as_artifact(run, artifact_or_path, name, type)
    al = names.validate_aliases(aliases)
    info = store.collection_info(run._root, run.project, art._name)
    if info and not info.get("portfolio") and info["type"] != art._type:
        raise ValueError(f"Artifact {art._name} already exists with type {info['type']!r}; cannot upsert type {art._type!r}")
    root = run._root
    _stage_into(root, art)
    manifest_sha = _manifest_blob(root, art)
    store.add_draft(root, run.project, art._name, dist, {
        "run_id": run.id, "type": art._type, "manifest": manifest_dict(art._entries),
        "aliases": al, "metadata": _plain(art._metadata), "description": art._description,
    })
    art._final = True
    art._distributed_id = dist
    run._emit(fmt.ARTIFACT, {
        "id": None, "entity": run.entity, "project": run.project, "name": art._name, "type": art._type,
        "version": None, "digest": art.digest, "aliases": al, "tags": [], "description": art._description,
        "metadata": _plain(art._metadata), "manifest_sha256": manifest_sha, "size": art.size,
        "file_count": len(art._entries), "finalize": False, "distributed_id": dist, "created": False,
        "time": time.time(),
    })
    return art


def finish_artifact(run: Any, artifact_or_path: Any, name: str | None = None, type: str | None = None,
                    aliases: list[str] | None = None, distributed_id: str | None = None) -> Artifact:
    """Commit the draft ``distributed_id``: every upserted part (later ones win on the same
    path) plus this call's files, as one version. Later upserts start the next version."""
    dist = _dist_id(run, distributed_id, "finish")
    art = _as_artifact(run, artifact_or_path, name, type)
    al = names.validate_aliases(aliases)
    merged: dict = {}
    for part in store.take_drafts(run._root, run.project, art._name, dist):
        for p, e in entries_from_manifest(part["manifest"]).items():
            e.blob_root = run._root if e.sha256 else None
            merged[p] = e
        for a in part.get("aliases") or []:
            if a not in al:
                al.append(a)
        for k, v in (part.get("metadata") or {}).items():
            art._metadata.setdefault(k, v)
    for p, e in art._entries.items():
        merged[p] = e
    for e in merged.values():
        e._artifact = art
    art._entries = merged
    art._final = True
    art._distributed_id = dist
    return _commit(run, art, al, None, dist)


# -- use -----------------------------------------------------------------------------------
def use_artifact(run: Any, artifact_or_name: Any, type: str | None = None,
                 aliases: list[str] | None = None, use_as: str | None = None) -> Artifact:
    """Declare an artifact as an input of ``run`` and return it (COMMITTED).

    Strings: ``name``, ``name:alias``, ``name:vN``, ``name:<digest>``, with optional ``project/``
    or ``entity/project/`` (more parts → ``ValueError``); a bare name means ``latest``. An
    unlogged ``Artifact`` is logged first. A ``type`` that differs raises ``ValueError``; an
    unknown name raises ``CommError``.
    """
    root = run._root
    if isinstance(artifact_or_name, Artifact):
        art = artifact_or_name
        if art._version is None:
            log_artifact(run, art)
    elif isinstance(artifact_or_name, str):
        ref = names.parse_ref(artifact_or_name)
        rec = store.resolve(root, ref.project or run.project, ref.name, ref.alias)
        art = Artifact._from_record(root, rec)
    else:
        raise ValueError(f"use_artifact expects an Artifact or a name, got {artifact_or_name!r}")
    if type is not None and type != art.type:
        raise ValueError(f"Supplied type {type} does not match type {art.type} of artifact {art.name}")
    extra = names.validate_aliases(aliases, add_latest=False) if aliases else []
    if extra:
        store.set_aliases(art._root, art._project, art._name, art._version, extra)
        art._aliases = list(dict.fromkeys(art._aliases + extra))
    art._use_as = use_as
    store.record_use(art._root, art._project, art._name, art._version, run.id)
    run._emit(fmt.USE_ARTIFACT, {
        "id": art._id, "entity": art._entity, "project": art._project, "name": art._name,
        "type": art._type, "version": art._version, "digest": art.digest, "use_as": use_as,
        "aliases": extra,
        "time": time.time(),
    })
    return art


# -- links and registries ----------------------------------------------------------------
def _target(run: Any, art: Artifact, target_path: str) -> tuple[str, str, str]:
    if not isinstance(target_path, str) or not target_path:
        raise ValueError(f"target_path must be a non-empty string, got {target_path!r}")
    parts = target_path.split("/")
    if len(parts) > 3 or any(not p for p in parts):
        raise ValueError(
            f"Invalid target_path {target_path!r}: expected portfolio, project/portfolio or entity/project/portfolio"
        )
    entity = parts[0] if len(parts) == 3 else (getattr(run, "entity", "") if run else art._entity)
    project = parts[-2] if len(parts) >= 2 else (run.project if run else art._project)
    return entity or "", project, names.validate_name(parts[-1])


def link_version(root: str, art: Artifact, target_path: str, aliases: list[str] | None,
                 run: Any) -> Artifact:
    """Link the version ``art`` into the portfolio at ``target_path`` (created on first use);
    ``latest`` is always applied. Linking the same content again reuses its linked version."""
    entity, project, portfolio = _target(run, art, target_path)
    al = names.validate_aliases(aliases)
    if art._version is None:
        if run is None:
            from cairn.artifacts.errors import ArtifactNotLoggedError

            raise ArtifactNotLoggedError("link")
        log_artifact(run, art)
    src = store.load_version(art._root, art._project, art._name, art._version)
    source = {"project": art._project, "name": art._name, "version": art._version,
              "digest": src["digest"], "id": src.get("id")}
    rec = {**src, "id": uuid.uuid4().hex, "name": portfolio, "project": project, "entity": entity,
           "created_at": time.time(), "linked_from": source,
           "run_id": run.id if run is not None else src.get("run_id")}
    rec.pop("aliases", None)
    rec.pop("version", None)
    version, _ = store.commit_version(root, project, portfolio, art._type, rec, al, portfolio=True)
    if run is not None:
        run._emit(fmt.LINK_ARTIFACT, {
            "source": {k: source[k] for k in ("project", "name", "version", "digest")},
            "target": {"entity": entity, "project": project, "name": portfolio, "version": version},
            "aliases": al, "time": time.time(),
        })
    return Artifact._from_record(root, store.load_version(root, project, portfolio, version))


def link_artifact(run: Any, artifact: Any, target_path: str, aliases: list[str] | None = None) -> None:
    """Link ``artifact`` (logged first if needed) into a portfolio / registry collection."""
    if not isinstance(artifact, Artifact):
        raise ValueError(f"link_artifact expects an Artifact, got {type(artifact).__name__}")
    link_version(run._root, artifact, target_path, aliases, run)


# -- models -------------------------------------------------------------------------------
def log_model(run: Any, path: Any, name: str | None = None, aliases: list[str] | None = None) -> None:
    """``log_artifact`` with type ``model``; an invalid ``name`` raises ``ValueError``."""
    if name is not None:
        names.validate_name(name)
    log_artifact(run, artifact_from_path(run, path, name, "model"), aliases=aliases)


def use_model(run: Any, name: str) -> str:
    """Use and download a model artifact; return the file (one entry) or the folder.

    ``name`` needs an explicit ``:alias`` or ``:vN`` (the reference lists a bare
    ``entity/project/name`` as invalid usage → ``ValueError``); a type without ``model`` →
    ``AssertionError``.
    """
    ref = names.parse_ref(name)
    if ref.alias is None:
        raise ValueError(
            f"use_model needs a version or alias, e.g. {name}:latest or {name}:v0 (got {name!r})"
        )
    art = use_artifact(run, name)
    assert "model" in art.type.lower(), (
        "You can only use this method for 'model' artifacts. For an artifact to be a 'model' "
        "artifact, its type property must contain the substring 'model'."
    )
    path = art.download()
    if len(art._entries) == 1:
        return os.path.join(path, next(iter(art._entries)))
    return path


REGISTRY_PROJECT = "model-registry"


def link_model(run: Any, path: Any, registered_model_name: str, name: str | None = None,
               aliases: list[str] | None = None) -> None:
    """Log a model from ``path`` and link it to ``model-registry/<registered_model_name>``
    (created on first link). ``/`` in ``registered_model_name`` or an existing ``name`` whose
    type lacks ``model`` → ``AssertionError``; an invalid ``name`` → ``ValueError``."""
    assert "/" not in str(registered_model_name), (
        "Please provide only the name of the registered model. Do not append the entity or project name."
    )
    type_ = "model"
    if name is not None:
        names.validate_name(name)
        info = store.collection_info(run._root, run.project, name)
        if info is not None:
            assert "model" in info["type"].lower(), (
                "You can only use this method for 'model' artifacts. For an artifact to be a 'model' "
                "artifact, its type property must contain the substring 'model'."
            )
            type_ = info["type"]
    art = log_artifact(run, artifact_from_path(run, path, name, type_))
    link_version(run._root, art, f"{REGISTRY_PROJECT}/{registered_model_name}", aliases, run)


# -- code, files ---------------------------------------------------------------------------
def log_code(run: Any, root: str | None = ".", name: str | None = None, include_fn: Any = None,
             exclude_fn: Any = None) -> Artifact | None:
    from cairn.artifacts import code

    return code.log_code(run, root, name, include_fn, exclude_fn)


def save(run: Any, glob_str: Any = None, base_path: Any = None, policy: str = "live") -> Any:
    from cairn.artifacts import files

    return files.save(run, glob_str, base_path, policy)


def restore(name: str, run_path: str | None = None, replace: bool = False, root: str | None = None,
            run: Any = None) -> Any:
    from cairn.artifacts import files

    return files.restore(name, run_path=run_path, replace=replace, root=root, run=run)


def on_finish(run: Any) -> None:
    """At ``run.finish``: capture ``end`` files and the last state of ``live`` files. Never
    raises: a file that cannot be captured is a warning, not a failed finish."""
    from cairn.artifacts import files
    from cairn.sdk.term import termwarn

    try:
        files.on_finish(run)
    except Exception as e:
        termwarn(f"could not capture saved files at finish: {e!r}")


def save_unlogged(art: Artifact, project: str | None) -> None:
    """``Artifact.save()`` of an unlogged artifact: log it with the active run, or with a short
    run of job type ``auto`` when there is none (as wandb does)."""
    from cairn.sdk import globals as g

    run = g.active_run()
    if run is not None:
        log_artifact(run, art)
        return
    import cairn

    tmp = cairn.init(project=project, job_type="auto", reinit=True)
    try:
        log_artifact(tmp, art)
    finally:
        tmp.finish(quiet=True)
