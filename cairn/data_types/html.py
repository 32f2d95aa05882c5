"""``Html``: an HTML page to log (R6.12), stored as ``media/html/<key>_<step>_<hash>.html``.

With ``inject=True`` (the default) a ``<base target="_blank">`` tag is put in the page's
head so links open outside the panel that shows it. No external stylesheet is linked:
runs are viewed offline.
"""

from __future__ import annotations

import os
from typing import Any

from cairn.data_types import base

_BASE = '<base target="_blank">'


class Html(base.Media):
    """HTML to log: a string, a path to an ``.html`` file, or a file object."""

    _log_type = "html-file"

    def __init__(self, data: Any, inject: bool = True, data_is_not_path: bool = False) -> None:
        if isinstance(data, str) and not data_is_not_path and data.lower().endswith((".html", ".htm")) \
                and os.path.isfile(data):
            raw, _ = base.read_source(data)
            html = raw.decode("utf-8", errors="replace")
        elif isinstance(data, str):
            html = data
        elif hasattr(data, "read") or isinstance(data, os.PathLike):
            raw, _ = base.read_source(data)
            html = raw.decode("utf-8", errors="replace")
        else:
            raise TypeError(f"Html accepts a str or a file object, got {type(data).__name__}")
        self.html = inject_head(html) if inject else html

    def to_json(self, run: Any, key: str = "", summary: bool = False) -> dict:
        """Store the page for ``run``; return the ``html-file`` descriptor."""
        return base.file_json(run, "html-file", "html", key, self.html.encode("utf-8"), ".html", summary)


def inject_head(html: str) -> str:
    """Insert the ``<base>`` tag at the start of the head (creating one if needed)."""
    low = html.lower()
    i = low.find("<head>")
    if i >= 0:
        j = i + len("<head>")
        return (html[:j] + _BASE + html[j:]).strip()
    i = low.find("<html>")
    if i >= 0:
        j = i + len("<html>")
        return (html[:j] + "<head>" + _BASE + "</head>" + html[j:]).strip()
    return (_BASE + html).strip()
