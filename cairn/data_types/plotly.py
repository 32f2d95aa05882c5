"""``Plotly``: a plotly figure stored as ``media/plotly/<key>_<step>_<hash>.plotly.json`` (R6.15).

A matplotlib figure given to ``Plotly`` is converted with plotly's ``mpl_to_plotly``; see
:func:`cairn.data_types.serialize.figure_to_media` for what ``run.log`` does with figures.
"""

from __future__ import annotations

import json
from typing import Any

from cairn.data_types import base


class Plotly(base.Media):
    """A plotly figure (or its dict form, or a convertible matplotlib figure) to log."""

    _log_type = "plotly-file"

    def __init__(self, val: Any) -> None:
        mod = type(val).__module__ or ""
        if mod.startswith("matplotlib") or hasattr(val, "gcf"):
            val = mpl_to_plotly(val)
        if isinstance(val, dict):
            self._json = base.dumps(val)
        elif hasattr(val, "to_plotly_json"):
            import plotly.io as pio

            self._json = pio.to_json(val, validate=False)
        else:
            raise TypeError(f"Plotly needs a plotly figure or a dict, got {type(val).__name__}")

    @property
    def figure(self) -> dict:
        """The figure as a plotly JSON dict."""
        return json.loads(self._json)

    def to_json(self, run: Any, key: str = "", summary: bool = False) -> dict:
        """Store the figure JSON for ``run``; return the ``plotly-file`` descriptor."""
        return base.file_json(run, "plotly-file", "plotly", key, self._json.encode("utf-8"), ".plotly.json",
                              summary)


def mpl_to_plotly(fig: Any) -> Any:
    """Convert a matplotlib figure (or ``pyplot``) with plotly; ``ImportError`` without plotly."""
    try:
        from plotly.tools import mpl_to_plotly as convert
    except ImportError:
        raise ImportError("logging a matplotlib figure as a Plotly chart needs plotly: "
                          "pip install 'cairn[media]'") from None
    if hasattr(fig, "gcf"):
        fig = fig.gcf()
    import warnings

    with warnings.catch_warnings():
        # plotly's bundled exporter uses matplotlib APIs that warn on every call; not the user's doing
        warnings.simplefilter("ignore")
        return convert(fig)
