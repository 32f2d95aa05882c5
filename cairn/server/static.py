"""Serving the built web UI from ``cairn/server/static`` (``npm run build`` in ``web/`` puts it there).

When the build is missing, ``/`` answers with a short page saying how to build it, so a
``pip install -e .`` checkout without npm still gets a working API and a clear message.
"""

from __future__ import annotations

import html
import mimetypes
import os

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from cairn.server.jsonutil import error
from cairn.server.paths import inside

STATIC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")

MISSING = """<!doctype html><html><head><meta charset="utf-8"><title>Cairn</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>Cairn: the web UI is not built</h1>
<p>The HTTP API is running at <a href="/api/v1/projects">/api/v1</a>
(<a href="/api/v1/openapi.json">OpenAPI</a>), but <code>{dir}</code> has no
<code>index.html</code>.</p>
<p>Build the UI (needs Node.js 20 and npm):</p>
<pre>bash scripts/build_web.sh
# or: cd web &amp;&amp; npm install &amp;&amp; npm run build</pre>
<p>then reload this page.</p></body></html>"""


def static_dir() -> str:
    """The folder of the built UI: ``$CAIRN_STATIC_DIR``, else the packaged build."""
    return os.environ.get("CAIRN_STATIC_DIR") or STATIC_DIR


async def spa(request: Request) -> Response:
    """A built asset by path, else ``index.html`` (the SPA routes in the URL hash)."""
    base = os.path.realpath(static_dir())
    rel = request.path_params.get("path", "")
    if rel:
        path = os.path.realpath(os.path.join(base, rel))
        if inside(base, path) and os.path.isfile(path):
            ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
            # Hashed asset names never change content, so they may be cached forever. The test is
            # on the request path: the build folder itself may lie under a folder named assets.
            cache = "public, max-age=31536000, immutable" if rel.startswith("assets/") else "no-cache"
            return FileResponse(path, media_type=ctype, headers={"Cache-Control": cache})
        if "." in os.path.basename(rel):
            return error(404, f"no file {rel!r} in the UI build")
    index = os.path.join(base, "index.html")
    if not os.path.isfile(index):
        return HTMLResponse(MISSING.format(dir=html.escape(base)), status_code=200)
    return FileResponse(index, media_type="text/html", headers={"Cache-Control": "no-cache"})
