"""R7.11 run.log_code: default name, include/exclude filters, no match."""

from __future__ import annotations

import os

from cairn.artifacts import names
from tests.artifacts.conftest import new_run, write


def _tree(base):
    write(base / "t.py", "print(1)")
    write(base / "pkg/mod.py", "x = 1")
    write(base / "Dockerfile.gpu", "FROM x")
    write(base / "README.md", "no")
    write(base / "wandb/run.py", "no")
    write(base / ".wandb/x.py", "no")
    write(base / "cairn-data/runs/leak.py", "no")
    write(base / ".venv/lib/site.py", "no")
    write(base / "sub/wandb/keep.py", "yes")


def test_r7_11_defaults_include_py_and_dockerfiles_and_exclude_tracker_dirs(tmp_path):
    _tree(tmp_path)
    run = new_run()
    art = run.log_code(str(tmp_path))
    assert art.type == "code"
    assert sorted(art.manifest.entries) == ["Dockerfile.gpu", "pkg/mod.py", "sub/wandb/keep.py", "t.py"]


def test_r7_11_default_name_is_source_project_program(tmp_path, monkeypatch):
    _tree(tmp_path)
    run = new_run()
    run._info["program"] = str(tmp_path / "t.py")
    assert run.log_code(".").name == "source-p-t.py:v0"


def test_r7_11_name_is_sanitised_and_truncated():
    assert names.sanitize("source-my proj-a/b.py") == "source-my_proj-a_b.py"
    long = names.sanitize("x" * 200)
    assert len(long) == 128 and ".." in long


def test_r7_11_filters_with_one_or_two_arguments(tmp_path):
    _tree(tmp_path)
    run = new_run()
    art = run.log_code(
        str(tmp_path),
        name="custom",
        include_fn=lambda path: path.endswith(".py") or path.endswith(".md"),
        exclude_fn=lambda path, root: os.path.relpath(path, root).startswith(("pkg/", "wandb", ".", "cairn", "sub")),
    )
    assert sorted(art.manifest.entries) == ["README.md", "t.py"]


def test_r7_11_no_matching_files_warns_and_returns_none(tmp_path, capsys):
    write(tmp_path / "only.txt", "x")
    run = new_run()
    assert run.log_code(str(tmp_path)) is None
