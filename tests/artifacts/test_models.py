"""R7.9: log_model / use_model / link_model, with the reference's examples verbatim."""

from __future__ import annotations

import os

import pytest

from cairn.artifacts import Artifact, query
from tests.artifacts.conftest import new_run, write


@pytest.fixture
def model_dir(tmp_path):
    write(tmp_path / "local/directory/weights.bin", "w")
    write(tmp_path / "local/directory/config.json", "{}")
    return str(tmp_path / "local/directory")


@pytest.fixture
def run(isolated):
    return new_run(project="my_project", entity="my_entity")


def test_log_model_valid_example(run, model_dir, isolated):
    assert run.log_model(path=model_dir, name="my_model_artifact", aliases=["production"]) is None
    art = query.artifact(isolated, "my_project/my_model_artifact:production")
    assert art.type == "model" and sorted(art.aliases) == ["latest", "production"]


def test_log_model_invalid_example_raises_value_error(run, model_dir, isolated):
    with pytest.raises(ValueError):
        run.log_model(path=model_dir, name="my_entity/my_project/my_model_artifact", aliases=["production"])
    assert query.artifact_collections(isolated, "my_project") == []


def test_log_model_default_name(run, model_dir):
    run.log_model(model_dir)
    assert run.use_artifact(f"run-{run.id}-directory:latest").type == "model"


def test_use_model_valid_examples(run, model_dir):
    run.log_model(path=model_dir, name="my_model_artifact")
    digest = run.use_artifact("my_model_artifact:latest").digest
    for name in ("my_model_artifact:latest", "my_project/my_model_artifact:v0",
                 f"my_entity/my_project/my_model_artifact:{digest}"):
        path = run.use_model(name=name)
        assert sorted(os.listdir(path)) == ["config.json", "weights.bin"]


def test_use_model_invalid_example_raises(run, model_dir):
    run.log_model(path=model_dir, name="my_model_artifact")
    with pytest.raises(ValueError, match="version or alias"):
        run.use_model(name="my_entity/my_project/my_model_artifact")


def test_use_model_single_file_returns_the_file(run, tmp_path):
    run.log_model(write(tmp_path / "m.pt", "w"), name="single")
    assert open(run.use_model("single:latest")).read() == "w"


def test_use_model_on_non_model_type_raises_assertion(run):
    art = Artifact("data", "dataset")
    art.add_file(write("f", "1"))
    run.log_artifact(art)
    with pytest.raises(AssertionError, match="model"):
        run.use_model("data:latest")


def test_link_model_valid_example(run, model_dir, isolated):
    assert run.link_model(path=model_dir, registered_model_name="my_reg_model",
                          name="my_model_artifact", aliases=["production"]) is None
    linked = query.artifact(isolated, "model-registry/my_reg_model:production")
    assert sorted(linked.aliases) == ["latest", "production"]
    assert linked.digest == query.artifact(isolated, "my_project/my_model_artifact:latest").digest
    assert [r.name for r in query.registries(isolated)] == ["model-registry"]


def test_link_model_invalid_examples(run, model_dir):
    with pytest.raises(AssertionError):
        run.link_model(path=model_dir, registered_model_name="my_entity/my_project/my_reg_model",
                       name="my_model_artifact", aliases=["production"])
    with pytest.raises(ValueError):
        run.link_model(path=model_dir, registered_model_name="my_reg_model",
                       name="my_entity/my_project/my_model_artifact", aliases=["production"])


def test_link_model_existing_non_model_name_raises_assertion(run, model_dir):
    art = Artifact("my_data", "dataset")
    art.add_file(write("f", "1"))
    run.log_artifact(art)
    with pytest.raises(AssertionError):
        run.link_model(path=model_dir, registered_model_name="reg", name="my_data")


def test_link_model_twice_same_files_reuses_the_linked_version(run, model_dir, isolated):
    run.link_model(model_dir, "reg", name="m")
    run.link_model(model_dir, "reg", name="m", aliases=["prod"])
    versions = query.artifact_versions(isolated, "model", "model-registry/reg")
    assert [v.version for v in versions] == ["v0"] and "prod" in versions[0].aliases
