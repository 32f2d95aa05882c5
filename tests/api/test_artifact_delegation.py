"""``Api`` artifact methods and ``Run.logged_artifacts/used_artifacts`` reach
``cairn.artifacts.query`` (R9.7)."""

from __future__ import annotations

import pytest

import cairn as wandb

pytest.importorskip("cairn.artifacts.query", reason="artifact queries land with cairn.artifacts")

QUIET = {"console": "off", "x_disable_stats": True, "silent": True}


@pytest.fixture(scope="module")
def runs(store, tmp_path_factory):
    data = tmp_path_factory.mktemp("data") / "d.txt"
    data.write_text("rows")
    producer = wandb.init(dir=store.base, project="arts", settings=QUIET)
    art = wandb.Artifact("ds", type="dataset")
    art.add_file(str(data))
    producer.log_artifact(art)
    producer.finish(quiet=True)
    consumer = wandb.init(dir=store.base, project="arts", settings=QUIET)
    consumer.use_artifact("ds:latest")
    consumer.finish(quiet=True)
    return producer.id, consumer.id


def test_api_artifact_finds_a_logged_version(store, runs):
    a = store.api().artifact("arts/ds:latest")
    assert a.type == "dataset" and a.name.startswith("ds")


def test_api_artifact_exists(store, runs):
    api = store.api()
    assert api.artifact_exists("arts/ds:v0") and not api.artifact_exists("arts/nope:v0")


def test_run_logged_and_used_artifacts(store, runs):
    producer, consumer = runs
    api = store.api()
    assert [a.type for a in api.run(producer).logged_artifacts()] == ["dataset"]
    assert [a.type for a in api.run(consumer).used_artifacts()] == ["dataset"]


def test_api_artifact_versions_and_collections(store, runs):
    api = store.api()
    assert len(api.artifact_versions("dataset", "arts/ds")) == 1
    assert [c.name for c in api.artifact_collections("arts", "dataset")] == ["ds"]
    assert api.artifact_types("arts") == ["dataset"]
