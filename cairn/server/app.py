"""The ASGI application: routes, error mapping, security headers and the live-ingest task."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Iterable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Mount, Route

from cairn.errors import CommError
from cairn.server import openapi, routes_files, routes_runs
from cairn.server.jsonutil import JSON, error
from cairn.server.live import Hub, Watcher, event_stream
from cairn.server.params import BadRequest
from cairn.server.security import LOOPBACK_HOSTS, AllowedHosts, SecurityHeaders
from cairn.server.static import spa

# Level 9 (Starlette's default) costs ~100 ms per MB of chart JSON on the server for a few %
# smaller bodies; on 127.0.0.1 the cheaper level gets a 100-run chart on screen sooner.
GZIP_LEVEL = 3


async def health(request: Request) -> JSON:
    """Liveness, the root served and the state of the live-ingest loop."""
    w: Watcher = request.app.state.watcher
    return JSON({"ok": True, "root": request.app.state.index.root, "ingest_ticks": w.ticks,
                 "ingest_error": w.last_error, "subscribers": request.app.state.hub.count})


async def openapi_doc(request: Request) -> JSON:
    """The OpenAPI document of ``/api/v1``."""
    return JSON(openapi.document())


async def events(request: Request) -> StreamingResponse:
    """The server-sent event stream of one client (see :func:`cairn.server.live.event_stream`)."""
    return StreamingResponse(
        event_stream(request.app.state.hub),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _bad_request(request: Request, exc: Exception) -> JSON:
    return error(400, str(exc))


async def _not_found(request: Request, exc: Exception) -> JSON:
    # str(KeyError("k")) is "'k'": name what was missing in words.
    if isinstance(exc, KeyError):
        return error(404, f"not found: {exc.args[0] if exc.args else exc}")
    return error(404, str(exc))


async def _server_error(request: Request, exc: Exception) -> JSON:
    # The API's one error shape even for a bug, naming it; uvicorn still logs the traceback.
    return error(500, f"internal error in {request.url.path}: {type(exc).__name__}: {exc}")


def create_app(root: str | None = None, index_url: str | None = None, index: Any = None,
               ingest_interval: float = 0.5, live: bool = True,
               allowed_hosts: Iterable[str] | None = LOOPBACK_HOSTS) -> Starlette:
    """Build the app over ``root`` (or an already open ``index``).

    ``live``: poll run files every ``ingest_interval`` seconds and push SSE events; tests of
    pure request handling may turn it off. ``allowed_hosts``: the ``Host`` names answered
    (loopback names by default; ``None``: any), see :class:`AllowedHosts`.
    """
    owns_index = index is None  # an index passed in stays open: its owner closes it
    if owns_index:
        from cairn.sdk.init import resolve_root
        from cairn.store.index import open_index

        index = open_index(os.path.abspath(root) if root else resolve_root(), url=index_url)
    hub = Hub()
    watcher = Watcher(index, hub, ingest_interval)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await asyncio.to_thread(watcher.prime)
        task = asyncio.create_task(watcher.run()) if live else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if owns_index:
                await asyncio.to_thread(index.close)

    api = [
        Route("/health", health),
        Route("/openapi.json", openapi_doc),
        Route("/events", events),
        *routes_runs.ROUTES,
        *routes_files.ROUTES,
        Route("/{rest:path}", routes_runs.not_found, methods=["GET", "POST", "PATCH", "PUT", "DELETE"]),
    ]
    app = Starlette(
        routes=[Mount("/api/v1", routes=api), Route("/", spa), Route("/{path:path}", spa)],
        middleware=[Middleware(SecurityHeaders), Middleware(AllowedHosts, hosts=allowed_hosts),
                    Middleware(GZipMiddleware, minimum_size=2048, compresslevel=GZIP_LEVEL)],
        exception_handlers={BadRequest: _bad_request, ValueError: _bad_request, CommError: _not_found,
                            KeyError: _not_found, FileNotFoundError: _not_found,
                            Exception: _server_error},
        lifespan=lifespan,
    )
    app.state.index = index
    app.state.hub = hub
    app.state.watcher = watcher
    return app
