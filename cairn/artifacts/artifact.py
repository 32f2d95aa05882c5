"""``Artifact``: a versioned set of files (wandb-semantics §7), built locally and logged by a run.

Life cycle: a new Artifact is PENDING and editable (``add_file``, ``add_dir``, ``new_file``,
``add_reference``, ``add``, ``remove``); once logged it is finalized (edits raise
``ArtifactFinalizedError``) and, because the local store commits synchronously, COMMITTED when
``log_artifact`` returns. Properties that only exist for a committed version (``version``,
``id``, ``created_at`` …) raise ``ArtifactNotLoggedError`` before that.

Bytes: ``add_file``/``add_dir`` with the default ``policy="mutable"`` copy the file into the
shared blob store at once (later edits of the source do not change the artifact); with
``"immutable"`` only the hash is taken now and the bytes are copied when the artifact is logged.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import tempfile
import time
from collections import namedtuple
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cairn.artifacts import digest_cache, names
from cairn.artifacts.errors import ArtifactFinalizedError, ArtifactNotLoggedError
from cairn.artifacts.manifest import (
    Entry,
    Manifest,
    artifact_digest,
    b64_to_hex,
    entries_from_manifest,
    hash_file,
    store_file,
    walk_files,
)

RunRef = namedtuple("RunRef", ["id", "project", "entity", "path"])


def staging_root() -> str:
    """Where unlogged artifacts keep their bytes: the active run's root, else the default root."""
    from cairn.sdk import globals as g

    run = g.active_run()
    root = getattr(run, "_root", None)
    if root:
        return root
    from cairn.sdk.init import resolve_root

    return resolve_root()


def _entry_path(name: str) -> str:
    p = posixpath.normpath(name.replace(os.sep, "/"))
    if p.startswith("/") or p == ".." or p.startswith("../") or p == ".":
        raise ValueError(f"artifact entry path must be relative and inside the artifact: {name!r}")
    return p


