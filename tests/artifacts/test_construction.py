"""R7.1–R7.4: constructing an artifact, adding content, manifest and digests."""

from __future__ import annotations

import hashlib
import os

import pytest

from cairn.artifacts import Artifact, ArtifactFinalizedError, ArtifactNotLoggedError
from tests.artifacts.conftest import write


@pytest.mark.parametrize("name", ["a/b", "a:b", "a b", "", "..", "é"])
def test_r7_1_invalid_names_raise_value_error(name):
    with pytest.raises(ValueError, match="Artifact name may only contain"):
        Artifact(name, "dataset")


def test_r7_1_long_names_are_accepted():
    assert Artifact("n" * 130, "dataset").name == "n" * 130


@pytest.mark.parametrize("type_", ["job", "wandb-history", "wandb-anything"])
def test_r7_1_reserved_types_raise_value_error(type_):
    with pytest.raises(ValueError, match="reserved"):
        Artifact("a", type_)


def test_r7_1_fresh_artifact_is_pending_and_unversioned():
    art = Artifact("a", "dataset", description="d", metadata={"k": 1})
    assert art.state == "PENDING"
    assert art.metadata == {"k": 1}
    for prop in ("version", "id", "created_at", "qualified_name"):
        with pytest.raises(ArtifactNotLoggedError):
            getattr(art, prop)


def test_r7_1_metadata_must_be_a_dict():
    with pytest.raises(ValueError):
        Artifact("a", "dataset", metadata=[1, 2])


def test_r7_3_entry_digest_is_base64_md5():
    art = Artifact("a", "dataset")
    entry = art.add_file(write("f.txt", "hello\n"))
    assert entry.digest == "sZRqySSS0jR8YjW00mERhA=="
    assert entry.size == 6
    assert entry.sha256 == hashlib.sha256(b"hello\n").hexdigest()


def test_r7_3_manifest_layout():
    art = Artifact("a", "dataset")
    art.add_file(write("f.txt", "hello\n"))
    m = art.manifest.to_manifest_json()
    assert m["version"] == 1
    assert m["storagePolicy"] == "wandb-storage-policy-v1"
    assert m["storagePolicyConfig"] == {"storageLayout": "V2"}
    assert m["contents"]["f.txt"]["digest"] == "sZRqySSS0jR8YjW00mERhA=="
    assert m["contents"]["f.txt"]["size"] == 6


def test_r7_4_artifact_digest_algorithm():
    art = Artifact("a", "dataset")
    art.add_file(write("z.txt", "zz"))
    art.add_file(write("a.txt", "hello\n"))
    lines = "wandb-artifact-manifest-v1\n" + "".join(
        f"{p}:{art.get_entry(p).digest}\n" for p in sorted(["z.txt", "a.txt"]))
    assert art.digest == hashlib.md5(lines.encode()).hexdigest()


def test_r7_2_add_file_default_name_is_basename_and_name_overrides():
    art = Artifact("a", "dataset")
    art.add_file(write("d/x.bin", "1"))
    art.add_file(write("d/y.bin", "2"), name="sub/y2.bin")
    assert sorted(art.manifest.entries) == ["sub/y2.bin", "x.bin"]


def test_r7_2_add_file_missing_path_raises():
    with pytest.raises(ValueError, match="not a file"):
        Artifact("a", "dataset").add_file("nope.txt")


def test_r7_2_add_file_bad_policy_raises():
    with pytest.raises(ValueError, match="policy"):
        Artifact("a", "dataset").add_file(write("f", "1"), policy="sometimes")


def test_r7_2_add_dir_with_name_prefix():
    write("data/a.txt", "a")
    write("data/sub/b.txt", "b")
    art = Artifact("a", "dataset")
    art.add_dir("data", name="dd")
    assert sorted(art.manifest.entries) == ["dd/a.txt", "dd/sub/b.txt"]


