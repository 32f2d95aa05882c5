"""Artifact queries behind ``cairn.Api`` (R9.7) and ``Run.logged_artifacts/used_artifacts``.

Every function takes the root first — a path, or any object with a ``root`` attribute (a
``cairn.Api``, whose ``settings["project"]`` is then the default project). Lookups read the
collection store (:mod:`cairn.artifacts.store`); a run's inputs and outputs come from its run
file's USE_ARTIFACT / ARTIFACT records. Unknown names raise ``CommError``; a type that differs
from the requested one raises ``ValueError``.
"""

from __future__ import annotations

import json
import os
from typing import Any

from cairn.artifacts import names, store
from cairn.artifacts.artifact import Artifact
from cairn.runlog import format as fmt
from cairn.sdk.errors import CommError


def _root(api: Any) -> str:
    if isinstance(api, (str, os.PathLike)):
        return os.path.abspath(os.fspath(api))
    return os.fspath(api.root)


def _default_project(api: Any) -> str | None:
    settings = getattr(api, "settings", None)
    proj = settings.get("project") if isinstance(settings, dict) else None
    return proj or os.environ.get("CAIRN_PROJECT") or os.environ.get("WANDB_PROJECT")


def _project_for(api: Any, ref: names.Ref) -> str:
    if ref.project:
        return ref.project
    proj = _default_project(api)
    if proj:
        return proj
    root = _root(api)
    hits = [c["project"] for c in store.collections(root) if c["name"] == ref.name]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise CommError(f"artifact {ref.name!r} not found in {root}")
    raise ValueError(f"artifact name {ref.name!r} exists in projects {sorted(hits)}; prefix it with one")


def artifact(api: Any, name: str, type: str | None = None) -> Artifact:
    """The version named ``[entity/][project/]name[:alias|:vN|:digest]`` (bare name = latest)."""
    ref = names.parse_ref(name)
    root = _root(api)
    rec = store.resolve(root, _project_for(api, ref), ref.name, ref.alias)
    if type is not None and rec["type"] != type:
        raise ValueError(f"Artifact {name!r} has type {rec['type']!r}, not {type!r}")
    return Artifact._from_record(root, rec)


def artifact_versions(api: Any, type_name: str, name: str, per_page: int = 50) -> list[Artifact]:
    """Every version of collection ``[project/]name`` of type ``type_name``, oldest first."""
    ref = names.parse_ref(name)
    root = _root(api)
    project = _project_for(api, ref)
    info = store.collection_info(root, project, ref.name)
    if info is None:
        raise CommError(f"artifact collection {project}/{ref.name} not found in {root}")
    if type_name is not None and info["type"] != type_name:
        raise ValueError(f"Artifact collection {ref.name!r} has type {info['type']!r}, not {type_name!r}")
    return [Artifact._from_record(root, r) for r in store.versions(root, project, ref.name)]


def artifacts(api: Any, type_name: str, name: str, per_page: int = 50, tags: Any = None) -> list[Artifact]:
    """``artifact_versions``, optionally only versions carrying all of ``tags``."""
    out = artifact_versions(api, type_name, name, per_page)
    if tags:
        want = {tags} if isinstance(tags, str) else set(tags)
        out = [a for a in out if want <= set(a.tags)]
    return out


class Collection:
    """An artifact collection (or portfolio): ``name``, ``type``, ``project``, ``aliases``,
    ``versions()`` / ``artifacts()``."""

    def __init__(self, root: str, info: dict) -> None:
        self._root = root
        self.name = info["name"]
        self.type = info["type"]
        self.project = info["project"]
        self.entity = ""
        self.is_portfolio = bool(info.get("portfolio"))
        self.created_at = info.get("created_at")

    def versions(self) -> list[Artifact]:
        return [Artifact._from_record(self._root, r) for r in store.versions(self._root, self.project, self.name)]

    artifacts = versions

    @property
    def aliases(self) -> list[str]:
        return sorted(store.read_aliases(store.coll_dir(self._root, self.project, self.name)))

    def __repr__(self) -> str:
        return f"<ArtifactCollection {self.project}/{self.name} ({self.type})>"


