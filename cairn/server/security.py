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

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
