"""``Api().runs()``, ``Api().projects()``: listing, filtering, ordering, pagination (R9.2, R9.8)."""

from __future__ import annotations

import pytest

import cairn


@pytest.fixture(scope="module")
def zoo(store):
    """Five runs in project ``zoo`` (one failed) and one in ``other``, logged in this order."""
    ids = {}
    ids["a"] = store.log_run("zoo", [{"acc": 0.5}], name="alpha", tags=["baseline"],
                             config={"lr": 0.1, "opt": "adam"}, summary={"score": 1})
    ids["b"] = store.log_run("zoo", [{"acc": 0.95}], name="beta", tags=["exp"],
                             config={"lr": 0.01, "opt": "sgd"}, summary={"score": 3})
    ids["c"] = store.log_run("zoo", [{"acc": 0.7}], name="gamma", config={"lr": 0.001, "opt": "sgd"},
                             exit_code=1, summary={"score": 2})
    ids["d"] = store.log_run("zoo", [], name="delta", config={"lr": 0.1, "opt": "bar"})
    ids["e"] = store.log_run("zoo", [], name="eps", config={"lr": 0.5, "opt": "foo"})
    ids["o"] = store.log_run("other", [{"x": 1}], name="omega")
    return ids


def _ids(runs) -> list[str]:
    return [r.id for r in runs]


def test_runs_of_a_project_come_oldest_first(store, zoo):
    runs = store.api().runs("zoo")
    assert _ids(runs) == [zoo[k] for k in "abcde"]


def test_runs_path_may_name_the_entity(store, zoo):
    assert _ids(store.api().runs("someone/zoo")) == [zoo[k] for k in "abcde"]


def test_runs_without_a_path_lists_every_project(store, zoo):
    assert set(_ids(store.api().runs())) == set(zoo.values())


def test_runs_order_minus_is_newest_first(store, zoo):
    assert _ids(store.api().runs("zoo", order="-created_at")) == [zoo[k] for k in "edcba"]


def test_runs_len_is_the_total_and_pages_are_lazy(store, zoo):
    runs = store.api().runs("zoo", per_page=2)
    assert len(runs) == 5
    assert runs[4].id == zoo["e"] and runs[-1].id == zoo["e"]
    assert [r.id for r in runs[1:3]] == [zoo["b"], zoo["c"]]
    assert _ids(runs) == [zoo[k] for k in "abcde"]
    with pytest.raises(IndexError):
        runs[5]


def test_filter_on_config_equality(store, zoo):
    assert _ids(store.api().runs("zoo", {"config.opt": "sgd"})) == [zoo["b"], zoo["c"]]


def test_filter_or_of_config_values(store, zoo):
    f = {"$or": [{"config.opt": "foo"}, {"config.opt": "bar"}]}
    assert _ids(store.api().runs("zoo", f)) == [zoo["d"], zoo["e"]]


def test_filter_summary_metrics_comparison(store, zoo):
    runs = store.api().runs("zoo", {"summary_metrics.acc": {"$gt": 0.6}})
    assert _ids(runs) == [zoo["b"], zoo["c"]]


def test_filter_tags_in(store, zoo):
    assert _ids(store.api().runs("zoo", {"tags": {"$in": ["baseline"]}})) == [zoo["a"]]


def test_filter_state(store, zoo):
    assert _ids(store.api().runs("zoo", {"state": "failed"})) == [zoo["c"]]


def test_filter_display_name_regex(store, zoo):
    assert _ids(store.api().runs("zoo", {"display_name": {"$regex": "amm"}})) == [zoo["c"]]


def test_order_by_summary_metric(store, zoo):
    runs = store.api().runs("zoo", {"summary_metrics.score": {"$exists": True}},
                            order="-summary_metrics.score")
    assert _ids(runs) == [zoo["b"], zoo["c"], zoo["a"]]


def test_malformed_filter_operator_is_named_in_the_error(store, zoo):
    with pytest.raises(ValueError, match=r"\$bogus"):
        store.api().runs("zoo", {"config.lr": {"$bogus": 1}})


def test_malformed_filter_field_is_named_in_the_error(store, zoo):
    with pytest.raises(ValueError, match="nosuchfield"):
        store.api().runs("zoo", {"nosuchfield": 1})


def test_results_are_cached_until_flush(store, zoo):
    api = store.api()
    first = api.runs("other")
    assert len(first) == 1
    new = store.log_run("other", [], name="late")
    assert api.runs("other") is first and len(api.runs("other")) == 1
    api.flush()
    assert _ids(api.runs("other")) == [zoo["o"], new]


def test_projects_lists_each_project_with_its_run_count(store, zoo):
    projects = {p.name: p for p in store.api().projects()}
    assert {"zoo", "other"} <= set(projects)
    assert projects["zoo"].run_count == 5


def test_project_by_name(store, zoo):
    p = store.api().project("zoo")
    assert p.name == "zoo" and [r.id for r in p.runs()] == [zoo[k] for k in "abcde"]


def test_unknown_project_raises_comm_error(store, zoo):
    with pytest.raises(cairn.CommError, match="not found"):
        store.api().project("no-such-project")


def test_entity_in_the_path_excludes_other_entities_runs(store, zoo):
    mine = store.log_run("teams", [], entity="team-a")
    theirs = store.log_run("teams", [], entity="team-b")
    api = store.api()
    assert _ids(api.runs("team-a/teams")) == [mine]
    assert _ids(api.runs("teams")) == [mine, theirs]


def test_order_by_config_value(store, zoo):
    runs = store.api().runs("zoo", order="+config.lr")
    assert _ids(runs) == [zoo["c"], zoo["b"], zoo["a"], zoo["d"], zoo["e"]]


def test_malformed_order_is_a_value_error(store, zoo):
    with pytest.raises(ValueError, match="order='sideways'.*sideways"):
        store.api().runs("zoo", order="sideways")


def test_api_as_a_context_manager_releases_its_connections(store, zoo):
    with store.api() as api:
        assert len(api.runs("zoo")) == 5
        assert api.index.engine.pool.checkedin() >= 1
    assert api.index.engine.pool.checkedin() == 0
