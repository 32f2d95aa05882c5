"""R7.8: download, file, get_entry, verify, checkout, corruption, and streaming a 2 GB file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from cairn.artifacts import Artifact, ArtifactCorruptError, ArtifactNotLoggedError
from cairn.store import blobs
from tests.artifacts.conftest import write


def _logged(run, files: dict[str, str]) -> Artifact:
    art = Artifact("ds", "dataset")
    for name, content in files.items():
        art.add_file(write(f"src/{name}", content), name=name)
    return run.log_artifact(art)


def test_r7_8_download_default_root_is_artifacts_name_version(run, tmp_path):
    art = _logged(run, {"a.txt": "A", "d/b.txt": "B"})
    path = art.download()
    assert path == str(tmp_path / "artifacts" / "ds:v0")
    assert open(os.path.join(path, "d/b.txt")).read() == "B"


def test_r7_8_download_honours_artifact_dir_env(run, tmp_path, monkeypatch):
    monkeypatch.setenv("WANDB_ARTIFACT_DIR", str(tmp_path / "elsewhere"))
    assert _logged(run, {"a.txt": "A"}).download() == str(tmp_path / "elsewhere" / "ds:v0")


def test_r7_8_download_before_logging_raises():
    with pytest.raises(ArtifactNotLoggedError):
        Artifact("a", "dataset").download()


def test_r7_8_file_returns_single_file_path(run, tmp_path):
    art = _logged(run, {"only.txt": "x"})
    assert open(art.file(str(tmp_path / "o"))).read() == "x"


def test_r7_8_file_with_many_entries_raises(run):
    with pytest.raises(ValueError, match="more than one file"):
        _logged(run, {"a": "1", "b": "2"}).file()


def test_r7_8_get_entry_download(run, tmp_path):
    art = _logged(run, {"a.txt": "A", "b.txt": "B"})
    p = art.get_entry("b.txt").download(str(tmp_path / "one"))
    assert open(p).read() == "B" and not os.path.exists(tmp_path / "one" / "a.txt")


def test_corrupted_blob_is_detected_and_names_the_file(run, isolated, tmp_path):
    art = _logged(run, {"a.txt": "A", "bad.txt": "good bytes"})
    sha = art.get_entry("bad.txt").sha256
    path = blobs.blob_path(isolated, sha)
    os.chmod(path, 0o644)
    with open(path, "wb") as f:
        f.write(b"evil bytes")
    with pytest.raises(ArtifactCorruptError, match="bad.txt"):
        art.download(str(tmp_path / "out"))
    assert not os.path.exists(tmp_path / "out" / "bad.txt")


def test_missing_blob_is_a_clear_error(run, isolated, tmp_path):
    art = _logged(run, {"a.txt": "A"})
    os.unlink(blobs.blob_path(isolated, art.get_entry("a.txt").sha256))
    with pytest.raises(ArtifactCorruptError, match="missing"):
        art.download(str(tmp_path / "out"))


def test_r7_8_verify_passes_then_detects_edits(run, tmp_path):
    art = _logged(run, {"a.txt": "A"})
    root = art.download(str(tmp_path / "v"))
    art.verify(root)
    write(os.path.join(root, "a.txt"), "changed")
    with pytest.raises(ValueError, match="digest mismatch"):
        art.verify(root)


def test_r7_8_verify_detects_extra_files(run, tmp_path):
    art = _logged(run, {"a.txt": "A"})
    root = art.download(str(tmp_path / "v"))
    write(os.path.join(root, "extra.txt"), "?")
    with pytest.raises(ValueError, match="not in the artifact"):
        art.verify(root)


def test_r7_8_checkout_removes_other_files(run, tmp_path):
    art = _logged(run, {"a.txt": "A"})
    root = str(tmp_path / "c")
    write(os.path.join(root, "stale.txt"), "old")
    art.checkout(root)
    assert sorted(os.listdir(root)) == ["a.txt"]


def test_r7_8_properties_after_commit(run):
    art = _logged(run, {"a.txt": "A"})
    assert art.source_name == "ds:v0" and art.size == 1 and art.created_at.endswith("Z")
    assert art.wait() is art and art.files()[0].path == "a.txt"


def test_r7_8_save_persists_aliases_and_metadata(run, isolated):
    from cairn.artifacts import query

    art = _logged(run, {"a.txt": "A"})
    art.aliases.append("prod")
    art.metadata = {"acc": 0.9}
    art.save()
    again = query.artifact(isolated, "p/ds:prod")
    assert again.version == "v0" and again.metadata == {"acc": 0.9}


def test_r7_8_delete_with_aliases_needs_flag(run, isolated):
    from cairn.artifacts import query
    from cairn.sdk.errors import CommError

    art = Artifact("ds", "dataset")
    art.add_file(write("f", "1"))
    run.log_artifact(art, aliases=["keep"])
    with pytest.raises(CommError, match="aliases"):
        art.delete()
    art.delete(delete_aliases=True)
    assert not query.artifact_exists(isolated, "p/ds:v0")


def test_two_gb_sparse_file_streams_with_bounded_memory(tmp_path):
    """Log and download a 2 GiB sparse file in a child process; its peak RSS must stay far
    below the file size (both directions stream in chunks)."""
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:
        f.truncate(2 << 30)
        f.seek((2 << 30) - 5)
        f.write(b"tail!")
    script = textwrap.dedent(f"""
        import json, resource, os, cairn
        from cairn.artifacts import Artifact
        def rss(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        r = cairn.init(project="p", settings={{"console": "off", "x_disable_stats": True}})
        base = rss()
        a = Artifact("big", "dataset")
        a.add_file({str(big)!r})
        r.log_artifact(a)
        out = a.download({str(tmp_path / "dl")!r})
        size = os.path.getsize(os.path.join(out, "big.bin"))
        with open(os.path.join(out, "big.bin"), "rb") as f:
            f.seek(size - 5); tail = f.read()
        r.finish()
        print(json.dumps({{"base": base, "peak": rss(), "size": size, "tail": tail.decode()}}))
    """)
    env = {**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(os.path.dirname(__file__)))}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["size"] == 2 << 30 and got["tail"] == "tail!"
    growth = got["peak"] - got["base"]
    print(f"peak RSS growth while logging+downloading 2 GiB: {growth / 2**20:.1f} MiB")
    assert growth < 200 * 2**20


def test_r7_8_save_of_unlogged_artifact_logs_it_with_the_active_run(run):
    art = Artifact("saved", "dataset")
    art.add_file(write("f", "1"))
    art.save()
    assert art.version == "v0" and art.logged_by().id == run.id


def test_r7_8_save_without_a_run_uses_a_short_run(isolated):
    from cairn.sdk import globals as g

    art = Artifact("saved", "dataset")
    art.add_file(write("f", "1"))
    art.save(project="p")
    assert art.version == "v0" and g.active_run() is None


def test_deleted_version_number_is_not_reused(run, isolated):
    art = Artifact("ds", "dataset")
    art.add_file(write("f", "1"))
    run.log_artifact(art)
    art.delete()
    again = Artifact("ds", "dataset")
    again.add_file(write("f", "1"))
    assert run.log_artifact(again).version == "v1"


def test_entry_path_escaping_the_folder_is_refused_before_anything_is_touched(run, tmp_path):
    art = _logged(run, {"a.txt": "A"})
    e = art._entries.pop("a.txt")
    e.path = "../evil.txt"  # as a hand-edited or foreign manifest could hold
    art._entries[e.path] = e
    dl = tmp_path / "dl"
    write(dl / "keep.txt", "mine")
    for call in (art.download, art.checkout, art.verify):
        with pytest.raises(ValueError, match="escapes the download folder"):
            call(str(dl))
    assert not (tmp_path / "evil.txt").exists() and (dl / "keep.txt").read_text() == "mine"
