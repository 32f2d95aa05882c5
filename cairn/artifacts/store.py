"""The artifact collection store: version numbering, aliases, digests and lineage on disk.

Layout (one folder per collection)::

    <root>/artifacts/<project>/<name>/
        collection.json       {"name", "project", "type", "portfolio", "created_at"}
        v0.json, v1.json …    one immutable record per version (manifest included)
        aliases.json          {alias: version number}; replaced atomically
        digests/<hex md5>     the version number holding that artifact digest
        used/v<N>             one line per run that used version N (O_APPEND)
        drafts/<dist id>/     contributions of runs upserting a distributed artifact
        .lock                 fcntl lock serialising writers of this collection

Promises: a version file appears complete or not at all (temp file + ``os.link``, which fails
if the name exists); numbers are decided under the collection's lock, so two processes never
get the same number; a version whose digest equals an existing version's is not created (the
existing one gets the aliases); an alias other than ``vN`` names one version at a time. Readers
take no lock. Everything here can be rebuilt from the ARTIFACT / USE_ARTIFACT / LINK_ARTIFACT
records of run files plus the blobs (the manifest is also stored as a blob).

Cost: committing is O(1) files written plus one directory listing of the collection.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, unquote

from cairn.sdk.errors import CommError

_VFILE = re.compile(r"^v(\d+)\.(json|deleted)$")


def _seg(s: str) -> str:
    # project names are free text; keep them one safe folder name
    return quote(s, safe="-_.~ ") if s not in (".", "..") else quote(s, safe="").replace(".", "%2E")


def coll_dir(root: str, project: str, name: str) -> str:
    """The folder of collection ``project/name`` (names quoted into one safe folder name each)."""
    return os.path.join(root, "artifacts", _seg(project), _seg(name))


@contextlib.contextmanager
def locked(cdir: str) -> Iterator[None]:
    """Hold the collection's exclusive lock (blocks until other writers are done)."""
    import fcntl

    os.makedirs(cdir, exist_ok=True)
    fd = os.open(os.path.join(cdir, ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _read_json(path: str) -> Any:
    with open(path) as f:
        return json.load(f)


def _write_json_atomic(path: str, obj: Any) -> None:
    d = os.path.dirname(path)
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=d)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(obj, f, default=str)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _create_exclusive(path: str, obj: Any) -> bool:
    """Create ``path`` with ``obj`` atomically; False (and nothing written) if it exists."""
    d = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=d)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(obj, f, default=str)
        try:
            os.link(tmp, path)
            return True
        except FileExistsError:
            return False
    finally:
        os.unlink(tmp)


def collection_info(root: str, project: str, name: str) -> dict | None:
    """``collection.json`` of ``project/name``, or None if the collection does not exist."""
    try:
        return _read_json(os.path.join(coll_dir(root, project, name), "collection.json"))
    except FileNotFoundError:
        return None


def _ensure_collection(cdir: str, project: str, name: str, type_: str, portfolio: bool) -> dict:
    path = os.path.join(cdir, "collection.json")
    try:
        info = _read_json(path)
    except FileNotFoundError:
        info = {"name": name, "project": project, "type": type_, "portfolio": portfolio,
                "created_at": time.time()}
        _write_json_atomic(path, info)
        return info
    if not portfolio and not info.get("portfolio") and info["type"] != type_:
        raise ValueError(
            f"Artifact {project}/{name} already exists with type {info['type']!r}; "
            f"cannot log it with type {type_!r}"
        )
    return info


def _numbers(cdir: str) -> list[int]:
    out = []
    for fn in os.listdir(cdir):
        m = _VFILE.match(fn)
        if m:
            out.append(int(m.group(1)))
    return out


def read_aliases(cdir: str) -> dict[str, int]:
    """``{alias: version number}`` of a collection folder (empty when none yet)."""
    try:
        return {k: int(v) for k, v in _read_json(os.path.join(cdir, "aliases.json")).items()}
    except FileNotFoundError:
        return {}


def _apply_aliases(cdir: str, version: int, add: list[str], remove: list[str] = ()) -> None:
    cur = read_aliases(cdir)
    for a in remove:
        if cur.get(a) == version:
            del cur[a]
    for a in add:
        cur[a] = version  # an alias names one version: moving it takes it from the other
    _write_json_atomic(os.path.join(cdir, "aliases.json"), cur)


