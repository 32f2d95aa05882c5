"""Parsing of query strings and JSON bodies into the arguments ``Index`` methods take.

Bad input raises :class:`BadRequest` with a message naming the parameter; the app turns it into
HTTP 400 ``{"error": ...}``.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request


class BadRequest(ValueError):
    """A request parameter is malformed."""


def int_param(q: Any, name: str, default: int | None = None, lo: int = 0,
              hi: int | None = None) -> int | None:
    """An integer query parameter within ``[lo, hi]``."""
    raw = q.get(name)
    if raw in (None, ""):
        return default
    try:
        v = int(raw)
    except (TypeError, ValueError):
        raise BadRequest(f"{name} must be an integer, got {raw!r}")
    if hi is None and v < lo:
        raise BadRequest(f"{name} must be at least {lo}, got {v}")
    if v < lo or (hi is not None and v > hi):
        raise BadRequest(f"{name} must be between {lo} and {hi}, got {v}")
    return v


def float_param(q: Any, name: str) -> float | None:
    """An optional float parameter."""
    raw = q.get(name)
    if raw in (None, ""):
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise BadRequest(f"{name} must be a number, got {raw!r}")


def list_param(q: Any, name: str) -> list[str]:
    """A list given as ``a,b,c``, a JSON array, or (in a body) a list."""
    raw = q.get(name)
    if raw in (None, ""):
        return []
    if isinstance(raw, list):
        return [str(x) for x in raw]
    if isinstance(raw, str) and raw.startswith("["):
        try:
            v = json.loads(raw)
        except ValueError:
            raise BadRequest(f"{name} is not a JSON array")
        return [str(x) for x in v]
    return [s for s in str(raw).split(",") if s]


def json_param(q: Any, name: str) -> dict | None:
    """A JSON object parameter (``filters``)."""
    raw = q.get(name)
    if raw in (None, ""):
        return None
    if isinstance(raw, dict):
        return raw
    try:
        v = json.loads(raw)
    except ValueError:
        raise BadRequest(f"{name} is not valid JSON")
    if not isinstance(v, dict):
        raise BadRequest(f"{name} must be a JSON object")
    return v


async def body_or_query(request: Request) -> dict:
    """Parameters from a JSON body (POST/PATCH) or else the query string."""
    if request.method in ("POST", "PATCH", "PUT"):
        try:
            body = await request.json()
        except ValueError:
            raise BadRequest("request body is not valid JSON")
        if not isinstance(body, dict):
            raise BadRequest("request body must be a JSON object")
        return body
    return dict(request.query_params)
