"""JSON responses that a browser can parse: NaN and ±Infinity become ``null``.

Python's encoder writes ``NaN``/``Infinity`` tokens that ``JSON.parse`` rejects. Sanitising every
float of a large bucketed-history payload in Python is slow, so the fast C encoder runs first and
the slow path only runs when such a token actually appeared.
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.responses import Response


def _clean(v: Any) -> Any:
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {str(k): _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if isinstance(v, (bytes, bytearray)):
        return f"<{len(v)} bytes>"
    return v


def _default(v: Any) -> Any:
    """Last resort for values json cannot encode (numpy scalars, sets, datetimes)."""
    if hasattr(v, "item"):
        return v.item()
    if isinstance(v, (set, frozenset)):
        return list(v)
    if isinstance(v, (bytes, bytearray)):
        return f"<{len(v)} bytes>"
    return str(v)


def dumps(data: Any) -> str:
    """Encode ``data`` as strict JSON (non-finite floats become null)."""
    text = json.dumps(data, separators=(",", ":"), default=_default, allow_nan=True)
    if "NaN" in text or "Infinity" in text:
        # The token may be inside a string; re-encoding the cleaned value is always correct.
        text = json.dumps(_clean(data), separators=(",", ":"), default=_default, allow_nan=False)
    return text


class JSON(Response):
    """``application/json`` response rendered with :func:`dumps`."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")


def error(status: int, message: str) -> JSON:
    """The one error shape of the API: ``{"error": message}``."""
    return JSON({"error": message}, status_code=status)
