"""A cache of file digests, so re-adding an unchanged file reads none of its bytes.

Stored in ``<root>/cache/digests.sqlite`` (WAL mode, so concurrent processes read while one
writes; a busy writer waits up to 5 s). The key is everything ``stat`` says about the file's
identity and content version: ``(device, inode, size, mtime_ns, ctime_ns, realpath)``. Any
write to the file changes mtime (and ctime); a replace changes the inode; ``touch -d`` back
to an old mtime still changes ctime. So a stale row is never found: a changed file simply
misses and is hashed again.

The one case stat cannot see is a write in the same timestamp tick as the hash, after the
bytes were read (same size, same mtime). Like git's "racily clean" rule, a digest is only
remembered when the file was last modified clearly before hashing began (``_MARGIN_NS``; two
seconds when the file system only keeps whole seconds) and its stat did not change while it
was hashed. Such a file is simply hashed again next time.

The cache is an optimisation only: any SQLite error (read-only root, corrupt file, locked
too long) behaves as a miss or a skipped write, never as an error of the caller.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from dataclasses import dataclass

from cairn.store.blobs import BlobInfo

_MARGIN_NS = 100_000_000  # 100 ms: well above the kernel's coarse timestamp tick (≤ 10 ms)
_WHOLE_SECOND_MARGIN_NS = 2_000_000_000  # FAT-like file systems keep 2 s mtimes
_local = threading.local()

_SCHEMA = """
CREATE TABLE IF NOT EXISTS digests (
    dev INTEGER NOT NULL, ino INTEGER NOT NULL, size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, path TEXT NOT NULL,
    sha256 TEXT NOT NULL, md5_b64 TEXT NOT NULL,
    PRIMARY KEY (dev, ino, path)
) WITHOUT ROWID
"""


@dataclass(frozen=True)
class FileKey:
    """What identifies one version of a file's bytes, taken before hashing (``t_ns``: when)."""

    dev: int
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int
    path: str
    t_ns: int

    def same_file_version(self, other: FileKey | None) -> bool:
        return other is not None and (self.dev, self.ino, self.size, self.mtime_ns, self.ctime_ns, self.path) == (
            other.dev, other.ino, other.size, other.mtime_ns, other.ctime_ns, other.path)

    def settled(self) -> bool:
        """True if the file was last changed long enough before ``t_ns`` that a write in the
        same timestamp tick as our read is impossible (see the module docstring)."""
        # mtime only: a content write always sets mtime to "now", so a write after a
        # ctime-only change (chmod, utime into the past) already moves mtime and misses
        margin = _WHOLE_SECOND_MARGIN_NS if self.mtime_ns % 1_000_000_000 == 0 else _MARGIN_NS
        return self.mtime_ns + margin <= self.t_ns


def file_key(path: str) -> FileKey | None:
    """Stat ``path`` (following symlinks); None if it is not a regular file or cannot be read."""
    try:
        real = os.path.realpath(path)
        st = os.stat(real)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return FileKey(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, real, time.time_ns())


def db_path(root: str) -> str:
    return os.path.join(os.fspath(root), "cache", "digests.sqlite")


def _conn(root: str) -> sqlite3.Connection | None:
    """This thread's connection to ``root``'s cache (opened once per thread and root)."""
    conns = getattr(_local, "conns", None)
    if conns is None:
        conns = _local.conns = {}
    path = db_path(root)
    c = conns.get(path)
    if c is not None:
        return c
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        c = sqlite3.connect(path, timeout=5.0, isolation_level=None)
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA synchronous=NORMAL")  # a lost row after power loss only costs a re-hash
        c.execute(_SCHEMA)
    except (sqlite3.Error, OSError):
        return None
    conns[path] = c
    return c


def lookup(root: str, key: FileKey | None) -> BlobInfo | None:
    """The digests recorded for exactly this file version, or None. Cost: one indexed read."""
    if key is None:
        return None
    c = _conn(root)
    if c is None:
        return None
    try:
        row = c.execute(
            "SELECT sha256, md5_b64 FROM digests WHERE dev=? AND ino=? AND path=? AND size=? "
            "AND mtime_ns=? AND ctime_ns=?",
            (key.dev, key.ino, key.path, key.size, key.mtime_ns, key.ctime_ns)).fetchone()
    except sqlite3.Error:
        return None
    return BlobInfo(row[0], row[1], key.size) if row else None


def remember(root: str, items: list[tuple[FileKey, BlobInfo]]) -> int:
    """Record digests of files hashed after their key was taken; returns how many were kept.

    An item is kept only if the file's stat is unchanged now, the hashed size matches and the
    file had settled before hashing (:meth:`FileKey.settled`). One transaction for all items.
    """
    keep = []
    for key, info in items:
        if key.size != info.size or not key.settled():
            continue
        now = file_key(key.path)
        if key.same_file_version(now):
            keep.append((key.dev, key.ino, key.size, key.mtime_ns, key.ctime_ns, key.path, info.sha256, info.md5_b64))
    if not keep:
        return 0
    c = _conn(root)
    if c is None:
        return 0
    try:
        c.execute("BEGIN IMMEDIATE")
        c.executemany("INSERT OR REPLACE INTO digests VALUES (?,?,?,?,?,?,?,?)", keep)
        c.execute("COMMIT")
    except sqlite3.Error:
        try:
            c.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        return 0
    return len(keep)
