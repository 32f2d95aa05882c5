"""cairn artifact put / get / ls."""

from __future__ import annotations

import os

from click.testing import CliRunner

from cairn.cli.artifact_cmds import artifact
from tests.artifacts.conftest import write


def test_put_get_ls_round_trip(isolated, tmp_path):
    write(tmp_path / "data/a.txt", "A")
    cli = CliRunner()
    put = cli.invoke(artifact, ["put", str(tmp_path / "data"), "--name", "proj/mydata", "--type", "dataset",
                                "--root", isolated])
    assert put.exit_code == 0, put.output
    assert "proj/mydata:v0" in put.output
    got = cli.invoke(artifact, ["get", "proj/mydata:latest", "--root", isolated, "--dest", str(tmp_path / "out")])
    assert got.exit_code == 0, got.output
    assert open(tmp_path / "out/a.txt").read() == "A"
    ls = cli.invoke(artifact, ["ls", "--root", isolated])
    assert "proj/mydata:v0\tdataset\tlatest" in ls.output


def test_get_unknown_is_a_cli_error(isolated):
    res = CliRunner().invoke(artifact, ["get", "p/none:latest", "--root", isolated])
    assert res.exit_code != 0 and "not found" in res.output


def test_put_bad_name_is_a_cli_error(isolated, tmp_path):
    write(tmp_path / "f.txt", "x")
    res = CliRunner().invoke(artifact, ["put", str(tmp_path / "f.txt"), "--name", "bad name", "--root", isolated])
    assert res.exit_code != 0 and "Artifact name may only contain" in res.output
    assert not os.path.exists(os.path.join(isolated, "artifacts"))


def test_rebuild_command(isolated, tmp_path):
    import shutil

    write(tmp_path / "f.txt", "x")
    cli = CliRunner()
    assert cli.invoke(artifact, ["put", str(tmp_path / "f.txt"), "--name", "p/f", "--root", isolated]).exit_code == 0
    shutil.rmtree(os.path.join(isolated, "artifacts"))
    res = cli.invoke(artifact, ["rebuild", "--root", isolated])
    assert res.exit_code == 0 and "versions: 1" in res.output
    assert "p/f:v0" in cli.invoke(artifact, ["ls", "--root", isolated]).output


def test_put_stores_bytes_only_under_the_given_root(isolated, tmp_path, monkeypatch):
    monkeypatch.delenv("CAIRN_ROOT")  # the default root would be ./cairn-data
    write(tmp_path / "f.txt", "x")
    other = str(tmp_path / "other")
    res = CliRunner().invoke(artifact, ["put", str(tmp_path / "f.txt"), "--name", "p/f", "--root", other])
    assert res.exit_code == 0, res.output
    assert os.path.isdir(os.path.join(other, "blobs")) and not os.path.exists(tmp_path / "cairn-data")
