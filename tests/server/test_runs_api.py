"""Projects, runs, one run, edits, metric keys and history over HTTP (docs/formats/http-api.md)."""

from __future__ import annotations

import json
import math

from tests.server.conftest import XSS


def test_projects_lists_each_project_with_its_run_count(client):
    got = {p["name"]: p["run_count"] for p in client.get("/api/v1/projects").json()["projects"]}
    assert got == {"proj": 3, "other": 1}


def test_runs_filters_by_project_and_reports_the_total(client, seeded):
    body = client.get("/api/v1/runs", params={"project": "proj"}).json()
    assert body["total"] == 3
    assert {r["id"] for r in body["runs"]} == {seeded.ids[k] for k in ("alpha", "beta", "delta")}


def test_runs_accepts_mongo_style_filters_order_limit_offset(client):
    q = {"project": "proj", "filters": json.dumps({"config.lr": {"$lte": 0.2}}), "order": "-config.lr"}
    names = [r["name"] for r in client.get("/api/v1/runs", params=q).json()["runs"]]
    assert names == ["beta", "alpha"]
    page = client.get("/api/v1/runs", params={**q, "limit": 1, "offset": 1}).json()
    assert [r["name"] for r in page["runs"]] == ["alpha"] and page["total"] == 2


def test_runs_search_matches_the_display_name(client):
    body = client.get("/api/v1/runs", params={"search": "ALPH"}).json()
    assert [r["name"] for r in body["runs"]] == ["alpha"]


def test_a_malformed_filter_is_a_400_naming_the_problem(client):
    r = client.get("/api/v1/runs", params={"filters": "{not json"})
    assert r.status_code == 400 and "filters" in r.json()["error"]
    r = client.get("/api/v1/runs", params={"filters": json.dumps({"config.lr": {"$bogus": 1}})})
    assert r.status_code == 400


def test_run_detail_has_config_summary_and_state(client, seeded):
    r = client.get(f"/api/v1/runs/{seeded.ids['alpha']}").json()
    assert r["name"] == "alpha" and r["state"] == "finished"
    assert r["config"]["lr"] == 0.1 and r["tags"] == ["a"]
    assert math.isclose(r["summary"]["train/loss"], math.exp(-99 / 20))


def test_non_finite_numbers_reach_the_browser_as_null(client, seeded):
    resp = client.get(f"/api/v1/runs/{seeded.ids['alpha']}")
    assert "NaN" not in resp.text
    assert resp.json()["summary"]["weird"] is None


def test_unknown_run_is_404_and_bad_run_id_is_400(client):
    assert client.get("/api/v1/runs/nosuchrun").status_code == 404
    assert client.get("/api/v1/runs/bad%20id").status_code == 400


def test_patch_edits_name_notes_tags_and_persists(client, seeded):
    rid = seeded.ids["delta"]
    r = client.patch(f"/api/v1/runs/{rid}", json={"name": "delta-2", "notes": "n", "tags": ["x", "y"]})
    assert r.status_code == 200
    again = client.get(f"/api/v1/runs/{rid}").json()
    assert (again["name"], again["notes"], again["tags"]) == ("delta-2", "n", ["x", "y"])


def test_patch_refuses_other_fields_and_wrong_types(client, seeded):
    rid = seeded.ids["delta"]
    assert client.patch(f"/api/v1/runs/{rid}", json={"state": "failed"}).status_code == 400
    assert client.patch(f"/api/v1/runs/{rid}", json={"tags": "x"}).status_code == 400
    assert client.patch("/api/v1/runs/nosuchrun", json={"name": "z"}).status_code == 404


def test_metric_keys_of_one_and_many_runs(client, seeded):
    keys = {k["key"]: k for k in client.get(f"/api/v1/runs/{seeded.ids['alpha']}/keys").json()["keys"]}
    assert keys["train/loss"]["kind"] == "number" and keys["train/loss"]["count"] == 100
    assert keys["sample"]["kind"] == "media"
    both = client.post("/api/v1/keys", json={"run_ids": [seeded.ids["alpha"], seeded.ids["beta"]]})
    assert "train/acc" in {k["key"] for k in both.json()["keys"]}


