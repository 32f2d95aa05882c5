"""R7.5–R7.6: run.log_artifact, versions, aliases, dedup and the ARTIFACT record."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from cairn.artifacts import Artifact, query, store
from cairn.runlog import format as fmt
from tests.artifacts.conftest import blob_count, records, write


def _art(content: str, name: str = "ds", type_: str = "dataset") -> Artifact:
    art = Artifact(name, type_)
    art.add_file(write(f"src-{content}/f.txt", content), name="f.txt")
    return art


def test_r7_5_path_form_names_and_default_type(run):
    art = run.log_artifact(write("model.pt", "w"))
    assert art.name == f"run-{run.id}-model.pt:v0"
    assert art.type == "unspecified"


def test_r7_5_path_form_directory(run):
    write("data/a.txt", "a")
    art = run.log_artifact("data", name="mydata", type="dataset")
    assert art.name == "mydata:v0" and list(art.manifest.entries) == ["a.txt"]


def test_r7_5_path_form_missing_path_raises(run):
    with pytest.raises(ValueError, match="file, directory or external reference"):
        run.log_artifact("no/such/path")


def test_r7_5_latest_is_appended(run):
    art = run.log_artifact(_art("1"), aliases=["best"])
    assert art.aliases == ["best", "latest"]


def test_r7_5_string_alias_becomes_list(run):
    art = run.log_artifact(_art("1"), aliases="best")
    assert sorted(art.aliases) == ["best", "latest"]


@pytest.mark.parametrize("alias", ["a/b", "a:b"])
def test_r7_5_alias_with_slash_or_colon_raises_and_logs_nothing(run, isolated, alias):
    with pytest.raises(ValueError, match="Aliases must not contain"):
        run.log_artifact(_art("1"), aliases=[alias])
    assert store.collection_info(isolated, "p", "ds") is None


def test_r7_5_log_returns_committed_same_object(run):
    art = _art("1")
    assert run.log_artifact(art) is art
    assert art.state == "COMMITTED" and art.version == "v0"
    assert art.qualified_name == "p/ds:v0"


def test_r7_6_versions_number_in_creation_order(run):
    assert run.log_artifact(_art("1")).version == "v0"
    assert run.log_artifact(_art("2")).version == "v1"
    assert run.log_artifact(_art("3")).version == "v2"


def test_r7_6_same_digest_returns_existing_version_and_one_blob(run, isolated):
    run.log_artifact(_art("same"))
    before = blob_count(isolated)
    again = run.log_artifact(_art("same"), aliases=["again"])
    assert again.version == "v0"
    assert sorted(again.aliases) == ["again", "latest"]
    assert blob_count(isolated) == before
    assert len(store.versions(isolated, "p", "ds")) == 1


def test_r7_6_same_bytes_in_two_artifacts_share_one_blob(run, isolated):
    run.log_artifact(_art("shared", name="a1"))
    n = blob_count(isolated)
    run.log_artifact(_art("shared", name="a2"))
    # the file bytes and the (identical) manifest are each stored once
    assert blob_count(isolated) == n


def test_r7_6_latest_moves_to_newest_and_alias_is_unique(run, isolated):
    run.log_artifact(_art("1"), aliases=["best"])
    run.log_artifact(_art("2"), aliases=["best"])
    v0 = query.artifact(isolated, "p/ds:v0")
    v1 = query.artifact(isolated, "p/ds:v1")
    assert v0.aliases == [] and sorted(v1.aliases) == ["best", "latest"]


def test_r7_6_type_cannot_change_within_a_collection(run):
    run.log_artifact(_art("1"))
    with pytest.raises(ValueError, match="already exists with type"):
        run.log_artifact(_art("2", type_="model"))


def test_artifact_record_in_run_file(run, isolated):
    art = run.log_artifact(_art("1"), aliases=["best"], tags=["t1"])
    run.finish()
    rec = records(isolated, run.id, fmt.ARTIFACT)[-1]
    assert rec["name"] == "ds" and rec["version"] == 0 and rec["type"] == "dataset"
    assert rec["digest"] == art.digest and rec["aliases"] == ["best", "latest"]
    assert rec["finalize"] is True and rec["tags"] == ["t1"]
    assert os.path.exists(os.path.join(isolated, "blobs", "sha256", rec["manifest_sha256"][:2],
                                       rec["manifest_sha256"][2:]))


def test_failed_log_leaves_no_version(run, isolated):
    art = Artifact("ds", "dataset")
    art.add_file(write("f.txt", "before"), policy="immutable")
    write("f.txt", "changed!")
    with pytest.raises(ValueError, match="changed after it was added"):
        run.log_artifact(art)
    assert store.versions(isolated, "p", "ds") == []


def test_log_from_unlogged_artifact_created_before_init(isolated):
    from tests.artifacts.conftest import new_run

    art = _art("early")
    r = new_run()
    assert r.log_artifact(art).version == "v0"
    assert art.download() and open(art.file()).read() == "early"


def test_two_processes_logging_at_once_get_distinct_versions(isolated, tmp_path):
    script = textwrap.dedent("""
        import sys, cairn
        from cairn.artifacts import Artifact
        r = cairn.init(project="p", settings={"console": "off", "x_disable_stats": True})
        for i in range(5):
            a = Artifact("race", "dataset")
            with a.new_file("f.txt") as f:
                f.write(sys.argv[1] + str(i))
            r.log_artifact(a)
        r.finish()
    """)
    env = {**os.environ, "PYTHONPATH": os.getcwd() + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    procs = [subprocess.Popen([sys.executable, "-c", script, tag], env=env) for tag in ("a", "b")]
    assert [p.wait(60) for p in procs] == [0, 0]
    vs = store.versions(isolated, "p", "race")
    assert sorted(v["version"] for v in vs) == list(range(10))
    assert len({v["digest"] for v in vs}) == 10


def test_two_processes_logging_same_content_make_one_version(isolated):
    script = textwrap.dedent("""
        import cairn
        from cairn.artifacts import Artifact
        r = cairn.init(project="p", settings={"console": "off", "x_disable_stats": True})
        a = Artifact("same", "dataset")
        with a.new_file("f.txt") as f:
            f.write("identical")
        print(r.log_artifact(a).version)
        r.finish()
    """)
    env = {**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(os.path.dirname(__file__)))}
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
             for _ in range(3)]
    outs = [p.communicate(60)[0].strip().splitlines()[-1] for p in procs]
    assert outs == ["v0", "v0", "v0"]
    assert len(store.versions(isolated, "p", "same")) == 1


def test_incremental_artifact_builds_on_latest(run):
    run.log_artifact(_art("1"))
    inc = Artifact("ds", "dataset", incremental=True)
    inc.add_file(write("extra.txt", "more"))
    v1 = run.log_artifact(inc)
    assert v1.version == "v1" and sorted(v1.manifest.entries) == ["extra.txt", "f.txt"]
