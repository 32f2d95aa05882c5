"""Run-level API handlers: projects, runs, one run, edits, metric keys and history.

Every handler is a thin adapter: parse parameters, call one ``Index`` method in a worker thread
(the index is synchronous), return its result as JSON. Limits keep one request bounded.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from cairn.server.jsonutil import JSON, error
from cairn.server.params import (
    BadRequest,
    body_or_query,
    float_param,
    int_param,
    json_param,
    list_param,
)
from cairn.server.paths import valid_run_id

MAX_RUNS_PAGE = 10000
MAX_BUCKETS = 5000
MAX_HISTORY_PAGE = 10000
EDITABLE = ("name", "notes", "tags")
BUCKET_FIELDS = {"x", "min", "max", "last", "count"}


def index_of(request: Request) -> Any:
    """The app's :class:`~cairn.store.index.Index`."""
    return request.app.state.index


def run_id_of(request: Request) -> str:
    """The ``run_id`` path parameter, validated (400 if it could name anything but one run)."""
    rid = request.path_params["run_id"]
    if not valid_run_id(rid):
        raise BadRequest(f"invalid run id {rid!r}")
    return rid


async def projects(request: Request) -> JSON:
    """Every project of the root with its run count."""
    return JSON({"projects": await run_in_threadpool(index_of(request).projects)})


async def runs(request: Request) -> JSON:
    """One page of the runs matching project, filters and search, in ``order``, and the total."""
    q = request.query_params
    page, total = await run_in_threadpool(
        index_of(request).runs,
        project=q.get("project") or None,
        filters=json_param(q, "filters"),
        order=q.get("order") or "+created_at",
        limit=int_param(q, "limit", 1000, 0, MAX_RUNS_PAGE),
        offset=int_param(q, "offset", 0) or 0,
        search=q.get("search") or None,
    )
    return JSON({"runs": page, "total": total})


async def run(request: Request) -> JSON:
    """One run."""
    rid = run_id_of(request)
    return JSON(await run_in_threadpool(index_of(request).run, rid))


async def patch_run(request: Request) -> JSON:
    """Edit name, notes or tags (through ``Index.update_run``); answer the updated run."""
    rid = run_id_of(request)
    body = await body_or_query(request)
    fields = {k: body[k] for k in EDITABLE if k in body}
    unknown = sorted(set(body) - set(EDITABLE))
    if unknown:
        raise BadRequest(f"cannot edit {', '.join(unknown)}; editable: {', '.join(EDITABLE)}")
    if "tags" in fields and not (
        isinstance(fields["tags"], list) and all(isinstance(t, str) for t in fields["tags"])
    ):
        raise BadRequest("tags must be a list of strings")
    for k in ("name", "notes"):
        if k in fields and not isinstance(fields[k], str):
            raise BadRequest(f"{k} must be a string")
    idx = index_of(request)
    await run_in_threadpool(idx.run, rid)  # 404 before writing anything
    await run_in_threadpool(lambda: idx.update_run(rid, **fields))
    return JSON(await run_in_threadpool(idx.run, rid))


async def metric_keys(request: Request) -> JSON:
    """The metric keys of one run (path) or of many (``run_ids``)."""
    q = await body_or_query(request)
    ids = list_param(q, "run_ids")
    if "run_id" in request.path_params:
        ids = [run_id_of(request)]
    if not ids:
        raise BadRequest("run_ids is required")
    return JSON({"keys": await run_in_threadpool(index_of(request).metric_keys, ids)})


async def history_buckets(request: Request) -> JSON:
    """Bucketed min/max/last for many runs and keys at once (the chart endpoint)."""
    q = await body_or_query(request)
    ids, keys = list_param(q, "run_ids"), list_param(q, "keys")
    if not ids or not keys:
        raise BadRequest("run_ids and keys are required")
    result = await run_in_threadpool(
        index_of(request).history_buckets,
        ids,
        keys,
        buckets=int_param(q, "buckets", 1000, 1, MAX_BUCKETS),
        x_axis=str(q.get("x_axis") or "_step"),
        x_min=float_param(q, "x_min"),
        x_max=float_param(q, "x_max"),
    )
    fields = set(list_param(q, "fields"))
    if fields:
        # Callers that draw no min/max band (many runs in one chart) skip those arrays: the
        # answer shrinks by ~40%, and with it encoding, transfer and parsing.
        unknown = fields - BUCKET_FIELDS
        if unknown:
            raise BadRequest(f"unknown fields {sorted(unknown)}; known: {sorted(BUCKET_FIELDS)}")
        result = {rid: {k: {f: v for f, v in b.items() if f in fields or f == "x"}
                        for k, b in keys_.items()} for rid, keys_ in result.items()}
    return JSON({"runs": result})


async def history(request: Request) -> JSON:
    """One page of raw history rows; ``next_min_step`` continues it (null at the end)."""
    rid = run_id_of(request)
    q = request.query_params
    keys = list_param(q, "keys") or None
    limit = int_param(q, "limit", 1000, 1, MAX_HISTORY_PAGE)
    assert limit is not None  # it has a default
    min_step, max_step = int_param(q, "min_step", None, -(2**62)), int_param(q, "max_step", None, -(2**62))

    def page() -> tuple[list, int | None]:
        rows: list = []
        it = index_of(request).history_rows(
            rid, keys=keys, min_step=min_step, max_step=max_step, page_size=min(limit + 1, 10000)
        )
        for row in it:
            if len(rows) == limit:
                return rows, row.get("_step")
            rows.append(row)
        return rows, None

    rows, nxt = await run_in_threadpool(page)
    return JSON({"rows": rows, "next_min_step": nxt})


def _simple(method: str, key: str) -> Any:
    """A handler answering ``{key: index.<method>(run_id)}``."""
    async def handler(request: Request) -> JSON:
        rid = run_id_of(request)
        idx = index_of(request)
        return JSON({key: await run_in_threadpool(getattr(idx, method), rid)})

    handler.__name__ = method
    return handler


async def console(request: Request) -> JSON:
    """A page of the run's console lines."""
    rid = run_id_of(request)
    q = request.query_params
    off = int_param(q, "offset", 0) or 0
    lim = int_param(q, "limit", 1000, 1, 10000) or 1000
    lines = await run_in_threadpool(index_of(request).console, rid, off, lim)
    return JSON({"lines": lines, "offset": off})


async def not_found(request: Request) -> JSON:
    """The JSON 404 of any path under ``/api/v1`` that no route serves."""
    return error(404, f"no API route {request.url.path}")


ROUTES = [
    Route("/projects", projects),
    Route("/runs", runs),
    Route("/runs/{run_id}", run, methods=["GET"]),
    Route("/runs/{run_id}", patch_run, methods=["PATCH"]),
    Route("/runs/{run_id}/keys", metric_keys),
    Route("/runs/{run_id}/history", history),
    Route("/runs/{run_id}/alerts", _simple("alerts", "alerts")),
    Route("/runs/{run_id}/system", _simple("system_metrics", "system")),
    Route("/runs/{run_id}/files", _simple("files", "files")),
    Route("/runs/{run_id}/console", console),
    Route("/keys", metric_keys, methods=["GET", "POST"]),
    Route("/history/buckets", history_buckets, methods=["GET", "POST"]),
]
