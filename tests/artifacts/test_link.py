"""R7.9 link_artifact: portfolio / registry collections, latest always applied, the record."""

from __future__ import annotations

import pytest

from cairn.artifacts import Artifact, query
from cairn.runlog import format as fmt
from tests.artifacts.conftest import records, write


def _art(content="1", name="m", type_="model"):
    a = Artifact(name, type_)
    a.add_file(write(f"src-{content}/f", content), name="f")
    return a


@pytest.mark.parametrize("target,project", [
    ("portfolio", "p"), ("registry/portfolio", "registry"), ("ent/registry/portfolio", "registry"),
])
def test_link_target_forms(run, isolated, target, project):
    art = run.log_artifact(_art())
    run.link_artifact(art, target)
    linked = query.artifact(isolated, f"{project}/portfolio:latest")
    assert linked.digest == art.digest and linked.source_name == "m:v0"


def test_link_applies_latest_and_given_aliases(run, isolated):
    run.link_artifact(run.log_artifact(_art()), "reg/coll", aliases=["staging"])
    assert sorted(query.artifact(isolated, "reg/coll:v0").aliases) == ["latest", "staging"]


def test_link_unlogged_artifact_logs_it_first(run, isolated):
    art = _art()
    run.link_artifact(art, "reg/coll")
    assert art.version == "v0" and query.artifact_exists(isolated, "p/m:v0")


def test_link_latest_moves_with_each_new_link(run, isolated):
    run.link_artifact(run.log_artifact(_art("1")), "reg/coll")
    run.link_artifact(run.log_artifact(_art("2")), "reg/coll")
    assert query.artifact(isolated, "reg/coll:latest").version == "v1"


def test_link_record_in_run_file(run, isolated):
    run.link_artifact(run.log_artifact(_art()), "reg/coll", aliases=["x"])
    run.finish()
    rec = records(isolated, run.id, fmt.LINK_ARTIFACT)[-1]
    assert rec["source"]["name"] == "m" and rec["target"] == {
        "entity": "", "project": "reg", "name": "coll", "version": 0}
    assert rec["aliases"] == ["x", "latest"]


def test_link_bad_target_raises(run):
    art = run.log_artifact(_art())
    with pytest.raises(ValueError):
        run.link_artifact(art, "a/b/c/d")
    with pytest.raises(ValueError):
        run.link_artifact(art, "reg/bad name")


def test_artifact_link_method(run, isolated):
    art = run.log_artifact(_art())
    art.link("reg/coll2", aliases=["a"])
    assert "a" in query.artifact(isolated, "reg/coll2:v0").aliases
