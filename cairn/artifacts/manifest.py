"""Manifest entries, file hashing and the artifact digest (wandb-semantics R7.3, R7.4).

An entry's ``digest`` is the base64 MD5 of its bytes (or a reference's ETag / checksum); its
``sha256`` is the address of the bytes in the shared blob store (None for references that are
not copied). The artifact digest is the hex MD5 of ``"wandb-artifact-manifest-v1\\n"`` followed by
``"<path>:<digest>\\n"`` for each entry in path-sorted order, so it depends on content and paths
only, never on when or by whom the artifact was logged.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from cairn.store import blobs

READ = 4 << 20
_ZEROS = bytes(READ)
_pool: ThreadPoolExecutor | None = None


def write_sparse(out: Any, chunk: bytes | memoryview) -> None:
    """Write ``chunk`` to ``out``, seeking over all-zero chunks instead of writing them (as
    ``cp --sparse=auto`` does), so sparse or zero-filled files stay cheap to copy. The caller
    must ``out.truncate()`` at the end so a trailing hole still has the right length. ``out``
    may be unbuffered (short writes are completed here)."""
    if len(chunk) == READ:
        # compare the whole underlying buffer: bytearray == bytes is a memcmp, while
        # memoryview == bytes compares item by item (30x slower)
        whole = chunk.obj if isinstance(chunk, memoryview) and len(chunk.obj) == READ else chunk
        if whole == _ZEROS:
            out.seek(READ, 1)
            return
    view = memoryview(chunk)
    while view:
        view = view[out.write(view):]


@dataclass
class Entry:
    """One path of an artifact. ``local_path`` (not serialised) is where unstaged bytes still are;
    ``blob_root`` is the root whose blob store holds ``sha256`` (None: not stored yet)."""

    path: str
    digest: str
    size: int | None = None
    ref: str | None = None
    sha256: str | None = None
    extra: dict = field(default_factory=dict)
    local_path: str | None = None
    blob_root: str | None = None
    _artifact: Any = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"digest": self.digest}
        if self.size is not None:
            d["size"] = self.size
        if self.ref is not None:
            d["ref"] = self.ref
        if self.sha256 is not None:
            d["sha256"] = self.sha256
        if self.extra:
            d["extra"] = self.extra
        return d

    @classmethod
    def from_dict(cls, path: str, d: dict) -> Entry:
        return cls(path, d["digest"], d.get("size"), d.get("ref"), d.get("sha256"), dict(d.get("extra") or {}))

    # wandb's ArtifactManifestEntry surface --------------------------------------------
    @property
    def name(self) -> str:
        return self.path

    def download(self, root: str | None = None, skip_cache: bool | None = None) -> str:
        """Materialise this entry under ``root`` (default: the artifact's download folder);
        returns the file's path. Raises ``ArtifactCorruptError`` if the bytes don't match."""
        from cairn.artifacts import fetch

        if self._artifact is None:
            raise ValueError(f"entry {self.path!r} is not attached to an artifact")
        return fetch.download_entry(self._artifact, self, root)

    def ref_target(self) -> str:
        """The reference URI (references) or the blob path (stored files)."""
        if self.ref is not None:
            return self.ref
        if self.sha256 and self.blob_root:
            return blobs.blob_path(self.blob_root, self.sha256)
        return self.local_path or ""

    def ref_url(self) -> str:
        return self.ref_target()


def manifest_dict(entries: dict[str, Entry]) -> dict:
    """The manifest in wandb's v1 layout (R7.3), entries in path order."""
    return {
        "version": 1,
        "storagePolicy": "wandb-storage-policy-v1",
        "storagePolicyConfig": {"storageLayout": "V2"},
        "contents": {p: entries[p].to_dict() for p in sorted(entries)},
    }


def entries_from_manifest(manifest: dict) -> dict[str, Entry]:
    """Entries by path from a manifest in wandb's v1 layout (not bound to an artifact)."""
    return {p: Entry.from_dict(p, d) for p, d in (manifest.get("contents") or {}).items()}


def artifact_digest(entries: dict[str, Entry]) -> str:
    """Hex MD5 over the manifest-v1 header and the sorted ``path:digest`` lines (R7.4)."""
    h = hashlib.md5(b"wandb-artifact-manifest-v1\n")
    for p in sorted(entries):
        h.update(f"{p}:{entries[p].digest}\n".encode())
    return h.hexdigest()


def md5_b64(data: bytes) -> str:
    """Base64 MD5 of ``data``: the digest of a manifest entry."""
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def hex_to_b64(hexdigest: str) -> str:
    """A hex digest in base64 (the form manifests use)."""
    return base64.b64encode(bytes.fromhex(hexdigest)).decode()


def b64_to_hex(b64: str) -> str:
    """A base64 digest in hex."""
    return base64.b64decode(b64).hex()


_read_lock = threading.Lock()
_bytes_read = 0
_streams = 0  # large files being hashed right now, in this process
_tls = threading.local()


def bytes_read() -> int:
    """Total file bytes read through :func:`read_chunk` (hashing, storing, downloading) in this process
    (a counter that tests use to prove a re-log read nothing)."""
    return _bytes_read


def read_chunk(f: Any) -> memoryview:
    """The next chunk (up to :data:`READ` bytes; shorter only at end of file) of the
    unbuffered file ``f``, read into this thread's reusable buffer: no allocation and no
    page faults per chunk (a fresh 4 MiB ``bytes`` per read cost ~3x the kernel time).
    The chunk is only valid until this thread's next ``read_chunk``."""
    global _bytes_read
    buf = getattr(_tls, "buf", None)
    if buf is None:
        buf = _tls.buf = bytearray(READ)
    view, n = memoryview(buf), 0
    while n < READ:
        got = f.readinto(view[n:])
        if not got:
            break
        n += got
    if n:
        with _read_lock:
            _bytes_read += n
    return view[:n]


def open_raw(path: str) -> Any:
    """``path`` opened for :func:`read_chunk` (unbuffered: data goes straight into our buffer)."""
    return open(path, "rb", buffering=0)


def _hash_stream(f: Any, first: bytes, out: Any = None) -> blobs.BlobInfo:
    """Hash ``first`` and the rest of ``f`` (optionally copying to ``out``) in one pass. While
    fewer large files are being hashed than half the cores, MD5 runs on a helper thread in
    parallel with SHA-256 and the write (hashlib releases the GIL), nearly halving the wall
    time of a lone big file; otherwise both run here. Memory: two chunks."""
    global _pool, _streams
    md5, sha, size = hashlib.md5(), hashlib.sha256(), 0
    cores = os.cpu_count() or 2
    if _pool is None:
        _pool = ThreadPoolExecutor(cores, thread_name_prefix="cairn-md5")
    with _read_lock:
        _streams += 1
        # a helper only while cores are idle: when add_dir already hashes a file per core,
        # more threads than cores just contend (measured: 4 files at once got slower)
        helper = _streams * 2 <= cores
    try:
        chunk = first
        while chunk:
            fut = _pool.submit(md5.update, chunk) if helper else None
            sha.update(chunk)
            if out is not None:
                write_sparse(out, chunk)
            size += len(chunk)
            if fut is None:
                md5.update(chunk)
            else:
                fut.result()
            chunk = read_chunk(f)
    finally:
        with _read_lock:
            _streams -= 1
    return blobs.BlobInfo(sha.hexdigest(), base64.b64encode(md5.digest()).decode(), size)


def _small(first: bytes) -> blobs.BlobInfo:
    return blobs.BlobInfo(hashlib.sha256(first).hexdigest(),
                          base64.b64encode(hashlib.md5(first).digest()).decode(), len(first))


def hash_file(path: str) -> blobs.BlobInfo:
    """Base64 MD5, hex SHA-256 and size of a file, in one streamed pass (bounded memory)."""
    with open_raw(path) as f:
        first = read_chunk(f)
        if len(first) < READ:  # small file: a helper thread costs more than it saves
            return _small(first)
        return _hash_stream(f, first)


def store_file(root: str, path: str, known: blobs.BlobInfo | None = None) -> blobs.BlobInfo:
    """Make sure the bytes of ``path`` are in ``root``'s blob store; return what was stored.

    ``known`` (digests from :mod:`cairn.artifacts.digest_cache`): when its blob is present,
    nothing is read or written at all. Otherwise one pass: each chunk is read once, hashed
    (MD5 ‖ SHA-256) and written to a temporary blob that is renamed to its address at the end
    (or deleted if that blob already exists), so a blob's name always matches its bytes even
    if the file changes meanwhile. With ``known`` only SHA-256 is recomputed and checked; a
    mismatch (the file changed) redoes the copy with both hashes. Files under 4 MiB are hashed
    and written from memory. The returned info describes the stored bytes (if the file changed
    after ``known`` was computed it differs from ``known``; the caller decides what that means).
    Errors: ``OSError`` from reading or writing; no temporary file is left behind.
    """
    if known is not None and blobs.has_blob(root, known.sha256):
        return known
    with open_raw(path) as f:
        first = read_chunk(f)
        if len(first) < READ:
            info = _small(first)
            if not blobs.has_blob(root, info.sha256):
                blobs.write_bytes(root, info, first)
            return info
        return _tee_into_store(root, f, first, expect=known)


def _tee_into_store(root: str, f: Any, first: bytes, expect: blobs.BlobInfo | None = None) -> blobs.BlobInfo:
    """Copy ``first`` + the rest of ``f`` to a new blob while hashing (:func:`blobs.write_blob`).
    With ``expect`` only SHA-256 is computed and must match, else the copy starts over
    computing both hashes (the file changed since it was hashed)."""

    def fill(out: Any) -> blobs.BlobInfo:
        if expect is None:
            info = _hash_stream(f, first, out)
        else:
            sha, size, chunk = hashlib.sha256(), 0, first
            while chunk:
                sha.update(chunk)
                write_sparse(out, chunk)
                size += len(chunk)
                chunk = read_chunk(f)
            info = expect
            if sha.hexdigest() != expect.sha256 or size != expect.size:
                out.seek(0)
                out.truncate()
                f.seek(0)
                info = _hash_stream(f, read_chunk(f), out)
        out.truncate()  # a trailing all-zero chunk was seeked over, not written
        return info

    return blobs.write_blob(root, fill, buffering=0)


def walk_files(path: str) -> list[tuple[str, str]]:
    """``(absolute file path, relative posix path)`` for every file under ``path``, sorted;
    follows symlinked files, not symlinked directories."""
    out = []
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        for fn in filenames:
            full = os.path.join(dirpath, fn)
            if os.path.isfile(full):
                out.append((full, os.path.relpath(full, path).replace(os.sep, "/")))
    out.sort(key=lambda t: t[1])
    return out


class Manifest:
    """``artifact.manifest``: the entries by path, and the manifest in wandb's JSON layout."""

    def __init__(self, entries: dict[str, Entry]) -> None:
        self.entries = entries

    def to_manifest_json(self) -> dict:
        return manifest_dict(self.entries)

    def digest(self) -> str:
        return artifact_digest(self.entries)

    def get_entry_by_path(self, path: str) -> Entry | None:
        return self.entries.get(path)

    def __len__(self) -> int:
        return len(self.entries)
