"""Getting an artifact's bytes out of the store: download, single entries, verify, checkout.

Every stored entry is copied from its blob through a hash and renamed into place only if the
hash matches the manifest, so a corrupt blob raises ``ArtifactCorruptError`` naming the file
and never leaves a wrong file behind. Cost: one read of each blob and one write of each file,
spread over a few threads (hashing and file I/O release the GIL); memory stays bounded by the
chunk size whatever the file sizes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cairn.artifacts import refs
from cairn.artifacts.errors import ArtifactCorruptError
from cairn.artifacts.manifest import Entry, hash_file, open_raw, read_chunk, write_sparse
from cairn.store import blobs


def default_root(art: Any) -> str:
    """``$CAIRN_ARTIFACT_DIR`` / ``$WANDB_ARTIFACT_DIR`` / ``./artifacts``, then ``<name>:vN``."""
    base = os.environ.get("CAIRN_ARTIFACT_DIR") or os.environ.get("WANDB_ARTIFACT_DIR") or "artifacts"
    return os.path.abspath(os.path.join(base, art.name))


def _dest(root: str, entry: Entry) -> str:
    """Where ``entry`` goes below ``root``; ``ValueError`` if its path (``../x``, ``/etc/x``,
    as a hand-edited or foreign manifest may hold) would land outside ``root``."""
    root = os.path.normpath(root)
    dest = os.path.normpath(os.path.join(root, entry.path))
    if dest == root or os.path.commonpath([root, dest]) != root:
        raise ValueError(f"entry path {entry.path!r} escapes the download folder {root}")
    return dest


def download_entry(art: Any, entry: Entry, root: str | None = None) -> str:
    """Write one entry under ``root`` (default: the artifact's download folder); return its path."""
    root = os.path.abspath(root) if root else default_root(art)
    dest = _dest(root, entry)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(dest))
    os.close(fd)
    try:
        if entry.sha256 is not None:
            _copy_checked(art, entry, tmp)
        elif entry.ref is not None:
            refs.fetch(entry, tmp)
        else:
            raise ArtifactCorruptError(f"entry {entry.path!r} has neither stored bytes nor a reference")
        os.replace(tmp, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return dest


def _copy_checked(art: Any, entry: Entry, tmp: str) -> None:
    root = entry.blob_root or art._root
    src = blobs.blob_path(root, entry.sha256) if root else ""
    if not src or not os.path.exists(src):
        if entry.local_path and os.path.isfile(entry.local_path):
            src = entry.local_path  # an unlogged immutable entry still lives at its source
        else:
            raise ArtifactCorruptError(
                f"the bytes of {entry.path!r} are missing from the store (blob {entry.sha256})"
            )
    sha = hashlib.sha256()
    with open_raw(src) as f, open(tmp, "wb", buffering=0) as out:
        while chunk := read_chunk(f):
            sha.update(chunk)
            write_sparse(out, chunk)
        out.truncate()
    if sha.hexdigest() != entry.sha256:
        raise ArtifactCorruptError(
            f"{entry.path!r} in artifact {art.name}: stored bytes do not match the manifest "
            f"(blob {src} is corrupt: sha256 {sha.hexdigest()} != {entry.sha256})"
        )


def download(art: Any, root: str | None = None, path_prefix: str | None = None) -> str:
    """Materialise every entry (under ``path_prefix`` if given) below ``root``; return ``root``."""
    root = os.path.abspath(root) if root else default_root(art)
    os.makedirs(root, exist_ok=True)
    entries = [e for p, e in sorted(art._entries.items()) if not path_prefix or p.startswith(path_prefix)]
    workers = max(1, min(8, (os.cpu_count() or 2), len(entries)))
    if workers == 1:
        for e in entries:
            download_entry(art, e, root)
    else:
        with ThreadPoolExecutor(workers, thread_name_prefix="cairn-dl") as pool:
            for _ in pool.map(lambda e: download_entry(art, e, root), entries):
                pass
    return root


def verify(art: Any, root: str | None = None) -> None:
    """Raise ``ValueError`` unless ``root`` holds exactly the artifact's files with matching
    digests (references compare their MD5 only when it was recorded)."""
    root = os.path.abspath(root) if root else default_root(art)
    seen = set()
    for path, entry in art._entries.items():
        full = _dest(root, entry)
        seen.add(full)
        if not os.path.isfile(full):
            raise ValueError(f"verify: {path!r} is missing from {root}")
        if entry.ref is not None and (entry.ref == entry.digest or not entry.ref.startswith("file://")):
            continue
        md5 = hash_file(full).md5_b64
        if md5 != entry.digest:
            raise ValueError(f"verify: digest mismatch for {path!r}: {md5} != {entry.digest}")
    for dirpath, _, files in os.walk(root):
        for fn in files:
            full = os.path.normpath(os.path.join(dirpath, fn))
            if full not in seen:
                raise ValueError(f"verify: found file {os.path.relpath(full, root)!r} not in the artifact")


def checkout(art: Any, root: str | None = None) -> str:
    """Make ``root`` hold exactly the artifact: remove other files, then download."""
    root = os.path.abspath(root) if root else default_root(art)
    keep = {_dest(root, e) for e in art._entries.values()}  # validates every path before deleting
    if os.path.isdir(root):
        for dirpath, _, files in os.walk(root):
            for fn in files:
                full = os.path.normpath(os.path.join(dirpath, fn))
                if full not in keep:
                    os.unlink(full)
    return download(art, root)

