"""What every ``cairn`` command shares: the lazily opened ``Api`` and value formatting."""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Any

import click

from cairn.sdk.errors import CommError


@dataclass
class CliContext:
    """The global options; ``api()`` opens the root's index once, on first use."""

    root: str | None = None
    url: str | None = None
    _api: Any = field(default=None, repr=False)

    def api(self) -> Any:
        """The ``Api`` over the chosen root. Raises ``ClickException`` when there is no root
        there (a read command should not create one) or its index cannot be opened."""
        if self._api is None:
            from cairn.api import Api
            from cairn.sdk.init import resolve_root

            root = os.path.abspath(self.root) if self.root else resolve_root()
            if not os.path.isdir(root):
                raise click.ClickException(f"no Cairn root at {root} (pass --root, or set "
                                           "CAIRN_ROOT or CAIRN_DIR)")
            try:
                # no default project: a command without one means every project
                self._api = Api(overrides={"project": None}, root=root, url=self.url)
            except CommError as e:
                raise click.ClickException(str(e)) from e
        return self._api

    def close(self) -> None:
        """Close the ``Api`` if one was opened (its database connections)."""
        if self._api is not None:
            self._api.close()
            self._api = None

    def run(self, path: str) -> Any:
        """The run at ``path``; a clear CLI error when there is none."""
        try:
            return self.api().run(path)
        except (CommError, ValueError) as e:
            raise click.ClickException(str(e)) from e


def fmt_value(v: Any, width: int = 60) -> str:
    """A value for a table cell: short floats, JSON for structures, media as their type."""
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return str(v)
        return f"{v:.6g}"
    if isinstance(v, dict) and "_type" in v:
        return f"<{v['_type']}>"
    if isinstance(v, dict | list):
        s = json.dumps(v, default=str)
    else:
        s = str(v)
    return s if len(s) <= width else s[: width - 1] + "…"


def fmt_runtime(seconds: float) -> str:
    """``3723.4`` → ``1h2m3s``."""
    s = int(round(seconds or 0))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    if h:
        return f"{h}h{m}m{sec}s"
    if m:
        return f"{m}m{sec}s"
    return f"{sec}s"


STATE_STYLE = {"running": "cyan", "finished": "green", "failed": "red", "crashed": "red",
               "preempting": "yellow"}
