"""Security headers on every response: a strict Content-Security-Policy and friends.

The UI renders every user string as text; the CSP is the second line of defence (no inline
script, no foreign origins). The custom-chart frame runs Vega, which compiles expressions with
``Function``, so that one page gets ``'unsafe-eval'`` -- it is only ever loaded in an
``<iframe sandbox="allow-scripts">`` (an opaque origin with no access to the UI or the API's
cookies). Responses that set their own CSP (sandboxed file downloads) keep it.

A sandboxed frame has an opaque origin, so its module scripts are cross-origin CORS loads: the
built ``/assets/`` (public code, no user data) are sent with ``Access-Control-Allow-Origin: *``,
while API answers carry ``Cross-Origin-Resource-Policy: same-origin``.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cairn.server.jsonutil import error

UI_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)
FRAME_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; base-uri 'none'; frame-ancestors 'self'"
)
FRAME_PATH = "/chart-frame.html"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class SecurityHeaders:
    """ASGI middleware adding CSP, nosniff, referrer and framing headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        csp = FRAME_CSP if path == FRAME_PATH else UI_CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", csp.encode()))
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                if path.startswith("/api/"):
                    headers.append((b"cross-origin-resource-policy", b"same-origin"))
                elif path.startswith("/assets/"):
                    headers.append((b"access-control-allow-origin", b"*"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def host_name(host_header: str) -> str:
    """The name in a ``Host`` header, without port or IPv6 brackets, lower-cased."""
    h = host_header.strip().lower()
    if h.startswith("["):
        return h[1:h.find("]")] if "]" in h else h[1:]
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


class AllowedHosts:
    """ASGI middleware answering 400 to a ``Host`` header not in ``hosts``.

    A server on 127.0.0.1 without login is still reachable by any web page through DNS
    rebinding (a foreign name resolving to 127.0.0.1 makes the page "same-origin" with the
    API); checking the name the browser asked for closes that door. ``hosts=None`` lets any
    name through (a server deliberately bound to another interface).
    """

    def __init__(self, app: ASGIApp, hosts: Iterable[str] | None = LOOPBACK_HOSTS) -> None:
        self.app = app
        self.hosts = None if hosts is None else {h.lower() for h in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.hosts is not None and scope["type"] in ("http", "websocket"):
            name = host_name(Headers(scope=scope).get("host", ""))
            if name not in self.hosts:
                allowed = ", ".join(sorted(self.hosts))
                resp = error(400, f"host {name!r} is not served here (allowed: {allowed}); "
                                  "start the server with --host to serve other names")
                await resp(scope, receive, send)
                return
        await self.app(scope, receive, send)
