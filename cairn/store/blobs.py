"""Content-addressed blob storage shared by media, saved files and artifacts.

A blob lives at ``<root>/blobs/sha256/<first 2 hex>/<remaining 62 hex>``. Writes stream in
1 MiB chunks (memory stays bounded for multi-GB files), go to a temporary file in the same
folder and are renamed into place, so a blob path either holds the complete bytes or does not
exist. The same bytes are stored once, whichever run or artifact wrote them.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

CHUNK = 1 << 20


@dataclass(frozen=True)
class BlobInfo:
    """What is known of stored bytes: hex SHA-256, base64 MD5 (wandb's entry digest), size."""

    sha256: str
    md5_b64: str
    size: int


def blobs_dir(root: str | os.PathLike) -> str:
    """The folder holding every blob of ``root`` (and their temporary files while written)."""
    return os.path.join(os.fspath(root), "blobs", "sha256")


def blob_path(root: str | os.PathLike, sha256: str) -> str:
    """Path where the blob with this hex digest lives (whether or not it exists)."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a hex SHA-256 digest: {sha256!r}")
    return os.path.join(blobs_dir(root), sha256[:2], sha256[2:])


def has_blob(root: str | os.PathLike, sha256: str) -> bool:
    """True if the blob is stored (one stat); ``ValueError`` for a malformed digest."""
    return os.path.exists(blob_path(root, sha256))


def write_blob(root: str | os.PathLike, fill: Callable[[BinaryIO], BlobInfo], buffering: int = -1) -> BlobInfo:
    """The one way bytes become a blob: ``fill(out)`` writes them to a new temporary file in
    the blob folder and returns their :class:`BlobInfo`; the file is then closed and given its
    address (:func:`commit_temp`). Whatever raises, no temporary file is left behind.
    ``buffering`` is passed to ``open`` (0: ``out`` is unbuffered)."""
    d = blobs_dir(root)
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=d)
    try:
        with os.fdopen(fd, "wb", buffering=buffering) as out:
            info = fill(out)
        commit_temp(root, tmp, info.sha256)
        return info
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def put_stream(root: str | os.PathLike, src: BinaryIO) -> BlobInfo:
    """Store everything readable from ``src``; return its :class:`BlobInfo`.

    Cost: one pass over the bytes (hashing while copying). If the blob already exists the
    temporary copy is discarded, so re-storing unchanged content writes nothing lasting.
    """

    def fill(out: BinaryIO) -> BlobInfo:
        sha, md5, size = hashlib.sha256(), hashlib.md5(), 0
        while chunk := src.read(CHUNK):
            sha.update(chunk)
            md5.update(chunk)
            size += len(chunk)
            out.write(chunk)
        return BlobInfo(sha.hexdigest(), base64.b64encode(md5.digest()).decode(), size)

    return write_blob(root, fill)


def commit_temp(root: str | os.PathLike, tmp: str, sha256: str) -> bool:
    """Give the complete temporary file ``tmp`` (in :func:`blobs_dir` or below it, same file
    system) its address ``sha256``; returns True if it became the blob, False if an identical
    blob was already there (``tmp`` is then deleted).

    The caller guarantees ``tmp`` holds exactly the bytes named by ``sha256``. The rename is
    atomic, so a concurrent writer of the same blob is harmless: both hold the same bytes.
    Raises ``ValueError`` for a malformed digest (``tmp`` is left for the caller to remove).
    Cost: one stat and one rename (or unlink).
    """
    dest = blob_path(root, sha256)
    if os.path.exists(dest):
        os.unlink(tmp)
        return False
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    os.replace(tmp, dest)
    return True


def put_file(root: str | os.PathLike, path: str | os.PathLike) -> BlobInfo:
    """Store the file at ``path`` (streamed). Raises ``FileNotFoundError`` naming the path."""
    with open(path, "rb") as f:
        return put_stream(root, f)


def put_bytes(root: str | os.PathLike, data: bytes) -> BlobInfo:
    """Store ``data``; skips the write entirely when the blob already exists."""
    info = BlobInfo(hashlib.sha256(data).hexdigest(), base64.b64encode(hashlib.md5(data).digest()).decode(),
                    len(data))
    if not os.path.exists(blob_path(root, info.sha256)):
        write_bytes(root, info, data)
    return info


def write_bytes(root: str | os.PathLike, info: BlobInfo, data: bytes | memoryview) -> None:
    """Write ``data``, whose digests the caller already has in ``info``, as a blob."""

    def fill(out: BinaryIO) -> BlobInfo:
        out.write(data)
        return info

    write_blob(root, fill)


def copy_out(root: str | os.PathLike, sha256: str, dest: str | os.PathLike) -> None:
    """Copy a blob to ``dest`` atomically (temp file + rename)."""
    src = blob_path(root, sha256)
    dest = os.fspath(dest)
    os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(dest) or ".")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
