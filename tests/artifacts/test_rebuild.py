"""The collection store is a view: rebuilt from run files and blobs it answers the same."""

from __future__ import annotations

import os
import shutil

from cairn.artifacts import Artifact, query
from cairn.artifacts.rebuild import rebuild
from tests.artifacts.conftest import new_run, write


def _snapshot(root):
    out = {}
    for c in query.artifact_collections(root, None):
        for a in c.versions():
            out[f"{c.project}/{a.name}"] = (a.type, a.digest, sorted(a.aliases), sorted(a.manifest.entries),
                                            a.logged_by().id, sorted(r.id for r in a.used_by()))
    return out


def test_store_is_rebuilt_from_run_files(isolated):
    producer = new_run()
    for i in range(3):
        a = Artifact("ds", "dataset")
        a.add_file(write(f"s{i}/f.txt", str(i)), name="f.txt")
        producer.log_artifact(a, aliases=["best"] if i == 1 else None)
    again = Artifact("ds", "dataset")
    again.add_file(write("s0/f.txt", "0"), name="f.txt")
    producer.log_artifact(again, aliases=["old"])  # dedup: v0 gets "old" and "latest"
    producer.link_artifact(query.artifact(isolated, "p/ds:v2"), "reg/coll", aliases=["prod"])
    producer.finish()
    consumer = new_run()
    consumer.use_artifact("ds:best", aliases=["picked"])
    consumer.finish()
    before = _snapshot(isolated)
    shutil.rmtree(os.path.join(isolated, "artifacts"))
    counts = rebuild(isolated)
    assert counts["skipped"] == 0 and counts["links"] == 1
    assert _snapshot(isolated) == before


def test_rebuild_on_intact_store_changes_nothing(isolated):
    r = new_run()
    a = Artifact("ds", "dataset")
    a.add_file(write("f.txt", "x"))
    r.log_artifact(a)
    r.finish()
    before = _snapshot(isolated)
    rebuild(isolated)
    assert _snapshot(isolated) == before


def test_edits_and_deletes_survive_a_rebuild(isolated):
    producer = new_run()
    for i in range(3):
        a = Artifact("ds", "dataset")
        a.add_file(write(f"s{i}/f.txt", str(i)), name="f.txt")
        producer.log_artifact(a)
    v0 = query.artifact(isolated, "p/ds:v0")
    v0.description = "edited while the run is live"
    v0.aliases.append("gold")
    v0.save()  # through the live run's writer
    producer.finish()
    query.artifact(isolated, "p/ds:v1").delete()  # no run active: appended to the run file
    other = new_run()  # another run active: still recorded in the logging run's file
    v2 = query.artifact(isolated, "p/ds:v2")
    v2.metadata = {"k": 1}
    v2.aliases = ["latest"]
    v2.save()
    other.finish()
    before = _snapshot(isolated)
    assert "p/ds:v1" not in before
    shutil.rmtree(os.path.join(isolated, "artifacts"))
    counts = rebuild(isolated)
    assert counts["skipped"] == 0 and counts["deletes"] == 1 and counts["edits"] == 2
    assert _snapshot(isolated) == before
    assert query.artifact(isolated, "p/ds:gold").description == "edited while the run is live"
    assert query.artifact(isolated, "p/ds:v2").metadata == {"k": 1}
    assert [a.version for a in query.artifact_collections(isolated, None)[0].versions()] == ["v0", "v2"]
    # edit records are not versions the run logged
    assert [a.version for a in query.logged_artifacts(isolated, producer.id)] == ["v0", "v2"]
    rebuild(isolated)  # replaying again onto the rebuilt store changes nothing
    assert _snapshot(isolated) == before
