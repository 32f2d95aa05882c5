"""File bytes and tables of a run: ``/runs/{id}/files/{path}`` and ``/runs/{id}/tables/{path}``.

A path is looked up first in the run's files folder, then (by name) among the run's indexed
files, whose bytes live in content-addressed blobs. Both lookups go through
:mod:`cairn.server.paths`, so nothing outside the root is ever read. Active content (HTML, SVG)
is sent with a ``sandbox`` CSP so that opening it directly cannot script the UI's origin.
"""

from __future__ import annotations

import json
import mimetypes
import os
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from cairn.server.jsonutil import JSON, error
from cairn.server.params import BadRequest, int_param
from cairn.server.paths import blob_file, run_file
from cairn.server.routes_runs import index_of, run_id_of

ACTIVE = {"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml"}
# Media types the SDK writes, fixed here because the platform's mimetypes tables differ (Python
# guesses "audio/x-wav" for .wav, and some systems know no .flac or .webm at all).
MEDIA_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".flac": "audio/flac",
               ".gif": "image/gif", ".mp4": "video/mp4", ".webm": "video/webm", ".png": "image/png",
               ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
# A logged script sent as JavaScript would satisfy the UI's ``script-src 'self'``: any markup
# injection would then run it. Sent as text (with nosniff) it can be read, never executed.
SCRIPT_TYPES = {"text/javascript", "application/javascript", "application/x-javascript",
                "text/ecmascript", "application/ecmascript"}
MAX_TABLE_BYTES = 256 << 20


def locate(request: Request, rid: str, rel: str) -> str | None:
    """The on-disk path of run file ``rel`` (files folder, else its blob), or ``None``."""
    root = index_of(request).root
    path = run_file(root, rid, rel)
    if path is not None:
        return path
    try:
        entries = index_of(request).files(rid)
    except Exception:  # an unknown run: same answer as an unknown file
        return None
    norm = rel.lstrip("/")
    for e in entries:
        if e.get("name") == norm:
            return blob_file(root, e.get("sha256"))
    return None


async def file_bytes(request: Request) -> Response:
    """The bytes of one run file; active content is sandboxed, ``?download=1`` attaches it."""
    rid = run_id_of(request)
    rel = request.path_params["path"]
    path = await run_in_threadpool(locate, request, rid, rel)
    if path is None:
        return error(404, f"no file {rel!r} in run {rid}")
    ctype = content_type(rel)
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
    if ctype in ACTIVE:
        headers["Content-Security-Policy"] = "sandbox allow-scripts"
    if request.query_params.get("download"):
        return FileResponse(path, media_type=ctype, headers=headers,
                            filename=os.path.basename(rel))
    return FileResponse(path, media_type=ctype, headers=headers)


def content_type(rel: str) -> str:
    """The Content-Type of run file ``rel``: known media types first, then a guess; scripts
    are sent as ``text/plain``."""
    ext = os.path.splitext(rel)[1].lower()
    ctype = MEDIA_TYPES.get(ext) or mimetypes.guess_type(rel)[0] or "application/octet-stream"
    return "text/plain" if ctype in SCRIPT_TYPES else ctype


def _sort_key(v: Any) -> tuple:
    """Order mixed cells: numbers, then strings, then everything else (as text).

    A media cell sorts by its caption (else its file path), as the UI shows the caption.
    """
    if isinstance(v, dict) and isinstance(v.get("_type"), str):
        return (1, str(v.get("caption") or v.get("path") or ""))
    if isinstance(v, bool) or v is None:
        return (2, str(v))
    if isinstance(v, (int, float)):
        return (0, v)
    if isinstance(v, str):
        return (1, v)
    return (2, json.dumps(v, default=str))


def load_table(path: str) -> dict:
    """Read a table-file JSON (``{"columns": [...], "data": [[...]]}``)."""
    if os.path.getsize(path) > MAX_TABLE_BYTES:
        raise BadRequest("table file is too large to page here; download it instead")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict) or not isinstance(data.get("columns"), list):
        raise BadRequest("not a table file (no columns)")
    return data


def with_media_cells(data: dict) -> list:
    """The table's rows with each cell listed in ``media_cells`` replaced by its descriptor.

    Cairn's table files keep wandb's ``data`` (media cells as class names) and list the media
    files separately; merging them here, before sorting and paging, keeps each descriptor in
    its row whatever the order asked for.
    """
    rows = data.get("data") or []
    cells = data.get("media_cells")
    if not isinstance(cells, list) or not cells:
        return rows
    rows = [list(r) if isinstance(r, list) else r for r in rows]
    for cell in cells:
        if not (isinstance(cell, list) and len(cell) == 3 and isinstance(cell[2], dict)):
            continue
        r, c, desc = cell
        if isinstance(r, int) and isinstance(c, int) and 0 <= r < len(rows) and isinstance(rows[r], list) \
                and 0 <= c < len(rows[r]):
            rows[r][c] = desc
    return rows


async def table(request: Request) -> Response:
    """A page of a logged table, optionally sorted by one column."""
    rid = run_id_of(request)
    rel = request.path_params["path"]
    q = request.query_params
    path = await run_in_threadpool(locate, request, rid, rel)
    if path is None:
        return error(404, f"no table {rel!r} in run {rid}")
    try:
        data = await run_in_threadpool(load_table, path)
    except ValueError as e:  # BadRequest, bad JSON or bad UTF-8: say which file
        raise BadRequest(f"table {rel!r} of run {rid}: {e}") from e
    columns = [str(c) for c in data["columns"]]
    rows = with_media_cells(data)
    sort = q.get("sort")
    if sort:
        if sort not in columns:
            raise BadRequest(f"no column {sort!r}")
        i = columns.index(sort)
        rows = sorted(rows, key=lambda r: _sort_key(r[i] if i < len(r) else None),
                      reverse=q.get("desc") in ("1", "true"))
    off = int_param(q, "offset", 0) or 0
    lim = int_param(q, "limit", 100, 1, 10000) or 100
    return JSON({"columns": columns, "rows": rows[off:off + lim], "total": len(rows),
                 "offset": off})


ROUTES = [
    Route("/runs/{run_id}/files/{path:path}", file_bytes),
    Route("/runs/{run_id}/tables/{path:path}", table),
]