def test_r7_2_add_dir_missing_raises():
    with pytest.raises(ValueError, match="not a directory"):
        Artifact("a", "dataset").add_dir("nope")


def test_r7_2_same_path_twice_different_digest_raises():
    art = Artifact("a", "dataset")
    art.add_file(write("one/f.txt", "1"))
    with pytest.raises(ValueError, match="Cannot add the same path twice"):
        art.add_file(write("two/f.txt", "2"))


def test_r7_2_same_path_twice_same_digest_is_accepted():
    art = Artifact("a", "dataset")
    art.add_file(write("one/f.txt", "1"))
    art.add_file(write("two/f.txt", "1"))
    assert list(art.manifest.entries) == ["f.txt"]


def test_r7_2_is_tmp_renames_stem_to_digest_prefix():
    art = Artifact("a", "dataset")
    e = art.add_file(write("f.txt", "hello\n"), is_tmp=True)
    assert e.path == hashlib.md5(b"hello\n").hexdigest()[:20] + ".txt"


def test_r7_2_mutable_policy_copies_at_add_time():
    art = Artifact("a", "dataset")
    write("f.txt", "before")
    art.add_file("f.txt")
    write("f.txt", "after")
    path = _log_and_download(art)
    assert open(os.path.join(path, "f.txt")).read() == "before"


def test_r7_2_new_file_adds_written_content():
    art = Artifact("a", "dataset")
    with art.new_file("notes/n.txt") as f:
        f.write("hello\n")
    assert art.get_entry("notes/n.txt").digest == "sZRqySSS0jR8YjW00mERhA=="


def test_r7_2_remove_entry_and_missing_entry():
    art = Artifact("a", "dataset")
    art.add_file(write("f.txt", "1"))
    art.remove("f.txt")
    assert art.manifest.entries == {}
    with pytest.raises(FileNotFoundError):
        art.remove("f.txt")


def test_get_entry_missing_raises_key_error():
    with pytest.raises(KeyError):
        Artifact("a", "dataset").get_entry("nope")


def test_r7_2_logged_artifact_is_finalized(run):
    art = Artifact("a", "dataset")
    art.add_file(write("f.txt", "1"))
    run.log_artifact(art)
    for call in (lambda: art.add_file(write("g.txt", "2")), lambda: art.add_dir("."),
                 lambda: art.remove("f.txt"), lambda: art.add_reference("file:///tmp")):
        with pytest.raises(ArtifactFinalizedError):
            call()


def test_size_and_file_count():
    art = Artifact("a", "dataset")
    art.add_file(write("a", "123"))
    art.add_file(write("b", "45"))
    assert (art.size, art.file_count) == (5, 2)


def test_ttl_is_accepted():
    art = Artifact("a", "dataset")
    art.ttl = None
    assert art.ttl is None


def _log_and_download(art):
    from tests.artifacts.conftest import new_run

    r = new_run()
    r.log_artifact(art)
    return art.download()


def test_store_file_blob_name_always_matches_bytes(isolated):
    """If a file changed after it was hashed, the stored blob is named by what was copied."""
    from cairn.artifacts.manifest import READ, hash_file, store_file
    from cairn.store import blobs

    path = write("big.bin", b"a" * (READ + 10))
    stale = hash_file(path)
    write(path, b"b" * (READ + 10))
    got = store_file(isolated, path, known=stale)
    assert got == hash_file(path)
    assert hashlib.sha256(open(blobs.blob_path(isolated, got.sha256), "rb").read()).hexdigest() == got.sha256
    assert not blobs.has_blob(isolated, stale.sha256)


def test_failed_blob_write_leaves_no_temporary_file(isolated):
    import io

    from cairn.store import blobs

    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def read(self, n=-1):
            raise OSError("disk went away")

    with pytest.raises(OSError, match="disk went away"):
        blobs.put_stream(isolated, Broken())
    assert os.listdir(blobs.blobs_dir(isolated)) == []
