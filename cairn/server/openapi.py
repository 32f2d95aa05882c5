"""The OpenAPI 3.1 document of ``/api/v1`` (hand-written; ``docs/formats/http-api.md`` is the prose).

Tests check that every route the app serves is listed here, so the two cannot drift apart.
"""

from __future__ import annotations

API_VERSION = "1"


def _p(name: str, where: str = "query", typ: str = "string", desc: str = "",
       required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required or where == "path",
            "description": desc, "schema": {"type": typ}}


RUN_ID = _p("run_id", "path", desc="run id")
OK = {"200": {"description": "OK", "content": {"application/json": {}}}}
ERR = {"400": {"description": "bad parameter: {\"error\": message}"},
       "404": {"description": "unknown run or file: {\"error\": message}"},
       "500": {"description": "a server bug, named: {\"error\": message}"}}
BUCKET_PARAMS = [
    _p("run_ids", desc="comma-separated run ids or a JSON array", required=True),
    _p("keys", desc="comma-separated metric keys or a JSON array", required=True),
    _p("buckets", typ="integer", desc="number of x buckets (default 1000, max 5000)"),
    _p("x_axis", desc="_step | _runtime | _timestamp | any logged metric"),
    _p("x_min", typ="number"), _p("x_max", typ="number"),
    _p("fields", desc="subset of x,min,max,last,count to return (x always included)"),
]


def _op(summary: str, params: list | None = None, **extra: object) -> dict:
    return {"summary": summary, "parameters": params or [], "responses": {**OK, **ERR}, **extra}


PATHS: dict[str, dict] = {
    "/api/v1/health": {"get": _op("liveness and ingest status")},
    "/api/v1/projects": {"get": _op("projects with run counts")},
    "/api/v1/runs": {"get": _op("a page of runs and the total", [
        _p("project"), _p("filters", desc="JSON filter object (as Index.runs / wandb Api)"),
        _p("order", desc="+field or -field, e.g. -created_at or +summary.loss"),
        _p("limit", typ="integer"), _p("offset", typ="integer"), _p("search")])},
    "/api/v1/runs/{run_id}": {
        "get": _op("one run: state, timings, host, config, summary ...", [RUN_ID]),
        "patch": _op("edit name, notes, tags", [RUN_ID], requestBody={"content": {
            "application/json": {"schema": {"type": "object", "properties": {
                "name": {"type": "string"}, "notes": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}}}}}}}),
    },
    "/api/v1/runs/{run_id}/keys": {"get": _op("metric keys of one run", [RUN_ID])},
    "/api/v1/keys": {"get": _op("metric keys over many runs", [BUCKET_PARAMS[0]]),
                     "post": _op("metric keys over many runs (JSON body {run_ids})")},
    "/api/v1/history/buckets": {
        "get": _op("bucketed min/max/last history for many runs and keys", BUCKET_PARAMS),
        "post": _op("the same with a JSON body {run_ids, keys, buckets, x_axis, x_min, x_max}"),
    },
    "/api/v1/runs/{run_id}/history": {"get": _op("a page of raw history rows", [
        RUN_ID, _p("keys"), _p("min_step", typ="integer"), _p("max_step", typ="integer"),
        _p("limit", typ="integer")])},
    "/api/v1/runs/{run_id}/files": {"get": _op("files of the run", [RUN_ID])},
    "/api/v1/runs/{run_id}/files/{path}": {"get": _op("the bytes of one run file or media", [
        RUN_ID, _p("path", "path"), _p("download", desc="1: send as an attachment")])},
    "/api/v1/runs/{run_id}/tables/{path}": {"get": _op("a page of a logged table", [
        RUN_ID, _p("path", "path"), _p("sort"), _p("desc"), _p("offset", typ="integer"),
        _p("limit", typ="integer")])},
    "/api/v1/runs/{run_id}/alerts": {"get": _op("alerts of the run", [RUN_ID])},
    "/api/v1/runs/{run_id}/system": {"get": _op("system metrics samples", [RUN_ID])},
    "/api/v1/runs/{run_id}/console": {"get": _op("console output lines", [
        RUN_ID, _p("offset", typ="integer"), _p("limit", typ="integer")])},
    "/api/v1/events": {"get": {"summary": "server-sent events: hello, runs {run_ids}",
                               "responses": {"200": {"description": "text/event-stream"}}}},
    "/api/v1/openapi.json": {"get": _op("this document")},
}


def document() -> dict:
    """The OpenAPI document served at ``/api/v1/openapi.json``."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Cairn HTTP API", "version": API_VERSION,
                 "description": "Read and edit runs of a Cairn root; see docs/formats/http-api.md"},
        "paths": PATHS,
    }
