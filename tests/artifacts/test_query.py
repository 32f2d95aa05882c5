"""R9.7: the artifact queries cairn.Api delegates to (root or Api-like object first)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cairn.artifacts import Artifact, query
from cairn.sdk.errors import CommError
from tests.artifacts.conftest import write


def _log(run, name, type_, content):
    a = Artifact(name, type_)
    a.add_file(write(f"src-{name}-{content}/f", content), name="f")
    return run.log_artifact(a)


@pytest.fixture
def populated(run, isolated):
    _log(run, "ds", "dataset", "1")
    _log(run, "ds", "dataset", "2")
    _log(run, "m", "model", "3")
    run.finish()
    return isolated


def test_artifact_by_name_and_type(populated):
    assert query.artifact(populated, "p/ds:v1").version == "v1"
    with pytest.raises(ValueError):
        query.artifact(populated, "p/ds:v1", type="model")


def test_artifact_without_project_finds_the_only_match(populated):
    assert query.artifact(populated, "m:latest").type == "model"


def test_api_object_default_project(populated):
    api = SimpleNamespace(root=populated, settings={"project": "p"})
    assert query.artifact(api, "ds").version == "v1"


def test_artifact_versions_and_artifacts(populated):
    assert [a.version for a in query.artifact_versions(populated, "dataset", "p/ds")] == ["v0", "v1"]
    assert len(query.artifacts(populated, "dataset", "p/ds")) == 2


def test_artifact_collections_by_type(populated):
    names = [c.name for c in query.artifact_collections(populated, "p", "dataset")]
    assert names == ["ds"]
    assert len(query.artifact_collections(populated, "p")) == 2


def test_artifact_exists(populated):
    assert query.artifact_exists(populated, "p/ds:v0")
    assert not query.artifact_exists(populated, "p/ds:v9")
    assert not query.artifact_exists(populated, "p/ds:v0", type="model")


def test_unknown_artifact_raises_comm_error(populated):
    with pytest.raises(CommError):
        query.artifact(populated, "p/nothing:latest")


def test_referenced_blobs_cover_every_entry(populated):
    refs = query.referenced_blobs(populated)
    for a in query.artifact_versions(populated, "dataset", "p/ds"):
        assert a.get_entry("f").sha256 in refs


def test_registries_empty_without_links(populated):
    assert query.registries(populated) == []


def test_cairn_api_delegates_here(populated):
    import cairn

    api = cairn.Api(root=populated)
    assert api.artifact("p/ds:v0").version == "v0"
    assert api.artifact_exists("p/m:latest")
    assert [a.version for a in api.artifact_versions("dataset", "p/ds")] == ["v0", "v1"]
