"""``cairn reindex`` and ``cairn gc``."""

from __future__ import annotations

import os

import cairn


def test_reindex_rebuilds_the_index_from_run_files(root):
    rid = root.log_run(rows=[{"x": 1}], name="kept")
    assert rid in root.invoke("ls").output
    os.remove(os.path.join(root.path, "index.sqlite"))
    res = root.invoke("reindex")
    assert res.exit_code == 0, res.output
    assert "reindexed" in res.output
    assert cairn.Api(root=root.path).run(rid).name == "kept"


def test_gc_asks_before_deleting_and_no_keeps_everything(root):
    rid = root.log_run(exit_code=1)
    res = root.invoke("gc", "--failed", input="n\n")
    assert res.exit_code != 0 and "Aborted" in res.output
    assert cairn.Api(root=root.path).run(rid).state == "failed"


def test_gc_failed_deletes_only_failed_runs(root):
    ok = root.log_run(name="ok")
    bad = root.log_run(name="bad", exit_code=1)
    res = root.invoke("gc", "--failed", input="y\n")
    assert res.exit_code == 0, res.output
    api = cairn.Api(root=root.path)
    assert [r.id for r in api.runs("proj")] == [ok]
    assert not os.path.exists(os.path.join(root.path, "runs", bad))


def test_gc_deleted_runs_stay_deleted_after_reindex(root):
    bad = root.log_run(exit_code=1)
    root.invoke("gc", bad, "--yes")
    root.invoke("reindex")
    assert bad not in [r.id for r in cairn.Api(root=root.path).runs()]


def test_gc_by_id_with_yes_skips_the_prompt(root):
    a = root.log_run()
    b = root.log_run()
    res = root.invoke("gc", a, "--yes")
    assert res.exit_code == 0 and "deleted 1 run" in res.output
    assert [r.id for r in cairn.Api(root=root.path).runs()] == [b]


def test_gc_dry_run_deletes_nothing(root):
    bad = root.log_run(exit_code=1)
    res = root.invoke("gc", "--failed", "--dry-run")
    assert bad in res.output
    assert cairn.Api(root=root.path).run(bad).id == bad


def test_gc_without_a_selection_is_a_usage_error(root):
    res = root.invoke("gc")
    assert res.exit_code == 2 and "--failed" in res.output


def test_gc_removes_blobs_only_the_deleted_run_referenced(root, tmp_path):
    import pytest

    pytest.importorskip("cairn.artifacts.run_ops", reason="run.save lands with cairn.artifacts")
    from cairn.store.blobs import blob_path

    shared = tmp_path / "shared.txt"
    shared.write_text("shared bytes")
    own = tmp_path / "own.txt"
    own.write_text("only the doomed run has these")
    keep = cairn.init(dir=root.base, project="proj", settings={"silent": True, "console": "off"})
    keep.save(str(shared), base_path=str(tmp_path), policy="now")
    keep.finish(quiet=True)
    doomed = cairn.init(dir=root.base, project="proj", settings={"silent": True, "console": "off"})
    doomed.save(str(shared), base_path=str(tmp_path), policy="now")
    doomed.save(str(own), base_path=str(tmp_path), policy="now")
    doomed.finish(quiet=True)
    api = cairn.Api(root=root.path)
    blobs = {f.name: f._attrs["sha256"] for f in api.run(doomed.id).files()}
    res = root.invoke("gc", doomed.id, "--yes")
    assert res.exit_code == 0, res.output
    assert os.path.exists(blob_path(root.path, blobs["shared.txt"]))
    assert not os.path.exists(blob_path(root.path, blobs["own.txt"]))


def test_cli_registers_server_and_ui_when_present(root):
    from cairn.cli.main import cli

    assert {"ls", "show", "export", "reindex", "gc"} <= set(cli.commands)
    try:
        import cairn.cli.server_cmds  # noqa: F401
    except ImportError:
        return
    assert {"server", "ui"} <= set(cli.commands)


def test_gc_crashed_deletes_runs_whose_process_died(root):
    import subprocess
    import sys

    script = (
        "import os, time, cairn\n"
        f"r = cairn.init(dir={root.base!r}, project='proj', settings={{'silent': True, "
        "'console': 'off', 'x_disable_stats': True})\n"
        "r.log({'x': 1})\n"
        "time.sleep(0.3)\n"
        "print(r.id, flush=True)\n"
        "os._exit(0)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=60)
    dead = out.stdout.split()[-1]
    ok = root.log_run(name="ok")
    assert cairn.Api(root=root.path).run(dead).state == "crashed"
    res = root.invoke("gc", "--crashed", "--yes")
    assert res.exit_code == 0 and dead in res.output
    assert [r.id for r in cairn.Api(root=root.path).runs()] == [ok]


def test_reindex_also_rebuilds_artifacts_from_run_files(root, tmp_path):
    import shutil

    import pytest

    pytest.importorskip("cairn.artifacts.rebuild")
    (tmp_path / "w.txt").write_text("weights")
    run = cairn.init(dir=root.base, project="proj", settings={"console": "off", "silent": True,
                     "x_disable_stats": True})
    art = cairn.Artifact("model", type="model")
    art.add_file(str(tmp_path / "w.txt"))
    run.log_artifact(art)
    run.finish(quiet=True)
    shutil.rmtree(os.path.join(root.path, "artifacts"))
    res = root.invoke("reindex")
    assert res.exit_code == 0, res.output
    assert "artifacts: 1 versions" in res.output
    got = cairn.Api(root=root.path).artifact("proj/model:v0")
    assert got.type == "model"