def artifact_collections(api: Any, project: str | None, type_name: str | None = None,
                         per_page: int = 50) -> list[Collection]:
    root = _root(api)
    return [Collection(root, c) for c in store.collections(root, project, type_name)]


def artifact_collection(api: Any, type_name: str, name: str) -> Collection:
    ref = names.parse_ref(name)
    root = _root(api)
    info = store.collection_info(root, _project_for(api, ref), ref.name)
    if info is None or (type_name and info["type"] != type_name):
        raise CommError(f"artifact collection {name!r} of type {type_name!r} not found in {root}")
    return Collection(root, info)


def artifact_exists(api: Any, name: str, type: str | None = None) -> bool:
    try:
        artifact(api, name, type)
        return True
    except (CommError, ValueError):
        return False


def artifact_types(api: Any, project: str | None = None) -> list[str]:
    return sorted({c["type"] for c in store.collections(_root(api), project)})


class Registry:
    """A project holding linked collections (portfolios), e.g. ``model-registry``."""

    def __init__(self, root: str, name: str, colls: list[dict]) -> None:
        self.name = name
        self._colls = [Collection(root, c) for c in colls]

    def collections(self) -> list[Collection]:
        return list(self._colls)

    def versions(self) -> list[Artifact]:
        return [a for c in self._colls for a in c.versions()]

    def __repr__(self) -> str:
        return f"<Registry {self.name} ({len(self._colls)} collections)>"


def registries(api: Any, organization: str | None = None, filter: dict | None = None) -> list[Registry]:
    """Projects with portfolio collections; ``filter={"name": x}`` keeps registry ``x``."""
    root = _root(api)
    by_project: dict[str, list[dict]] = {}
    for c in store.collections(root):
        if c.get("portfolio"):
            by_project.setdefault(c["project"], []).append(c)
    want = (filter or {}).get("name")
    return [Registry(root, p, cs) for p, cs in sorted(by_project.items()) if want is None or p == want]


def _run_records(root: str, run: Any, rtype: int) -> list[dict]:
    from cairn.runlog.reader import Scan

    run_id = run if isinstance(run, str) else run.id
    path = os.path.join(root, "runs", run_id, "run.cairn")
    if not os.path.exists(path):
        raise CommError(f"run {run_id!r} not found in {root}")
    return [r.data for r in Scan(path) if r.type == rtype]


def _versions_of(root: str, recs: list[dict]) -> list[Artifact]:
    out, seen = [], set()
    for r in recs:
        if r.get("version") is None or r.get("op") is not None:
            continue  # an upsert (a contribution, not a version) or a later edit / delete
        key = (r["project"], r["name"], r["version"])
        if key in seen:
            continue
        seen.add(key)
        try:
            out.append(Artifact._from_record(root, store.load_version(root, *key)))
        except CommError:
            continue  # deleted since
    return out


def logged_artifacts(api: Any, run: Any) -> list[Artifact]:
    """Versions ``run`` logged (outputs), in logging order."""
    root = _root(api)
    return _versions_of(root, _run_records(root, run, fmt.ARTIFACT))


def used_artifacts(api: Any, run: Any) -> list[Artifact]:
    """Versions ``run`` used (inputs), in order of first use."""
    root = _root(api)
    return _versions_of(root, _run_records(root, run, fmt.USE_ARTIFACT))


def referenced_blobs(api: Any) -> set[str]:
    """Every blob address an artifact version, draft or manifest refers to (for ``cairn gc``)."""
    root = _root(api)
    out: set[str] = set()
    base = os.path.join(root, "artifacts")
    for dirpath, _, files in os.walk(base):
        for fn in files:
            if not fn.endswith(".json") or fn in ("collection.json", "aliases.json"):
                continue
            try:
                with open(os.path.join(dirpath, fn)) as f:
                    rec = json.load(f)
            except (OSError, ValueError):
                continue
            if not isinstance(rec, dict):
                continue
            if rec.get("manifest_sha256"):
                out.add(rec["manifest_sha256"])
            for e in ((rec.get("manifest") or {}).get("contents") or {}).values():
                if e.get("sha256"):
                    out.add(e["sha256"])
    return out
