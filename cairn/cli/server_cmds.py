"""``cairn server`` and ``cairn ui``: run the HTTP API + web UI over a root with uvicorn.

Both bind 127.0.0.1 unless ``--host`` says otherwise (the API has no authentication here, so
exposing it is an explicit choice). ``cairn ui`` also opens the browser once the port answers.
``cairn/cli/main.py`` registers :data:`COMMANDS`.
"""

from __future__ import annotations

import os
import threading
import time
import urllib.request
import webbrowser
from typing import Any

import click


def _resolve_root(root: str | None) -> str:
    """``--root``, else the root ``cairn.init`` would use (``CAIRN_ROOT``, else ``cairn-data``
    under ``CAIRN_DIR``/``WANDB_DIR``/the working directory)."""
    from cairn.sdk.init import resolve_root

    return os.path.abspath(root) if root else resolve_root()


def serve(root: str | None, host: str, port: int, index_url: str | None,
          open_browser: bool = False, log_level: str = "warning") -> None:
    """Run the server in the foreground until interrupted."""
    import uvicorn

    from cairn.server.app import create_app
    from cairn.server.security import LOOPBACK_HOSTS

    root = _resolve_root(root)
    os.makedirs(root, exist_ok=True)
    loopback = host in LOOPBACK_HOSTS
    # On loopback only loopback names are answered (DNS rebinding); a server exposed on
    # purpose answers whatever name it is reached by.
    app = create_app(root, index_url=index_url, allowed_hosts=LOOPBACK_HOSTS if loopback else None)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    click.echo(f"Cairn server: {url}  (root {root})", err=True)
    if not loopback:
        click.echo("warning: the server is reachable from other machines and has no login",
                   err=True)
    if open_browser:
        threading.Thread(target=_open_when_up, args=(url,), daemon=True).start()
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False,
                            timeout_graceful_shutdown=5)
    _server(config, app.state.hub).run()


def _server(config: Any, hub: Any) -> Any:
    """uvicorn's server, ending the live event streams first when asked to stop: an open
    browser tab would otherwise hold Ctrl-C until the graceful-shutdown timeout."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame):  # noqa: ANN001 - signal handler signature
            hub.close()
            super().handle_exit(sig, frame)

    return Server(config)


def _open_when_up(url: str, timeout: float = 30.0) -> None:
    """Open ``url`` in a browser as soon as the server answers (or give up after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "api/v1/health", timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    webbrowser.open(url)


def _options(f):  # shared options of both commands
    f = click.option("--log-level", default="warning", show_default=True,
                     type=click.Choice(["critical", "error", "warning", "info", "debug"]))(f)
    f = click.option("--index-url", default=None, envvar="CAIRN_INDEX_URL",
                     help="SQLAlchemy URL of the index (default: SQLite in the root).")(f)
    f = click.option("--port", default=8765, show_default=True, type=int)(f)
    f = click.option("--host", default="127.0.0.1", show_default=True)(f)
    f = click.option("--root", default=None, help="The Cairn root (default: where cairn.init logs: $CAIRN_ROOT, else "
                          "cairn-data under $CAIRN_DIR/$WANDB_DIR/the working directory).")(f)
    return f


@click.command("server")
@_options
def server_cmd(root: str | None, host: str, port: int, index_url: str | None, log_level: str) -> None:
    """Serve the HTTP API (/api/v1) and the web UI over a root."""
    serve(root, host, port, index_url, open_browser=False, log_level=log_level)


@click.command("ui")
@_options
def ui_cmd(root: str | None, host: str, port: int, index_url: str | None, log_level: str) -> None:
    """Serve the web UI and open it in a browser."""
    serve(root, host, port, index_url, open_browser=True, log_level=log_level)


COMMANDS = [server_cmd, ui_cmd]
