"""``Run.files()`` / ``Run.file()`` and ``File.download()`` (R9.6)."""

from __future__ import annotations

import base64
import hashlib

import pytest

import cairn as wandb

pytest.importorskip("cairn.artifacts.run_ops", reason="run.save lands with cairn.artifacts")


@pytest.fixture(scope="module")
def saved(store, tmp_path_factory):
    """A run that saved ``notes.txt`` with known bytes."""
    src = tmp_path_factory.mktemp("src")
    path = src / "notes.txt"
    path.write_bytes(b"hello cairn\n")
    run = wandb.init(dir=store.base, project="files", settings={"console": "off",
                     "x_disable_stats": True, "silent": True})
    run.save(str(path), base_path=str(src), policy="now")
    run.finish(quiet=True)
    return run.id


def test_files_lists_a_saved_file_with_its_size(store, saved):
    files = {f.name: f for f in store.api().run(saved).files()}
    assert files["notes.txt"].size == len(b"hello cairn\n")
    assert files["notes.txt"].mimetype == "text/plain"


def test_file_md5_is_base64_like_wandb(store, saved):
    f = store.api().run(saved).file("notes.txt")
    assert f.md5 == base64.b64encode(hashlib.md5(b"hello cairn\n").digest()).decode()
    assert f.url.startswith("file://")


def test_download_writes_the_bytes_under_root(store, saved, tmp_path):
    f = store.api().run(saved).file("notes.txt")
    f.download(root=str(tmp_path)).close()
    assert (tmp_path / "notes.txt").read_bytes() == b"hello cairn\n"


def test_download_refuses_to_overwrite_unless_asked(store, saved, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    f = store.api().run(saved).file("notes.txt")
    with pytest.raises(ValueError, match="already exists"):
        f.download(root=str(tmp_path))
    f.download(root=str(tmp_path), exist_ok=True).close()
    assert (tmp_path / "notes.txt").read_text() == "mine"
    f.download(root=str(tmp_path), replace=True).close()
    assert (tmp_path / "notes.txt").read_text() == "hello cairn\n"


def test_unknown_file_raises_comm_error(store, saved):
    with pytest.raises(wandb.CommError, match="not found"):
        store.api().run(saved).file("missing.txt")


def test_file_delete_removes_it_and_survives_reindex(store, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a.txt", "b.txt"):
        (src / name).write_text(name)
    run = wandb.init(dir=store.base, project="files-del", settings={"console": "off",
                     "x_disable_stats": True, "silent": True})
    run.save(str(src / "*.txt"), base_path=str(src), policy="now")
    run.finish(quiet=True)
    api = store.api()
    api.run(run.id).file("a.txt").delete()
    assert [f.name for f in store.api().run(run.id).files()] == ["b.txt"]
    with pytest.raises(wandb.CommError, match="not found"):
        store.api().run(run.id).file("a.txt")
    assert (src / "a.txt").read_text() == "a.txt"  # the user's own file is untouched
    api._backend.reindex()
    assert [f.name for f in store.api().run(run.id).files()] == ["b.txt"]


def test_download_refuses_a_name_leading_outside_root(store, saved, tmp_path):
    from cairn.api.files import File

    f = store.api().run(saved).file("notes.txt")
    evil = File(f._backend, f._run_id, {**f._attrs, "name": "../escaped.txt"})
    target = tmp_path / "dl"
    with pytest.raises(ValueError, match="leads outside"):
        evil.download(root=str(target))
    assert not (tmp_path / "escaped.txt").exists()
