"""A real uvicorn server on a free 127.0.0.1 port (in a thread) and a tiny stdlib HTTP client,
so the API tests go through real sockets, headers and encodings like a browser's requests."""

from __future__ import annotations

import http.client
import json as jsonlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import uvicorn


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Response:
    status_code: int
    headers: dict
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return jsonlib.loads(self.content)


class Client:
    """Requests against ``127.0.0.1:port``; ``raw_path`` is sent exactly as given."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(self, method: str, path: str, params: dict | None = None, json: Any = None,
                headers: dict | None = None) -> Response:
        if params:
            path += "?" + urllib.parse.urlencode(params)
        body = None if json is None else jsonlib.dumps(json).encode()
        hdrs = dict(headers or {})
        if body is not None:
            hdrs["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Response:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> Response:
        return self.request("PATCH", path, **kw)


class ThreadServer:
    """uvicorn serving ``app`` in a daemon thread until :meth:`stop`."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self, timeout: float = 30.0) -> Client:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return Client(self.port)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def start_server_process(root: str, log_path: str | None = None,
                         timeout: float = 30.0) -> tuple[subprocess.Popen, str]:
    """Run ``python -m cairn.server`` over ``root`` on a free port (its output to ``log_path``,
    else discarded); return the process and its URL once ``/api/v1/health`` answers."""
    port = free_port()
    cmd = [sys.executable, "-m", "cairn.server", "--root", root, "--port", str(port)]
    if log_path is None:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        with open(log_path, "wb") as log:  # the child keeps its own descriptor
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url + "/api/v1/health", timeout=1).read()
            return proc, url
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                proc.wait()
                detail = ""
                if log_path is not None and os.path.exists(log_path):
                    with open(log_path, encoding="utf-8", errors="replace") as f:
                        detail = ": " + f.read()
                raise RuntimeError("cairn server did not start" + detail) from None
            time.sleep(0.1)


def stop_server_process(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """Stop a server from :func:`start_server_process`: SIGTERM, then SIGKILL after ``timeout``."""
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