def test_buckets_for_many_runs_in_one_request_end_at_the_last_logged_value(client, seeded):
    a, b = seeded.ids["alpha"], seeded.ids["beta"]
    body = client.post("/api/v1/history/buckets",
                       json={"run_ids": [a, b], "keys": ["train/loss"], "buckets": 10}).json()["runs"]
    assert len(body[a]["train/loss"]["x"]) <= 10
    assert body[a]["train/loss"]["x"][-1] == 99
    assert math.isclose(body[a]["train/loss"]["last"][-1], math.exp(-99 / 20))
    assert math.isclose(body[b]["train/loss"]["last"][-1], math.exp(-49 / 20))
    assert sum(body[b]["train/loss"]["count"]) == 50


def test_buckets_by_get_with_x_axis_and_range(client, seeded):
    a = seeded.ids["alpha"]
    q = {"run_ids": a, "keys": "train/loss", "buckets": 5, "x_min": 10, "x_max": 20}
    got = client.get("/api/v1/history/buckets", params=q).json()["runs"][a]["train/loss"]
    assert all(10 <= x <= 20 for x in got["x"])
    by_acc = client.get("/api/v1/history/buckets",
                        params={"run_ids": a, "keys": "train/loss", "x_axis": "train/acc"}).json()
    xs = by_acc["runs"][a]["train/loss"]["x"]
    assert 0 <= min(xs) and max(xs) <= 1.0


def test_buckets_need_run_ids_and_keys(client):
    assert client.get("/api/v1/history/buckets").status_code == 400
    assert client.get("/api/v1/history/buckets", params={"run_ids": "a", "keys": "k", "buckets": 0}).status_code == 400


def test_raw_history_pages_continue_with_next_min_step(client, seeded):
    a = seeded.ids["alpha"]
    first = client.get(f"/api/v1/runs/{a}/history", params={"keys": "_step,train/loss", "limit": 60}).json()
    assert len(first["rows"]) == 60 and first["next_min_step"] == 60
    rest = client.get(f"/api/v1/runs/{a}/history",
                      params={"keys": "_step,train/loss", "limit": 60, "min_step": 60}).json()
    assert [r["_step"] for r in first["rows"] + rest["rows"]] == list(range(100))
    assert rest["next_min_step"] is None


def test_xss_strings_come_back_verbatim_as_json_text(client, seeded):
    r = client.get(f"/api/v1/runs/{seeded.ids['gamma']}")
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["name"] == XSS


def test_alerts_system_console_answer_lists(client, seeded):
    a = seeded.ids["alpha"]
    assert isinstance(client.get(f"/api/v1/runs/{a}/alerts").json()["alerts"], list)
    assert isinstance(client.get(f"/api/v1/runs/{a}/system").json()["system"], list)
    assert isinstance(client.get(f"/api/v1/runs/{a}/console").json()["lines"], list)


def test_buckets_fields_trims_the_answer_but_always_keeps_x(client, seeded):
    a = seeded.ids["alpha"]
    q = {"run_ids": a, "keys": "train/loss", "buckets": 5, "fields": "last"}
    got = client.get("/api/v1/history/buckets", params=q).json()["runs"][a]["train/loss"]
    assert set(got) == {"x", "last"}
    q["fields"] = "last,median"
    assert client.get("/api/v1/history/buckets", params=q).status_code == 400


def test_an_out_of_range_number_is_a_400_naming_bound_and_value(client):
    r = client.get("/api/v1/runs", params={"offset": -1})
    assert r.status_code == 400 and r.json()["error"] == "offset must be at least 0, got -1"
    r = client.get("/api/v1/runs", params={"limit": 10**6})
    assert r.status_code == 400 and r.json()["error"] == "limit must be between 0 and 10000, got 1000000"
