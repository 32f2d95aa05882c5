"""The Cairn HTTP server: a JSON API under ``/api/v1`` and the web UI, over one :class:`Index`.

``create_app(root)`` builds the ASGI app; ``cairn server`` (``cairn/cli/server_cmds.py``) and
``python -m cairn.server`` run it with uvicorn. The server never writes run files itself except
through ``Index.update_run`` (which appends to the run file first), and never serves a byte from
outside its root. The API is documented in ``docs/formats/http-api.md``.
"""

from cairn.server.app import create_app

__all__ = ["create_app"]
