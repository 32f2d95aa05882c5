"""R8.5 run.save (path rules, policies, live re-capture) and R8.6 run.restore."""

from __future__ import annotations

import os
import time

import pytest

from cairn.runlog import format as fmt
from cairn.store import blobs
from tests.artifacts.conftest import flush, new_run, records, write


@pytest.fixture
def tree(tmp_path):
    write(tmp_path / "these/are/myfiles/a.txt", "a")
    write(tmp_path / "these/are/myfiles/b.txt", "b")
    write(tmp_path / "files/x/saveme.txt", "x")
    write(tmp_path / "files/y/saveme.txt", "y")
    return tmp_path


def _rel(run, paths):
    return sorted(os.path.relpath(p, run.dir) for p in paths)


def test_r8_5_no_argument_is_deprecated_noop(run):
    assert run.save() is True


def test_r8_5_cloud_urls_are_refused_with_empty_list(run):
    assert run.save("s3://bucket/x") == [] and run.save("gs://bucket/x") == []


def test_r8_5_bad_policy_raises(run, tree):
    with pytest.raises(ValueError, match='Only "live", "end" and "now" policies'):
        run.save("these/are/myfiles/*", policy="sometimes")


def test_r8_5_relative_glob_keeps_path(run, tree):
    assert _rel(run, run.save("these/are/myfiles/*")) == ["these/are/myfiles/a.txt", "these/are/myfiles/b.txt"]


def test_r8_5_base_path_strips_prefix(run, tree):
    assert _rel(run, run.save("these/are/myfiles/*", base_path="these")) == ["are/myfiles/a.txt", "are/myfiles/b.txt"]


def test_r8_5_absolute_glob_keeps_one_directory_level(run, tree):
    assert _rel(run, run.save(str(tree / "these/are/myfiles/*.txt"))) == ["myfiles/a.txt", "myfiles/b.txt"]


def test_r8_5_wildcard_directories(run, tree):
    assert _rel(run, run.save("files/*/saveme.txt")) == ["files/x/saveme.txt", "files/y/saveme.txt"]


def test_r8_5_targets_are_symlinks_into_run_dir(run, tree):
    [p] = run.save("files/x/saveme.txt")
    assert os.path.islink(p) and os.path.realpath(p) == str(tree / "files/x/saveme.txt")


def test_r8_5_glob_above_base_raises(run, tree):
    with pytest.raises(ValueError, match="walk above the base path"):
        run.save("../outside/*", base_path=".")


def test_r8_5_glob_equal_to_base_raises(run, tree):
    with pytest.raises(ValueError):
        run.save(str(tree / "these"), base_path=str(tree / "these"))


def test_r8_5_glob_starting_with_star_raises(run, tree):
    with pytest.raises(ValueError, match="start with"):
        run.save("*/are/myfiles/a.txt")


def test_r8_5_now_policy_records_bytes_at_once(run, tree, isolated):
    run.save("these/are/myfiles/a.txt", policy="now")
    flush(run)
    [rec] = records(isolated, run.id, fmt.FILES)
    [f] = rec["files"]
    assert f["path"] == "these/are/myfiles/a.txt" and f["policy"] == "now"
    assert open(blobs.blob_path(isolated, f["sha256"])).read() == "a"


def test_r8_5_end_policy_captures_at_finish(run, tree, isolated):
    run.save("these/are/myfiles/a.txt", policy="end")
    write(tree / "these/are/myfiles/a.txt", "final")
    run.finish()
    files = [f for r in records(isolated, run.id, fmt.FILES) for f in r["files"]]
    assert files[0] == {**files[0], "policy": "end"} and "sha256" not in files[0]
    assert open(blobs.blob_path(isolated, files[-1]["sha256"])).read() == "final"


def test_r8_5_live_file_change_is_captured_while_running(isolated, tree, monkeypatch):
    monkeypatch.setenv("CAIRN_LIVE_POLL_S", "0.05")
    run = new_run()
    run.save("these/are/myfiles/a.txt", policy="live")
    time.sleep(0.02)
    write(tree / "these/are/myfiles/a.txt", "changed while running")
    deadline = time.time() + 10
    seen = []
    while time.time() < deadline:
        flush(run)
        seen = [f for r in records(isolated, run.id, fmt.FILES) for f in r["files"]]
        if len(seen) >= 2:
            break
        time.sleep(0.05)
    assert run._finished is False and len(seen) >= 2
    assert open(blobs.blob_path(isolated, seen[-1]["sha256"])).read() == "changed while running"


def test_r8_5_live_file_last_state_captured_at_finish(run, tree, isolated):
    run.save("these/are/myfiles/b.txt")  # default policy live; default poll is slow
    write(tree / "these/are/myfiles/b.txt", "last words")
    run.finish()
    files = [f for r in records(isolated, run.id, fmt.FILES) for f in r["files"]]
    assert open(blobs.blob_path(isolated, files[-1]["sha256"])).read() == "last words"


def test_r8_6_restore_from_another_run(isolated, tree):
    first = new_run()
    first.save("these/are/myfiles/a.txt", policy="now")
    first.finish()
    second = new_run()
    f = second.restore("these/are/myfiles/a.txt", run_path=f"p/{first.id}")
    assert f.read() == "a" and f.name == os.path.join(second.dir, "these/are/myfiles/a.txt")


def test_r8_6_restore_existing_file_is_opened_unless_replace(isolated, tree):
    first = new_run()
    first.save("these/are/myfiles/a.txt", policy="now")
    first.finish()
    second = new_run()
    write(os.path.join(second.dir, "these/are/myfiles/a.txt"), "local")
    assert second.restore("these/are/myfiles/a.txt", run_path=first.id).read() == "local"
    assert second.restore("these/are/myfiles/a.txt", run_path=first.id, replace=True).read() == "a"


def test_r8_6_restore_into_root(isolated, tree):
    first = new_run()
    first.save("these/are/myfiles/a.txt", policy="now")
    first.finish()
    second = new_run()
    f = second.restore("these/are/myfiles/a.txt", run_path=first.id, root=str(tree / "out"))
    assert f.name == str(tree / "out/these/are/myfiles/a.txt")


def test_r8_6_restore_missing_file_raises(run):
    with pytest.raises(ValueError, match="not found"):
        run.restore("nope.txt")


def test_r8_6_restore_before_init_needs_run_path(isolated):
    from cairn.artifacts import run_ops

    with pytest.raises(ValueError, match="run_path required"):
        run_ops.restore("a.txt")


def test_r8_5_end_file_deleted_before_finish_does_not_break_finish(run, tree, isolated):
    run.save("these/are/myfiles/a.txt", policy="end")
    os.unlink(tree / "these/are/myfiles/a.txt")
    run.finish()
    assert run._finished


@pytest.mark.parametrize("name", ["../escape.txt", "a/../../escape.txt", "/etc/escape.txt", ".."])
def test_r8_6_restore_refuses_names_outside_the_run_files(run, name, tmp_path):
    with pytest.raises(ValueError, match="inside the run's files"):
        run.restore(name, root=str(tmp_path / "out"))
    assert not (tmp_path / "escape.txt").exists()


def test_r8_6_restore_run_path_must_name_a_run(isolated):
    from cairn.artifacts import run_ops

    with pytest.raises(ValueError, match="names no run"):
        run_ops.restore("a.txt", run_path="p/..")
