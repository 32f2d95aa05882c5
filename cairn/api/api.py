"""``cairn.Api``: wandb's public query API over a Cairn root (R9.1–R9.8).

``Api()`` reads the root ``cairn.init`` writes to (``resolve_root``: ``CAIRN_ROOT``, or
``cairn-data`` under ``CAIRN_DIR``/``WANDB_DIR``/the working directory); ``root=`` names another,
and ``url=`` an index database (SQLAlchemy URL, e.g. PostgreSQL) instead of the root's SQLite
file. Every query first ingests new run-file bytes (incremental, cheap) so results are fresh.
Lookups that find nothing raise ``cairn.CommError``.
"""

from __future__ import annotations

import json
import os
from typing import Any

from cairn.api.backend import Backend, open_backend
from cairn.api.paths import parse_project_path, parse_run_path
from cairn.api.projects import Project
from cairn.api.run import Run
from cairn.api.runs import Runs
from cairn.sdk.errors import CommError


class Api:
    """Query runs, projects and artifacts of a Cairn root, in wandb's ``Api`` shape."""

    def __init__(self, overrides: dict | None = None, timeout: int | None = None,
                 api_key: str | None = None, root: str | os.PathLike | None = None,
                 url: str | None = None) -> None:
        """Open the root's index (creating it on first use).

        ``overrides`` may set ``entity``, ``project`` (defaults for paths that omit them; as in
        wandb they default to ``CAIRN_``/``WANDB_ENTITY`` and ``CAIRN_``/``WANDB_PROJECT``) and
        ``base_url`` (``WANDB_BASE_URL`` is deliberately ignored: it usually names wandb's
        cloud). ``url`` defaults to ``CAIRN_INDEX_URL``, as for ``cairn server``.
        ``timeout``/``api_key`` are accepted for compatibility. Raises
        ``CommError`` if the index cannot be opened, ``TypeError`` for non-dict ``overrides``.
        """
        from cairn.sdk.init import resolve_root

        if overrides is not None and not isinstance(overrides, dict):
            raise TypeError(f"overrides must be a dict, got {type(overrides).__name__}")
        env = os.environ
        self.settings: dict = {
            "entity": env.get("CAIRN_ENTITY") or env.get("WANDB_ENTITY") or None,
            "project": env.get("CAIRN_PROJECT") or env.get("WANDB_PROJECT") or None,
            "base_url": None,
        }
        self.settings.update(overrides or {})
        self.timeout = timeout
        self.api_key = api_key
        self.root = os.path.abspath(os.fspath(root)) if root is not None else resolve_root()
        self.url = url or os.environ.get("CAIRN_INDEX_URL") or None
        self._backend: Backend = open_backend(self.root, self.url, self.settings.get("base_url"))
        self._runs_cache: dict[tuple, Runs] = {}

    @property
    def index(self) -> Backend:
        """The backend every query goes through (``cairn.store.index.Index`` locally)."""
        return self._backend

    @property
    def default_entity(self) -> str:
        """``overrides["entity"]``, else ``CAIRN_ENTITY``/``WANDB_ENTITY``, else "" (local runs)."""
        return self.settings.get("entity") or ""

    @property
    def viewer(self) -> dict:
        """The user wandb would report: here the default entity, as entity and username."""
        return {"entity": self.default_entity, "username": self.default_entity}

    def close(self) -> None:
        """Release the index's database connections (the engine's pool). Queries after
        ``close`` are not supported; calling it twice is harmless. ``with Api(...) as api:``
        closes on exit."""
        self._runs_cache.clear()
        self._backend.close()

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def flush(self) -> None:
        """Forget cached ``runs()`` results, so the next call queries afresh."""
        self._runs_cache.clear()

    # -- runs -------------------------------------------------------------------------------
    def runs(self, path: str | None = None, filters: dict | None = None,
             order: str = "+created_at", per_page: int = 50, include_sweeps: bool = True) -> Runs:
        """Runs of a project (``"project"`` or ``"entity/project"``; all projects when the path
        and ``overrides["project"]`` are empty), matching MongoDB-style ``filters``.

        ``order`` is ``+``/``-`` and a field (``created_at``, ``heartbeat_at``,
        ``config.<key>``, ``summary_metrics.<key>``). Results are cached per
        (path, filters, order) until :meth:`flush`. Raises ``ValueError`` for a malformed path,
        filter or order. Cost: one ingest, then one query per page as the result is read.
        """
        entity, project = parse_project_path(path)
        project = project or self.settings.get("project")
        if filters is not None and not isinstance(filters, dict):
            raise ValueError(f"filters must be a dict, got {type(filters).__name__}")
        key = (entity, project, json.dumps(filters or {}, sort_keys=True, default=str), order,
               per_page)
        if key not in self._runs_cache:
            self._backend.ingest()
            runs = Runs(self, project, filters, order, per_page, entity=entity)
            try:
                len(runs)  # validate filters/order now, in the caller's frame
            except ValueError as e:
                raise ValueError(f"invalid runs query (filters={filters!r}, order={order!r}): "
                                 f"{e}") from e
            self._runs_cache[key] = runs
        return self._runs_cache[key]

    def run(self, path: str) -> Run:
        """The run at ``path`` (``run_id``, ``project/run_id``, ``entity/project/run_id`` or
        ``entity/project/runs/run_id``).

        Raises ``CommError`` ("Could not find run …: not found") when no such run exists,
        ``ValueError`` for a malformed path. Cost: ingesting this run's new bytes, one lookup.
        """
        entity, project, run_id = parse_run_path(path)
        project = project or self.settings.get("project")
        self._backend.ingest([run_id])  # only this run's file: one stat when nothing is new
        try:
            attrs = self._backend.run(run_id, project)
        except CommError as e:
            raise CommError(f"Could not find run {path!r}: not found in {self.root}", e) from e
        if entity and attrs.get("entity") and attrs["entity"] != entity:
            raise CommError(f"Could not find run {path!r}: not found in {self.root} "
                            f"(run {run_id} belongs to entity {attrs['entity']!r})")
        return Run(self, attrs)

    # -- projects ---------------------------------------------------------------------------
    def projects(self, entity: str | None = None, per_page: int = 200) -> list[Project]:
        """Every project in the root (those of ``entity`` when given)."""
        self._backend.ingest()
        out = [Project(self, p) for p in self._backend.projects()]
        return [p for p in out if not entity or not p.entity or p.entity == entity]

    def project(self, name: str, entity: str | None = None) -> Project:
        """The project ``name`` (or ``entity/name``). Raises ``CommError`` if it has no runs."""
        ent, proj = parse_project_path(name)
        for p in self.projects(entity or ent):
            if p.name == proj:
                return p
        raise CommError(f"Could not find project {name!r}: not found in {self.root}")

    # -- artifacts (cairn.artifacts.query does the work) ------------------------------------
    def artifact(self, name: str, type: str | None = None) -> Any:
        """The artifact version ``[entity/][project/]name[:version|alias]`` (R7.7). Raises
        ``CommError`` when there is none, ``ValueError`` for a ``type`` mismatch."""
        from cairn.artifacts import query

        return query.artifact(self, name, type=type)

    def artifacts(self, type_name: str, name: str, per_page: int = 50, tags: Any = None) -> Any:
        """As :meth:`artifact_versions`; with ``tags``, only versions carrying all of them."""
        from cairn.artifacts import query

        return query.artifacts(self, type_name, name, per_page=per_page, tags=tags)

    def artifact_versions(self, type_name: str, name: str, per_page: int = 50) -> Any:
        """Every version of collection ``[project/]name`` of type ``type_name``, oldest first.
        Raises ``CommError`` for an unknown collection."""
        from cairn.artifacts import query

        return query.artifact_versions(self, type_name, name, per_page=per_page)

    def artifact_collections(self, project_name: str, type_name: str, per_page: int = 50) -> Any:
        """The collections of type ``type_name`` in ``project_name``."""
        from cairn.artifacts import query

        return query.artifact_collections(self, project_name, type_name, per_page=per_page)

    def artifact_collection(self, type_name: str, name: str) -> Any:
        """The collection ``name`` of type ``type_name``. Raises ``CommError`` if unknown."""
        from cairn.artifacts import query

        return query.artifact_collection(self, type_name, name)

    def artifact_collection_exists(self, name: str, type: str) -> bool:
        """Whether :meth:`artifact_collection` would find ``name`` of ``type``."""
        try:
            self.artifact_collection(type, name)
            return True
        except (CommError, ValueError):
            return False

    def artifact_types(self, project: str | None = None) -> Any:
        """The names of the artifact types used in ``project`` (every project when omitted),
        sorted."""
        from cairn.artifacts import query

        return query.artifact_types(self, project)

    def artifact_exists(self, name: str, type: str | None = None) -> bool:
        """Whether :meth:`artifact` would find ``name`` (of ``type``)."""
        from cairn.artifacts import query

        return query.artifact_exists(self, name, type=type)

    def registries(self, organization: str | None = None, filter: dict | None = None) -> Any:
        """Projects holding portfolio (linked) collections; ``filter={"name": x}`` keeps
        registry ``x``."""
        from cairn.artifacts import query

        return query.registries(self, organization=organization, filter=filter)

    def __repr__(self) -> str:
        return f"<cairn.Api root={self.root}{' url=' + self.url if self.url else ''}>"
