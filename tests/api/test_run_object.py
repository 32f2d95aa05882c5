"""``Api().run(path)`` and the API ``Run``: lookup, attributes, edits, deletion (R9.2, R9.3, R4.11)."""

from __future__ import annotations

import re

import pytest

import cairn


@pytest.fixture(scope="module")
def logged(store):
    rid = store.log_run(
        "attrs", [{"loss": 1.0}, {"loss": 0.5}], name="named", notes="some notes",
        tags=["t1", "t2"], group="grp", job_type="train",
        config={"lr": 0.1, "layers": [1, 2], "opt": {"name": "adam", "beta": 0.9}},
        summary={"best": 7})
    return rid


@pytest.mark.parametrize("form", ["{id}", "attrs/{id}", "ent/attrs/{id}", "ent/attrs/runs/{id}",
                                  "ent/attrs:{id}", "/attrs/{id}/"])
def test_every_run_path_form_finds_the_run(store, logged, form):
    assert store.api().run(form.format(id=logged)).id == logged


def test_unknown_run_raises_comm_error_naming_the_path(store, logged):
    with pytest.raises(cairn.CommError, match=r"attrs/nosuchrun.*not found"):
        store.api().run("attrs/nosuchrun")


def test_run_in_the_wrong_project_is_not_found(store, logged):
    with pytest.raises(cairn.CommError, match="not found"):
        store.api().run(f"elsewhere/{logged}")


def test_malformed_run_path_raises_value_error(store, logged):
    with pytest.raises(ValueError, match="Invalid run path"):
        store.api().run("a/b/c/d/e")


def test_attributes_are_what_init_recorded(store, logged):
    r = store.api().run(f"attrs/{logged}")
    assert (r.name, r.display_name, r.notes, r.tags, r.group, r.job_type) == (
        "named", "named", "some notes", ["t1", "t2"], "grp", "train")
    assert r.project == "attrs" and r.entity == "" and r.path == ["", "attrs", logged]
    assert r.state == "finished" and r.lastHistoryStep == 1
    assert isinstance(r.metadata, dict) and r.url.startswith("file://") and r.url.endswith(logged)


def test_config_is_the_unwrapped_user_config(store, logged):
    r = store.api().run(logged)
    assert r.config == {"lr": 0.1, "layers": [1, 2], "opt": {"name": "adam", "beta": 0.9}}
    assert not any(k in r.config for k in ("_wandb", "wandb_version"))
    assert {k: v for k, v in r.rawconfig.items() if k in r.config} == r.config


def test_summary_is_what_the_run_ended_with(store, logged):
    r = store.api().run(logged)
    assert r.summary["loss"] == 0.5 and r.summary["best"] == 7
    assert r.summary_metrics["loss"] == 0.5 and r.summary.best == 7


def test_timestamps_are_iso_strings(store, logged):
    r = store.api().run(logged)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", r.created_at)
    assert r.heartbeat_at >= r.created_at


def test_failed_run_has_state_failed(store):
    rid = store.log_run("states", [{"x": 1}], exit_code=1)
    assert store.api().run(rid).state == "failed"


def test_update_persists_name_notes_tags_config(store):
    rid = store.log_run("edits", [{"x": 1}], name="before", config={"a": 1})
    r = store.api().run(rid)
    r.name = "after"
    r.notes = "edited"
    r.tags = ["new"]
    r.config["b"] = 2
    r.update()
    again = store.api().run(rid)
    assert (again.name, again.notes, again.tags) == ("after", "edited", ["new"])
    assert again.config == {"a": 1, "b": 2}


def test_summary_update_persists(store):
    rid = store.log_run("edits", [{"x": 1}])
    r = store.api().run(rid)
    r.summary.update({"extra": 42})
    assert store.api().run(rid).summary["extra"] == 42
    assert store.api().run(rid).summary["x"] == 1


def test_summary_item_assignment_persists_with_run_update(store):
    rid = store.log_run("edits", [{"x": 1}])
    r = store.api().run(rid)
    r.summary["note"] = "hi"
    r.update()
    assert store.api().run(rid).summary["note"] == "hi"


def test_edits_survive_a_reindex(store):
    rid = store.log_run("edits", [{"x": 1}], name="orig")
    r = store.api().run(rid)
    r.name = "renamed"
    r.update()
    api = store.api()
    api.index.reindex()
    assert api.run(rid).name == "renamed"


def test_delete_removes_the_run(store):
    rid = store.log_run("gone", [{"x": 1}])
    store.api().run(rid).delete()
    with pytest.raises(cairn.CommError, match="not found"):
        store.api().run(rid)
    assert rid not in [r.id for r in store.api().runs("gone")]


def test_api_reads_the_root_cairn_init_writes_to(store, logged, monkeypatch):
    monkeypatch.setenv("CAIRN_DIR", store.base)
    api = cairn.Api(url=store.url)
    assert api.root == store.root
    assert api.run(logged).id == logged


def test_cairn_root_names_the_root_exactly(store, logged, monkeypatch, tmp_path):
    monkeypatch.setenv("CAIRN_ROOT", store.root)
    monkeypatch.chdir(tmp_path)
    assert cairn.Api(url=store.url).run(logged).id == logged


def test_summary_key_deleted_then_updated_is_gone(store):
    rid = store.log_run("edits", [{"x": 1}], summary={"tmp": 5})
    r = store.api().run(rid)
    del r.summary["tmp"]
    r.summary.update()
    assert "tmp" not in store.api().run(rid).summary


def test_config_key_removed_then_updated_is_gone(store):
    rid = store.log_run("edits", [], config={"keep": 1, "drop": 2})
    r = store.api().run(rid)
    del r.config["drop"]
    r.update()
    assert store.api().run(rid).config == {"keep": 1}


def test_nested_config_edit_persists(store):
    rid = store.log_run("edits", [], config={"opt": {"name": "adam", "beta": 0.9}})
    r = store.api().run(rid)
    r.config["opt"]["name"] = "sgd"
    r.update()
    assert store.api().run(rid).config == {"opt": {"name": "sgd", "beta": 0.9}}