def commit_version(root: str, project: str, name: str, type_: str, record: dict,
                   aliases: list[str], portfolio: bool = False) -> tuple[int, bool]:
    """Create the next version of ``project/name`` from ``record`` (must hold ``digest``), or
    return the existing version with the same digest. Applies ``aliases`` either way.

    Returns ``(version number, created)``. Raises ``ValueError`` if the collection exists with
    another type.
    """
    cdir = coll_dir(root, project, name)
    digest = record["digest"]
    with locked(cdir):
        _ensure_collection(cdir, project, name, type_, portfolio)
        existing = _version_for_digest(cdir, digest)
        if existing is not None:
            _apply_aliases(cdir, existing, aliases)
            return existing, False
        n = max(_numbers(cdir), default=-1) + 1
        while not _create_exclusive(os.path.join(cdir, f"v{n}.json"), {**record, "version": n}):
            n += 1  # only a writer ignoring the lock can get here; never reuse a number
        os.makedirs(os.path.join(cdir, "digests"), exist_ok=True)
        _write_json_atomic(os.path.join(cdir, "digests", digest), n)
        _apply_aliases(cdir, n, aliases)
        return n, True


def put_version(root: str, project: str, name: str, type_: str, version: int, record: dict,
                aliases: list[str], portfolio: bool = False) -> bool:
    """Restore version ``version`` from a run-file record (used when rebuilding the store):
    create it if absent, then apply ``aliases``. Returns whether it was created."""
    cdir = coll_dir(root, project, name)
    with locked(cdir):
        _ensure_collection(cdir, project, name, type_, portfolio)
        created = _create_exclusive(os.path.join(cdir, f"v{version}.json"), {**record, "version": version})
        if created:
            os.makedirs(os.path.join(cdir, "digests"), exist_ok=True)
            if _version_for_digest(cdir, record["digest"]) is None:
                _write_json_atomic(os.path.join(cdir, "digests", record["digest"]), version)
        _apply_aliases(cdir, version, aliases)
        return created


def _version_for_digest(cdir: str, digest: str) -> int | None:
    try:
        n = int(_read_json(os.path.join(cdir, "digests", digest)))
    except (FileNotFoundError, ValueError):
        return None
    # a deleted version's digest may be logged again as a new version
    return n if os.path.exists(os.path.join(cdir, f"v{n}.json")) else None


def set_aliases(root: str, project: str, name: str, version: int, add: list[str],
                remove: list[str] = ()) -> None:
    cdir = coll_dir(root, project, name)
    with locked(cdir):
        _apply_aliases(cdir, version, add, remove)


def aliases_of(cdir: str, version: int, table: dict[str, int] | None = None) -> list[str]:
    """The aliases naming ``version`` (from ``table`` when the caller already read it)."""
    table = read_aliases(cdir) if table is None else table
    return [a for a, v in table.items() if v == version]


def load_version(root: str, project: str, name: str, version: int) -> dict:
    """The version record with ``aliases`` filled in. Raises ``CommError`` if absent."""
    cdir = coll_dir(root, project, name)
    try:
        rec = _read_json(os.path.join(cdir, f"v{version}.json"))
    except FileNotFoundError:
        raise CommError(f"artifact {project}/{name}:v{version} not found in {root}") from None
    rec["aliases"] = aliases_of(cdir, version)
    return _with_edits(cdir, rec)


def _with_edits(cdir: str, rec: dict) -> dict:
    try:
        rec.update(_read_json(os.path.join(cdir, "edits", f"v{rec['version']}.json")))
    except FileNotFoundError:
        pass
    return rec


def save_edits(root: str, project: str, name: str, version: int, edits: dict) -> None:
    """Record changed ``description`` / ``metadata`` / ``ttl`` of a committed version; the
    version file itself never changes."""
    cdir = coll_dir(root, project, name)
    with locked(cdir):
        _write_json_atomic(os.path.join(cdir, "edits", f"v{version}.json"), edits)


def resolve(root: str, project: str, name: str, alias: str | None) -> dict:
    """The version named by ``alias`` (``vN``, an alias, or a hex digest; None = ``latest``).

    Raises ``CommError`` naming what was looked for when nothing matches.
    """
    from cairn.artifacts.names import is_digest, version_number

    cdir = coll_dir(root, project, name)
    alias = alias or "latest"
    if not os.path.exists(os.path.join(cdir, "collection.json")):
        raise CommError(f"artifact {project}/{name} not found in {root}")
    n = version_number(alias)
    if n is None:
        n = read_aliases(cdir).get(alias)
    if n is None and is_digest(alias):
        n = _version_for_digest(cdir, alias)
    if n is None:
        raise CommError(f"artifact {project}/{name}:{alias} not found in {root}")
    return load_version(root, project, name, n)