class Artifact:
    """A flexible and lightweight building block for dataset and model versioning.

    ``Artifact(name, type, description=None, metadata=None, incremental=False, use_as=None)``;
    ``name`` must match ``^[A-Za-z0-9_\\-.]+$`` and ``type`` must not be ``job`` or ``wandb-*``
    (``ValueError`` otherwise).
    """

    _cairn_artifact = True  # lets Run.config recognise an artifact without importing this module

    def __init__(self, name: str, type: str, description: str | None = None,
                 metadata: dict | None = None, incremental: bool = False, use_as: str | None = None) -> None:
        self._name = names.validate_name(name)
        self._type = names.validate_type(type)
        if metadata is not None and not isinstance(metadata, dict):
            raise ValueError(f"Artifact metadata must be a dict, got {metadata.__class__.__name__}")
        self._description = description
        self._metadata = dict(metadata or {})
        self._incremental = bool(incremental)
        self._use_as = use_as
        self._entries: dict[str, Entry] = {}
        self._state = "PENDING"
        self._final = False
        self._root: str | None = None
        self._project: str | None = None
        self._entity = ""
        self._version: int | None = None
        self._id: str | None = None
        self._aliases: list[str] = []
        self._saved_aliases: list[str] = []
        self._tags: list[str] = []
        self._ttl: Any = None
        self._created_at: float | None = None
        self._run_id: str | None = None
        self._distributed_id: str | None = None
        self._linked_from: dict | None = None

    # -- construction from the store ---------------------------------------------------
    @classmethod
    def _from_record(cls, root: str, rec: dict) -> Artifact:
        """A committed artifact from a version record of :mod:`cairn.artifacts.store`."""
        art = cls.__new__(cls)
        Artifact.__init__(art, rec["name"], "unspecified")
        art._type = rec["type"]
        art._description = rec.get("description")
        art._metadata = dict(rec.get("metadata") or {})
        art._entries = entries_from_manifest(rec["manifest"])
        art._bind(root, rec)
        return art

    def _bind(self, root: str, rec: dict) -> None:
        self._root = root
        self._project = rec["project"]
        self._entity = rec.get("entity") or ""
        self._version = int(rec["version"])
        self._id = rec.get("id")
        self._aliases = list(rec.get("aliases") or [])
        self._saved_aliases = list(self._aliases)
        self._tags = list(rec.get("tags") or [])
        self._ttl = rec.get("ttl")
        self._created_at = rec.get("created_at")
        self._run_id = rec.get("run_id")
        self._linked_from = rec.get("linked_from")
        self._state = "COMMITTED"
        self._final = True
        for e in self._entries.values():
            e._artifact = self
            if e.sha256 is not None:
                e.blob_root = root
                e.local_path = None

    # -- state checks -----------------------------------------------------------------------
    def _editable(self, what: str) -> None:
        if self._final:
            raise ArtifactFinalizedError(what)

    def _logged(self, what: str) -> None:
        if self._version is None:
            raise ArtifactNotLoggedError(what)

    # -- adding content ---------------------------------------------------------------------
    def _add_entry(self, entry: Entry, overwrite: bool = False) -> Entry:
        old = self._entries.get(entry.path)
        if old is not None and old.digest != entry.digest and not overwrite:
            raise ValueError(f"Cannot add the same path twice: {entry.path!r}")
        entry._artifact = self
        self._entries[entry.path] = entry
        return entry

    def _file_entry(self, local_path: str, name: str, policy: str, root: str | None,
                    cache_root: str, hashed: list) -> Entry:
        """Entry for one file. Digests come from the digest cache when the file's stat is
        unchanged (then, if its blob exists, no byte is read); files actually hashed are
        appended to ``hashed`` as ``(key, info)`` for :func:`digest_cache.remember`."""
        key = digest_cache.file_key(local_path)
        hit = digest_cache.lookup(cache_root, key)
        if policy == "mutable":  # copy now: one streamed pass that also hashes
            info = store_file(cache_root, local_path, known=hit)
            entry = Entry(name, info.md5_b64, info.size, sha256=info.sha256, blob_root=root)
        else:
            info = hit or hash_file(local_path)
            entry = Entry(name, info.md5_b64, info.size, sha256=info.sha256, local_path=os.path.abspath(local_path))
        if key is not None and info != hit:
            hashed.append((key, info))
        return entry

    def add_file(self, local_path: str, name: str | None = None, is_tmp: bool | None = False,
                 skip_cache: bool | None = False, policy: str | None = "mutable",
                 overwrite: bool = False) -> Entry:
        """Add one file at ``name`` (default its basename). ``is_tmp`` renames the stem to the
        first 20 hex digits of its digest. Raises ``ValueError`` for a missing file, a bad policy
        or a path already added with other bytes. Cost: one read (plus one write if new bytes)."""
        self._editable("add_file")
        policy = policy or "mutable"
        if policy not in ("mutable", "immutable"):
            raise ValueError(f"Invalid policy {policy!r}: must be 'mutable' or 'immutable'")
        local_path = os.fspath(local_path)
        if not os.path.isfile(local_path):
            raise ValueError(f"Path is not a file: {local_path!r}")
        path = _entry_path(name if name is not None else os.path.basename(local_path))
        root = staging_root() if policy == "mutable" else None
        hashed: list = []
        cache_root = root or staging_root()
        entry = self._file_entry(local_path, path, policy, root, cache_root, hashed)
        digest_cache.remember(cache_root, hashed)
        if is_tmp:
            d, base = posixpath.split(entry.path)
            parts = base.split(".")
            parts[0] = b64_to_hex(entry.digest)[:20]
            entry.path = posixpath.join(d, ".".join(parts)) if d else ".".join(parts)
        return self._add_entry(entry, overwrite)

    def add_dir(self, local_path: str, name: str | None = None, skip_cache: bool | None = False,
                policy: str | None = "mutable", merge: bool = False) -> None:
        """Add every file under ``local_path`` at its relative path (prefixed by ``name/``).

        Files are hashed and stored on a few threads. Raises ``ValueError`` if the folder
        doesn't exist; nothing is added if any file fails.
        """
        self._editable("add_dir")
        policy = policy or "mutable"
        if policy not in ("mutable", "immutable"):
            raise ValueError(f"Invalid policy {policy!r}: must be 'mutable' or 'immutable'")
        local_path = os.fspath(local_path)
        if not os.path.isdir(local_path):
            raise ValueError(f"Path is not a directory: {local_path!r}")
        prefix = _entry_path(name) if name else ""
        files = walk_files(local_path)
        root = staging_root() if policy == "mutable" else None

        def one(item: tuple[str, str]) -> Entry:
            full, rel = item
            return self._file_entry(full, posixpath.join(prefix, rel) if prefix else rel, policy, root, cache_root, hashed)

        hashed: list = []
        cache_root = root or staging_root()
        workers = max(1, min(8, (os.cpu_count() or 2) * 2, len(files)))
        with ThreadPoolExecutor(workers, thread_name_prefix="cairn-add") as pool:
            entries = list(pool.map(one, files))
        digest_cache.remember(cache_root, hashed)
        for e in entries:
            self._add_entry(e, overwrite=merge)

    @contextlib.contextmanager
    def new_file(self, name: str, mode: str = "x", encoding: str | None = None) -> Iterator[Any]:
        """Open a new file to write; it is added at ``name`` when the block ends."""
        self._editable("new_file")
        path = _entry_path(name)
        if path in self._entries:
            raise ValueError(f"File with name {name!r} already exists in the artifact")
        if "r" in mode or "+" in mode:
            raise ValueError(f"new_file mode must be a write mode, got {mode!r}")
        d = tempfile.mkdtemp(prefix="cairn-newfile-")
        tmp = os.path.join(d, posixpath.basename(path))
        try:
            with open(tmp, mode.replace("x", "w"), encoding=encoding if "b" not in mode else None) as f:
                yield f
            self.add_file(tmp, name=path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            os.rmdir(d)

    def add_reference(self, uri: Any, name: str | None = None, checksum: bool = True,
                      max_objects: int | None = None) -> list[Entry]:
        """Add entries that point at ``uri`` (``file://``, ``s3://``, ``http(s)://``) without
        copying its bytes. See :mod:`cairn.artifacts.refs` for digests and errors."""
        self._editable("add_reference")
        from cairn.artifacts import refs

        uri = str(getattr(uri, "uri", uri))
        entries = refs.resolve(uri, _entry_path(name) if name else None, checksum, max_objects)
        for e in entries:  # object keys (s3 "a/../../x") must not name a path outside the artifact
            e.path = _entry_path(e.path)
        return [self._add_entry(e) for e in entries]

    def add(self, obj: Any, name: str, overwrite: bool = False) -> Entry:
        """Store a data-type object (Table, Image …) as ``<name>.<type>.json``."""
        self._editable("add")
        import json

        to_json = getattr(obj, "to_json", None)
        if to_json is None:
            raise ValueError(f"Artifact.add expects a cairn data type object, got {type(obj).__name__}")
        try:
            data = to_json(self)
        except TypeError as e:  # maybe a to_json() that takes no target; else the real error
            try:
                data = to_json()
            except TypeError:
                raise e from None
        suffix = getattr(obj, "_log_type", None) or (data.get("_type") if isinstance(data, dict) else None)
        suffix = suffix or type(obj).__name__.lower()
        path = _entry_path(name if name.endswith(f".{suffix}.json") else f"{name}.{suffix}.json")
        if overwrite and path in self._entries:
            del self._entries[path]
        with self.new_file(path, "w", encoding="utf-8") as f:
            json.dump(data, f, default=str)
        return self._entries[path]

    def get(self, name: str) -> Any:
        """The object stored by :meth:`add` under ``name`` (a data type if ``cairn.data_types``
        can rebuild it, else the decoded JSON); None if there is no such entry."""
        import json

        entry = self._entries.get(name) or next(
            (e for p, e in sorted(self._entries.items()) if p.startswith(name + ".") and p.endswith(".json")), None)
        if entry is None:
            return None
        if self._final:  # verified copy into a folder that is gone again before we return
            with tempfile.TemporaryDirectory(prefix="cairn-get-") as d, \
                    open(entry.download(d), encoding="utf-8") as f:
                data = json.load(f)
        else:
            with open(entry.ref_target(), encoding="utf-8") as f:
                data = json.load(f)
        try:
            from cairn import data_types

            loader = getattr(data_types, "from_json", None)
            if loader is not None:
                return loader(data, self)
        except ImportError:
            pass
        return data

    def __setitem__(self, name: str, obj: Any) -> None:
        self.add(obj, name)

    def __getitem__(self, name: str) -> Any:
        return self.get(name)

    def remove(self, item: str | Entry) -> None:
        """Remove an entry, or every entry under a folder path. ``FileNotFoundError`` if none."""
        self._editable("remove")
        path = item.path if isinstance(item, Entry) else _entry_path(os.fspath(item))
        hit = [p for p in self._entries if p == path or p.startswith(path + "/")]
        if not hit:
            raise FileNotFoundError(f"Cannot remove missing entry: {path!r}")
        for p in hit:
            del self._entries[p]

    def get_entry(self, name: str) -> Entry:
        """The manifest entry at ``name``; ``KeyError`` if absent."""
        e = self._entries.get(name)
        if e is None:
            raise KeyError(f"Path not contained in artifact: {name}")
        e._artifact = self
        return e

    get_path = get_entry

    # -- properties -------------------------------------------------------------------------
    @property
    def manifest(self) -> Manifest:
        """The entries by path, and the manifest in wandb's JSON layout."""
        return Manifest(self._entries)

    @property
    def digest(self) -> str:
        """Hex MD5 over the sorted ``path:digest`` lines (R7.4)."""
        return artifact_digest(self._entries)

    @property
    def size(self) -> int:
        """Total bytes of all entries (references of unknown size count 0)."""
        return sum(e.size or 0 for e in self._entries.values())

    @property
    def file_count(self) -> int:
        """Number of entries."""
        return len(self._entries)

    @property
    def state(self) -> str:
        """``PENDING`` (editable), ``COMMITTED`` (logged) or ``DELETED``."""
        return self._state

    @property
    def type(self) -> str:
        """The artifact type given at construction (e.g. ``dataset``, ``model``)."""
        return self._type

    @property
    def name(self) -> str:
        """``<name>:v<N>`` once logged, else the name given."""
        return f"{self._name}:v{self._version}" if self._version is not None else self._name

    @property
    def source_name(self) -> str:
        """``<name>:v<N>`` of the version this one was linked from (itself if not linked)."""
        if self._linked_from:
            return f"{self._linked_from['name']}:v{self._linked_from['version']}"
        return self.name

    @property
    def collection_name(self) -> str:
        """The collection name, without ``:v<N>``."""
        return self._name

    @property
    def version(self) -> str:
        """``v<N>``; ``ArtifactNotLoggedError`` before logging."""
        self._logged("version")
        return f"v{self._version}"

    @property
    def source_version(self) -> str:
        """``v<N>`` of the source version of a link (else :attr:`version`)."""
        self._logged("source_version")
        return f"v{self._linked_from['version']}" if self._linked_from else self.version

    @property
    def id(self) -> str | None:
        """The version's unique id; ``ArtifactNotLoggedError`` before logging."""
        self._logged("id")
        return self._id

    @property
    def project(self) -> str | None:
        """The project holding the version (None before logging)."""
        return self._project

    @property
    def source_project(self) -> str | None:
        """The project of the source version of a link (else :attr:`project`)."""
        return self._linked_from["project"] if self._linked_from else self._project

    @property
    def entity(self) -> str:
        """The recorded entity ("" when none; one root holds one namespace)."""
        return self._entity

    @property
    def source_entity(self) -> str:
        """Same as :attr:`entity` (entities are recorded, not used for lookups)."""
        return self._entity

    @property
    def qualified_name(self) -> str:
        """``[entity/]project/name:v<N>``; ``ArtifactNotLoggedError`` before logging."""
        self._logged("qualified_name")
        return "/".join(p for p in (self._entity, self._project, self.name) if p)

    @property
    def source_qualified_name(self) -> str:
        """Same as :attr:`qualified_name`."""
        return self.qualified_name

    @property
    def created_at(self) -> str:
        """When the version was committed, ISO 8601 UTC; ``ArtifactNotLoggedError`` before."""
        self._logged("created_at")
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self._created_at or 0))

    updated_at = created_at

    @property
    def description(self) -> str | None:
        """Free text; a change to a logged version is kept by :meth:`save`."""
        return self._description

    @description.setter
    def description(self, v: str | None) -> None:
        self._description = v

    @property
    def metadata(self) -> dict:
        """User metadata (a dict; ``ValueError`` when set to anything else)."""
        return self._metadata

    @metadata.setter
    def metadata(self, v: dict) -> None:
        if not isinstance(v, dict):
            raise ValueError(f"Artifact metadata must be a dict, got {type(v).__name__}")
        self._metadata = dict(v)

    @property
    def aliases(self) -> list[str]:
        """Aliases of the version; set then :meth:`save` to move them (``/`` and ``:`` are refused)."""
        return self._aliases

    @aliases.setter
    def aliases(self, v: list[str]) -> None:
        self._aliases = names.validate_aliases(v, add_latest=False)

    @property
    def tags(self) -> list[str]:
        """Tags of the version."""
        return self._tags

    @tags.setter
    def tags(self, v: list[str]) -> None:
        self._tags = [str(t) for t in ([v] if isinstance(v, str) else v)]

    @property
    def ttl(self) -> Any:
        """Time to live: stored as given; the local store never expires versions."""
        return self._ttl

    @ttl.setter
    def ttl(self, v: Any) -> None:
        self._ttl = v  # accepted and stored; the local store does not expire versions

    @property
    def use_as(self) -> str | None:
        """The ``use_as`` name given to ``use_artifact`` (or the constructor)."""
        return self._use_as

    @property
    def incremental(self) -> bool:
        """True if logging builds on the latest version's entries."""
        return self._incremental

    def is_draft(self) -> bool:
        """True while the artifact is PENDING (not logged yet)."""
        return self._state == "PENDING"

    def new_draft(self) -> Artifact:
        """A PENDING copy of this artifact's contents, to log as the next version."""
        art = Artifact(self._name, self._type, self._description, dict(self._metadata))
        for p, e in self._entries.items():
            art._entries[p] = Entry(e.path, e.digest, e.size, e.ref, e.sha256, dict(e.extra),
                                    e.local_path, e.blob_root or self._root, art)
        return art

    # -- using a committed artifact --------------------------------------------------------
    def download(self, root: str | None = None, allow_missing_references: bool = False,
                 skip_cache: bool | None = None, path_prefix: str | None = None) -> str:
        """Copy the files to ``root`` (default ``./artifacts/<name>:v<N>``), verifying each
        digest; returns the folder. ``ArtifactCorruptError`` names a file whose bytes changed."""
        self._logged("download")
        from cairn.artifacts import fetch

        return fetch.download(self, root, path_prefix)

    def checkout(self, root: str | None = None) -> str:
        """Make ``root`` hold exactly this artifact's files (others are deleted)."""
        self._logged("checkout")
        from cairn.artifacts import fetch

        return fetch.checkout(self, root)

    def verify(self, root: str | None = None) -> None:
        """``ValueError`` unless ``root`` holds exactly this artifact's files and digests."""
        self._logged("verify")
        from cairn.artifacts import fetch

        fetch.verify(self, root)

    def file(self, root: str | None = None) -> str:
        """Download a single-file artifact and return the file's path."""
        if len(self._entries) != 1:
            raise ValueError("This artifact contains more than one file, call `.download()` to get all files or call .get_entry(\"filename\").download()")
        root = self.download(root)
        return os.path.join(root, next(iter(self._entries)))

    def files(self, names: list[str] | None = None, per_page: int = 50) -> list[Entry]:
        """The entries (optionally only those in ``names``), in path order."""
        return [self.get_entry(p) for p in sorted(self._entries) if names is None or p in names]

    def logged_by(self) -> RunRef | None:
        """The run that logged this version (None for a version made outside a run)."""
        self._logged("logged_by")
        if not self._run_id:
            return None
        return RunRef(self._run_id, self._project, self._entity, f"{self._project}/{self._run_id}")

    def used_by(self) -> list[RunRef]:
        """Runs that used this version as an input."""
        self._logged("used_by")
        from cairn.artifacts import store

        return [RunRef(r, self._project, self._entity, f"{self._project}/{r}")
                for r in store.users(self._root, self._project, self._name, self._version)]

    def wait(self, timeout: int | None = None) -> Artifact:
        """Logging commits synchronously, so this only checks the artifact was logged."""
        self._logged("wait")
        return self

    def save(self, project: str | None = None, settings: Any = None) -> None:
        """Log an unlogged artifact (with the active run, else a short-lived run); for a logged
        one, persist changed aliases, description, metadata and ttl."""
        if self._version is None:
            from cairn.artifacts import run_ops

            run_ops.save_unlogged(self, project)
            return
        from cairn.artifacts import edits, store

        fields = {"description": self._description, "metadata": self._metadata, "ttl": self._ttl}
        store.save_edits(self._root, self._project, self._name, self._version, fields)
        add = [a for a in self._aliases if a not in self._saved_aliases and names.version_number(a) is None]
        drop = [a for a in self._saved_aliases if a not in self._aliases]
        store.set_aliases(self._root, self._project, self._name, self._version, add, drop)
        self._saved_aliases = list(self._aliases)
        edits.record(self._root, self._run_id, {
            "op": "update", "project": self._project, "name": self._name, "version": self._version,
            **fields, "aliases_add": add, "aliases_drop": drop})

    def delete(self, delete_aliases: bool = False) -> None:
        """Delete this version (bytes stay in the blob store, shared with others)."""
        self._logged("delete")
        from cairn.artifacts import edits, store

        store.delete_version(self._root, self._project, self._name, self._version, delete_aliases)
        self._state = "DELETED"
        edits.record(self._root, self._run_id, {
            "op": "delete", "project": self._project, "name": self._name, "version": self._version,
            "delete_aliases": bool(delete_aliases)})

    def link(self, target_path: str, aliases: list[str] | None = None) -> None:
        """Link this version into a portfolio / registry collection (see ``run.link_artifact``)."""
        from cairn.artifacts import run_ops

        run_ops.link_version(self._root or staging_root(), self, target_path, aliases, None)

    def __repr__(self) -> str:
        return f"<Artifact {self.name} ({self._type}, {self._state})>"
