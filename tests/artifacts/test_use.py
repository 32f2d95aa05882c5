"""R7.7–R7.8: use_artifact name forms, types, lineage both ways."""

from __future__ import annotations

import pytest

from cairn.artifacts import Artifact, query
from cairn.runlog import format as fmt
from cairn.sdk.errors import CommError
from tests.artifacts.conftest import new_run, records, write


def _log(run, content="1", name="ds", aliases=None):
    art = Artifact(name, "dataset")
    art.add_file(write(f"src-{content}/f.txt", content), name="f.txt")
    return run.log_artifact(art, aliases=aliases)


@pytest.mark.parametrize("ref,version", [
    ("ds", "v1"), ("ds:latest", "v1"), ("ds:v0", "v0"), ("ds:best", "v0"),
    ("p/ds:v0", "v0"), ("ent/p/ds:best", "v0"),
])
def test_r7_7_name_forms(run, ref, version):
    _log(run, "1", aliases=["best"])
    _log(run, "2")
    assert run.use_artifact(ref).version == version


def test_r7_7_digest_form(run):
    a = _log(run, "1")
    _log(run, "2")
    assert run.use_artifact(f"ds:{a.digest}").version == "v0"


def test_r7_7_more_than_three_parts_raises(run):
    with pytest.raises(ValueError, match="at most 3 path parts"):
        run.use_artifact("a/b/c/ds:latest")


def test_r7_7_type_mismatch_raises(run):
    _log(run)
    with pytest.raises(ValueError, match="does not match type"):
        run.use_artifact("ds:latest", type="model")


def test_r7_7_unknown_name_raises_comm_error(run):
    with pytest.raises(CommError, match="not found"):
        run.use_artifact("nope:latest")


def test_r7_7_unlogged_artifact_is_logged_first(run):
    art = Artifact("fresh", "dataset")
    art.add_file(write("f.txt", "x"))
    used = run.use_artifact(art)
    assert used.version == "v0" and used.state == "COMMITTED"


def test_r7_7_use_artifact_works_locally_without_type_error(isolated):
    r = new_run(mode="offline")
    _log(r)
    assert r.use_artifact("ds:latest").name == "ds:v0"


def test_use_artifact_record_and_aliases(run, isolated):
    _log(run)
    run.use_artifact("ds:v0", aliases=["picked"], use_as="train")
    run.finish()
    rec = records(isolated, run.id, fmt.USE_ARTIFACT)[-1]
    assert (rec["name"], rec["version"], rec["use_as"]) == ("ds", 0, "train")
    assert "picked" in query.artifact(isolated, "p/ds:v0").aliases


def test_lineage_queryable_both_ways(isolated):
    producer = new_run()
    art = _log(producer)
    producer.finish()
    consumer = new_run()
    consumer.use_artifact("ds:latest")
    consumer.finish()
    v0 = query.artifact(isolated, "p/ds:v0")
    assert v0.logged_by().id == producer.id
    assert [r.id for r in v0.used_by()] == [consumer.id]
    assert [a.name for a in query.logged_artifacts(isolated, producer.id)] == [art.name]
    assert [a.name for a in query.used_artifacts(isolated, consumer.id)] == ["ds:v0"]


def test_config_value_artifact_triggers_use(run, isolated):
    _log(run)
    art = query.artifact(isolated, "p/ds:latest")
    run.config.update({"data": art})
    run.finish()
    assert records(isolated, run.id, fmt.USE_ARTIFACT)
