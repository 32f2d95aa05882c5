"""runs(): wandb's MongoDB-style filters, ordering, pagination, search and errors."""

from __future__ import annotations

import pytest

from .conftest import write_run


@pytest.fixture
def ten(root, index):
    for i in range(10):
        write_run(root, f"r{i}", [{"acc": i / 10}], config={"lr": i * 0.01, "opt": "adam" if i % 2 else "sgd",
                  "arch": {"depth": i % 3}}, summary={"acc": i / 10, "nested": {"v": i}},
                  tags=["even"] if i % 2 == 0 else ["odd", "x"], group="g1" if i < 5 else "g2",
                  job_type="train", name=f"run-{i}", start=1000.0 + i, exit_code=0 if i != 3 else 1)
    index.ingest()
    return index


def _ids(res):
    return [r["id"] for r in res[0]]


def test_summary_comparison_operators(ten):
    assert _ids(ten.runs(filters={"summary_metrics.acc": {"$gt": 0.65}})) == ["r7", "r8", "r9"]
    assert _ids(ten.runs(filters={"summary_metrics.acc": {"$gte": 0.7, "$lt": 0.9}})) == ["r7", "r8"]
    assert _ids(ten.runs(filters={"summary_metrics.acc": {"$lte": 0.1}})) == ["r0", "r1"]
    assert _ids(ten.runs(filters={"summary_metrics.nested.v": 4})) == ["r4"]


def test_config_fields_with_and_without_value_suffix(ten):
    assert _ids(ten.runs(filters={"config.opt": "sgd", "config.arch.depth": 0})) == ["r0", "r6"]
    assert _ids(ten.runs(filters={"config.opt.value": "sgd", "config.arch.depth.value": 0})) == ["r0", "r6"]


def test_logic_operators(ten):
    f = {"$or": [{"config.arch.depth": 2}, {"summary_metrics.acc": {"$eq": 0.0}}]}
    assert _ids(ten.runs(filters=f)) == ["r0", "r2", "r5", "r8"]
    f = {"$and": [{"group": "g1"}, {"$nor": [{"state": "failed"}, {"tags": "even"}]}]}
    assert _ids(ten.runs(filters=f)) == ["r1"]


def test_set_and_existence_operators(ten):
    assert _ids(ten.runs(filters={"tags": {"$in": ["x"]}})) == ["r1", "r3", "r5", "r7", "r9"]
    assert _ids(ten.runs(filters={"tags": {"$nin": ["odd"], "$ne": "nope"}, "group": "g1"})) == ["r0", "r2", "r4"]
    assert _ids(ten.runs(filters={"config.missing": {"$exists": False}}))[:2] == ["r0", "r1"]
    assert _ids(ten.runs(filters={"summary_metrics.nested": {"$exists": True}}, limit=1)) == ["r0"]


def test_regex_names_and_state(ten):
    assert _ids(ten.runs(filters={"display_name": {"$regex": "run-[12]$"}})) == ["r1", "r2"]
    assert _ids(ten.runs(filters={"name": "r5"})) == ["r5"]
    assert _ids(ten.runs(filters={"state": "failed"})) == ["r3"]
    assert _ids(ten.runs(filters={"job_type": "train", "id": {"$in": ["r1", "r9"]}})) == ["r1", "r9"]


def test_created_at_compares_as_iso_text_or_epoch(ten):
    assert _ids(ten.runs(filters={"created_at": {"$gte": 1008}})) == ["r8", "r9"]
    iso = ten.run("r8")["created_at"]
    assert "r9" in _ids(ten.runs(filters={"created_at": {"$gte": iso}}))


def test_order_and_pagination(ten):
    page, total = ten.runs(order="-summary_metrics.acc", limit=3, offset=2)
    assert total == 10 and [r["id"] for r in page] == ["r7", "r6", "r5"]
    assert _ids(ten.runs(order="+config.lr"))[:3] == ["r0", "r1", "r2"]
    assert _ids(ten.runs(order="-created_at"))[0] == "r9"
    assert _ids(ten.runs(order="+name"))[:2] == ["r0", "r1"]


def test_search_and_project(ten, root):
    write_run(root, "other", [], project="q")
    ten.ingest()
    assert _ids(ten.runs(search="RUN-4")) == ["r4"]
    assert _ids(ten.runs(project="q")) == ["other"]
    assert {p["name"]: p["run_count"] for p in ten.projects()} == {"p": 10, "q": 1}


@pytest.mark.parametrize("bad,word", [
    ({"summary_metrics.acc": {"$gtx": 1}}, "$gtx"),
    ({"$xor": []}, "$xor"),
    ({"bogus_field": 1}, "bogus_field"),
    ({"$or": {"a": 1}}, "$or"),
    ({"tags": {"$in": "x"}}, "$in"),
])
def test_malformed_filter_names_the_problem(ten, bad, word):
    with pytest.raises(ValueError, match=word.replace("$", r"\$")):
        ten.runs(filters=bad)


def test_unknown_order_field_is_named_as_an_order_field(ten):
    with pytest.raises(ValueError, match="unknown order field 'bogus' in '-bogus'"):
        ten.runs(order="-bogus")


def test_unknown_run_raises_comm_error(ten):
    import cairn

    with pytest.raises(cairn.CommError):
        ten.run("nope")