def versions(root: str, project: str, name: str) -> list[dict]:
    """Every live version of a collection, oldest first (aliases filled in)."""
    cdir = coll_dir(root, project, name)
    if not os.path.isdir(cdir):
        return []
    table = read_aliases(cdir)
    out = []
    for n in sorted(_numbers(cdir)):
        try:
            rec = _read_json(os.path.join(cdir, f"v{n}.json"))
        except FileNotFoundError:
            continue
        rec["aliases"] = aliases_of(cdir, n, table)
        out.append(_with_edits(cdir, rec))
    return out


def projects(root: str) -> list[str]:
    """Projects that have a folder in the collection store, sorted."""
    base = os.path.join(root, "artifacts")
    if not os.path.isdir(base):
        return []
    return sorted(unquote(p) for p in os.listdir(base) if os.path.isdir(os.path.join(base, p)))


def collections(root: str, project: str | None = None, type_: str | None = None) -> list[dict]:
    """``collection.json`` of each collection (in ``project`` / of ``type_`` when given)."""
    out = []
    for p in [project] if project else projects(root):
        pdir = os.path.join(root, "artifacts", _seg(p))
        if not os.path.isdir(pdir):
            continue
        for n in sorted(os.listdir(pdir)):
            try:
                info = _read_json(os.path.join(pdir, n, "collection.json"))
            except (FileNotFoundError, NotADirectoryError):
                continue
            if type_ is None or info.get("type") == type_:
                out.append(info)
    return out


def record_use(root: str, project: str, name: str, version: int, run_id: str) -> None:
    """Note that ``run_id`` used this version (one small O_APPEND write: no lock needed)."""
    d = os.path.join(coll_dir(root, project, name), "used")
    os.makedirs(d, exist_ok=True)
    fd = os.open(os.path.join(d, f"v{version}"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (run_id + "\n").encode())
    finally:
        os.close(fd)


def users(root: str, project: str, name: str, version: int) -> list[str]:
    """Ids of the runs that used ``version``, in order of first use, each once."""
    try:
        with open(os.path.join(coll_dir(root, project, name), "used", f"v{version}")) as f:
            ids = [ln.strip() for ln in f if ln.strip()]
    except FileNotFoundError:
        return []
    return list(dict.fromkeys(ids))


def delete_version(root: str, project: str, name: str, version: int, delete_aliases: bool) -> None:
    """Remove a version (its number is never reused). Raises ``CommError`` if it still holds
    aliases other than ``latest`` and ``delete_aliases`` is False."""
    cdir = coll_dir(root, project, name)
    with locked(cdir):
        held = [a for a in aliases_of(cdir, version) if a != "latest"]
        if held and not delete_aliases:
            raise CommError(
                f"cannot delete {project}/{name}:v{version}: it has aliases {held}; "
                "pass delete_aliases=True"
            )
        src = os.path.join(cdir, f"v{version}.json")
        if not os.path.exists(src):
            raise CommError(f"artifact {project}/{name}:v{version} not found in {root}")
        os.replace(src, os.path.join(cdir, f"v{version}.deleted"))
        table = {a: v for a, v in read_aliases(cdir).items() if v != version}
        live = _numbers_live(cdir)
        if "latest" not in table and live:
            table["latest"] = max(live)
        _write_json_atomic(os.path.join(cdir, "aliases.json"), table)


def _numbers_live(cdir: str) -> list[int]:
    return [n for n in _numbers(cdir) if os.path.exists(os.path.join(cdir, f"v{n}.json"))]


# -- distributed (upsert / finish) drafts --------------------------------------------------
def add_draft(root: str, project: str, name: str, dist_id: str, part: dict) -> None:
    """Store one run's contribution to the draft ``dist_id`` (atomic file per call)."""
    cdir = coll_dir(root, project, name)
    d = os.path.join(cdir, "drafts", _seg(dist_id))
    with locked(cdir):
        _write_json_atomic(os.path.join(d, f"{time.time_ns():020d}-{os.getpid()}.json"), part)


def take_drafts(root: str, project: str, name: str, dist_id: str) -> list[dict]:
    """Return the contributions to ``dist_id`` in arrival order and retire them, so later
    upserts with the same id start the next version."""
    cdir = coll_dir(root, project, name)
    d = os.path.join(cdir, "drafts", _seg(dist_id))
    with locked(cdir):
        if not os.path.isdir(d):
            return []
        parts = [_read_json(os.path.join(d, fn)) for fn in sorted(os.listdir(d)) if fn.endswith(".json")]
        done = os.path.join(cdir, "drafts", ".done")
        os.makedirs(done, exist_ok=True)
        os.replace(d, os.path.join(done, f"{_seg(dist_id)}-{time.time_ns()}"))
        return parts
