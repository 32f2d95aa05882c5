"""The digest cache: unchanged files are not read again; a changed file is never trusted."""

from __future__ import annotations

import base64
import hashlib
import os
import time

from cairn.artifacts import Artifact, digest_cache, manifest
from tests.artifacts.conftest import blob_count, new_run, write

OLD = 1_600_000_000_123_456_789  # an mtime well in the past: the file has "settled"


def _settle(path: str, mtime_ns: int = OLD) -> None:
    os.utime(path, ns=(mtime_ns, mtime_ns))


def _folder(n: int, size: int) -> str:
    for i in range(n):
        p = write(f"data/d{i % 3}/f{i}.bin", i.to_bytes(4, "little") * (size // 4))
        _settle(p)
    return "data"


def test_unchanged_relog_reads_no_bytes_and_writes_nothing(isolated):
    run = new_run()
    data = _folder(12, 6 << 20)  # above the 4 MiB in-memory limit: the streamed path
    first = Artifact("ds", "dataset")
    first.add_dir(data)
    run.log_artifact(first)
    blobs_before = blob_count(isolated)
    read_before = manifest.bytes_read()
    again = Artifact("ds", "dataset")
    again.add_dir(data)
    again.add_file(os.path.join(data, "d0", "f0.bin"), name="single.bin")
    assert manifest.bytes_read() == read_before  # not one byte of any file was read
    again.remove("single.bin")
    run.log_artifact(again)
    assert again.version == first.version and again.digest == first.digest
    assert blob_count(isolated) == blobs_before + 0


def test_same_size_new_mtime_is_rehashed(isolated):
    run = new_run()
    p = write("f.bin", b"a" * 1000)
    _settle(p)
    a = Artifact("ds", "dataset")
    a.add_file(p)
    run.log_artifact(a)
    with open(p, "r+b") as f:  # same size, other bytes, mtime moved on
        f.write(b"b")
    _settle(p, OLD + 1)
    read_before = manifest.bytes_read()
    b = Artifact("ds", "dataset")
    b.add_file(p)
    assert manifest.bytes_read() - read_before == 1000
    want = base64.b64encode(hashlib.md5(b"b" + b"a" * 999).digest()).decode()
    assert b.get_entry("f.bin").digest == want
    run.log_artifact(b)
    assert b.version == "v1"


def test_restored_mtime_still_misses(isolated, tmp_path):
    """``touch -d`` back to the old mtime after an edit: ctime moved, so the row is not used."""
    p = write("f.bin", b"x" * 100)
    _settle(p)
    root = str(tmp_path / "cacheroot")
    key = digest_cache.file_key(p)
    info = manifest.hash_file(p)
    assert digest_cache.remember(root, [(key, info)]) == 1
    assert digest_cache.lookup(root, digest_cache.file_key(p)) == info
    time.sleep(0.01)
    with open(p, "r+b") as f:
        f.write(b"y")
    _settle(p)  # same size, same mtime as when cached
    assert digest_cache.lookup(root, digest_cache.file_key(p)) is None


def test_cache_never_returns_a_wrong_digest(isolated, tmp_path):
    """Many edits of one path (same size, mtime moved back and forth): every lookup hit agrees
    with a fresh hash of the bytes."""
    root = str(tmp_path / "cacheroot")
    p = write("f.bin", b"0" * 64)
    for i in range(40):
        with open(p, "r+b") as f:
            f.write(bytes([48 + i % 10]) * 64)
        _settle(p, OLD + (i % 3))  # mtimes repeat: only inode/ctime/size keep versions apart
        key = digest_cache.file_key(p)
        hit = digest_cache.lookup(root, key)
        fresh = manifest.hash_file(p)
        assert hit is None or hit == fresh
        digest_cache.remember(root, [(key, fresh)])


def test_racy_and_changed_files_are_not_remembered(isolated, tmp_path):
    root = str(tmp_path / "cacheroot")
    p = write("fresh.bin", b"z" * 10)  # mtime = now: could still change within the same tick
    key = digest_cache.file_key(p)
    assert digest_cache.remember(root, [(key, manifest.hash_file(p))]) == 0
    q = write("moved.bin", b"q" * 10)
    _settle(q)
    key = digest_cache.file_key(q)
    info = manifest.hash_file(q)
    _settle(q, OLD + 5)  # changed after hashing
    assert digest_cache.remember(root, [(key, info)]) == 0


def test_cached_digest_with_missing_blob_copies_and_checks(isolated):
    run = new_run()
    p = write("big.bin", os.urandom(5 << 20))
    _settle(p)
    a = Artifact("ds", "dataset")
    a.add_file(p)
    sha = a.get_entry("big.bin").sha256
    blob = os.path.join(isolated, "blobs", "sha256", sha[:2], sha[2:])
    os.unlink(blob)  # the cache still knows the digest, but the bytes must be copied again
    b = Artifact("ds", "dataset")
    b.add_file(p)
    run.log_artifact(b)
    with open(blob, "rb") as f, open(p, "rb") as g:
        assert f.read() == g.read()


def test_unreadable_cache_is_only_a_miss(isolated, tmp_path):
    root = tmp_path / "r"
    (root / "cache").mkdir(parents=True)
    (root / "cache" / "digests.sqlite").write_bytes(b"not a database at all" * 100)
    p = write("f.bin", b"x")
    _settle(p)
    assert digest_cache.lookup(str(root), digest_cache.file_key(p)) is None
    assert digest_cache.remember(str(root), [(digest_cache.file_key(p), manifest.hash_file(p))]) == 0


def test_commit_temp_places_once_and_discards_duplicates(tmp_path):
    from cairn.store import blobs

    root = str(tmp_path / "r")
    d = blobs.blobs_dir(root)
    os.makedirs(d)
    sha = hashlib.sha256(b"abc").hexdigest()
    results = []
    for _ in range(2):
        tmp = os.path.join(d, ".tmp-x")
        with open(tmp, "wb") as f:
            f.write(b"abc")
        results.append(blobs.commit_temp(root, tmp, sha))
        assert not os.path.exists(tmp)
    assert results == [True, False]
    with open(blobs.blob_path(root, sha), "rb") as f:
        assert f.read() == b"abc"
    assert blobs.put_bytes(root, b"abc").sha256 == sha and sorted(os.listdir(d)) == [sha[:2]]


def test_sparse_and_short_files_round_trip(isolated):
    """Chunks read into the reused buffer: a zero chunk, a partial tail and a tiny file all
    come back byte for byte."""
    run = new_run()
    big = write("z.bin", bytes(4 << 20) + os.urandom(4 << 20) + b"tail")
    tiny = write("t.bin", b"t")
    a = Artifact("ds", "dataset")
    a.add_file(big)
    a.add_file(tiny)
    run.log_artifact(a)
    out = a.download("dl")
    for p in (big, tiny):
        with open(p, "rb") as f, open(os.path.join(out, os.path.basename(p)), "rb") as g:
            assert f.read() == g.read()


_WRITER = """
import os, sys
from cairn.artifacts import digest_cache, manifest
root, folder, me = sys.argv[1], sys.argv[2], sys.argv[3]
names = sorted(os.listdir(folder))
items = []
for n in names:
    p = os.path.join(folder, n)
    items.append((digest_cache.file_key(p), manifest.hash_file(p)))
for i in range(0, len(items), 5):  # many small transactions, interleaved with the other process
    kept = digest_cache.remember(root, items[i:i + 5])
    assert kept == len(items[i:i + 5]), kept
    for key, info in items[:i + 5]:
        hit = digest_cache.lookup(root, key)
        assert hit is None or hit == info
print("ok", me)
"""


def test_concurrent_processes_share_the_cache(isolated, tmp_path):
    import subprocess
    import sys

    root = str(tmp_path / "cacheroot")
    folder = tmp_path / "files"
    folder.mkdir()
    for i in range(60):
        p = write(str(folder / f"f{i}"), os.urandom(100 + i))
        _settle(p)
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, root, str(folder), str(n)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(3)]
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    for n in sorted(os.listdir(folder)):
        p = str(folder / n)
        assert digest_cache.lookup(root, digest_cache.file_key(p)) == manifest.hash_file(p)
