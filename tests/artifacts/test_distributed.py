"""R7.10: upsert_artifact / finish_artifact across processes of one group."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from cairn.artifacts import Artifact, query, store
from cairn.runlog import format as fmt
from tests.artifacts.conftest import new_run, records, write

WORKER = textwrap.dedent("""
    import sys, cairn
    from cairn.artifacts import Artifact
    r = cairn.init(project="p", group="g", settings={"console": "off", "x_disable_stats": True})
    a = Artifact("shards", "dataset")
    with a.new_file(f"shard-{sys.argv[1]}.txt") as f:
        f.write("data " + sys.argv[1])
    r.upsert_artifact(a)
    r.finish()
""")


def _env():
    return {**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(os.path.dirname(__file__)))}


def test_r7_10_two_processes_upsert_into_one_version(isolated):
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(i)], env=_env()) for i in (0, 1)]
    assert [p.wait(60) for p in procs] == [0, 0]
    assert store.versions(isolated, "p", "shards") == []  # nothing committed before finish
    r = new_run(group="g")
    art = r.finish_artifact(Artifact("shards", "dataset"))
    assert art.version == "v0"
    assert sorted(art.manifest.entries) == ["shard-0.txt", "shard-1.txt"]
    root = art.download()
    assert open(os.path.join(root, "shard-1.txt")).read() == "data 1"


def test_r7_10_later_upserts_start_the_next_version(isolated):
    r = new_run(group="g")
    a = Artifact("d", "dataset")
    a.add_file(write("x.txt", "1"))
    r.upsert_artifact(a)
    assert r.finish_artifact(Artifact("d", "dataset")).version == "v0"
    b = Artifact("d", "dataset")
    b.add_file(write("y.txt", "2"))
    r.upsert_artifact(b)
    v1 = r.finish_artifact(Artifact("d", "dataset"))
    assert v1.version == "v1" and list(v1.manifest.entries) == ["y.txt"]


def test_r7_10_records_carry_finalize_flags(isolated):
    r = new_run()
    a = Artifact("d", "dataset")
    a.add_file(write("x.txt", "1"))
    r.upsert_artifact(a, distributed_id="job-7")
    r.finish_artifact(Artifact("d", "dataset"), distributed_id="job-7")
    r.finish()
    recs = records(isolated, r.id, fmt.ARTIFACT)
    assert [(x["finalize"], x["distributed_id"]) for x in recs] == [(False, "job-7"), (True, "job-7")]


def test_r7_10_upsert_is_pending_until_finish(isolated):
    r = new_run(group="g")
    a = Artifact("d", "dataset")
    a.add_file(write("x.txt", "1"))
    assert r.upsert_artifact(a).state == "PENDING"
    assert not query.artifact_exists(isolated, "p/d:latest")


@pytest.mark.parametrize("method", ["upsert_artifact", "finish_artifact"])
def test_r7_10_no_group_and_no_distributed_id_raises_type_error(run, method):
    a = Artifact("d", "dataset")
    with pytest.raises(TypeError, match="group or distributed_id"):
        getattr(run, method)(a)
