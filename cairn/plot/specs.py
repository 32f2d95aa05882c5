"""Vega-Lite specs for the built-in chart presets, so the UI can draw a custom chart offline.

wandb names a preset by its spec id (``wandb/line/v0`` …) and keeps the Vega spec on its
server; Cairn has no server to ask, so each id maps here to a function that builds a full
Vega-Lite v5 spec from the chart's ``fields`` (spec field → table column) and
``string_fields`` (title, axis titles). The data source is named ``"wandb"``: the UI fills it
with the rows of the chart's table. Unknown (user-defined) ids get ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
DATA = {"name": "wandb"}


def _f(name: str | int) -> str:
    # Vega-Lite reads "." and "[]" in field names as nested access; table columns are flat
    # (and may be ints: Table allows int column names).
    return str(name).replace("\\", "\\\\").replace(".", "\\.").replace("[", "\\[").replace("]", "\\]")


def _base(strings: dict) -> dict:
    spec: dict[str, Any] = {"$schema": SCHEMA, "data": dict(DATA), "width": "container", "height": 300}
    if strings.get("title"):
        spec["title"] = strings["title"]
    return spec


def _xy(fields: dict, strings: dict, mark: dict) -> dict:
    spec = _base(strings)
    spec["mark"] = mark
    enc: dict[str, Any] = {
        "x": {"field": _f(fields["x"]), "type": "quantitative", "title": str(strings.get("x-axis-title", fields["x"]))},
        "y": {"field": _f(fields["y"]), "type": "quantitative", "title": str(strings.get("y-axis-title", fields["y"]))},
    }
    color = fields.get("stroke") or fields.get("class")
    if color:
        enc["color"] = {"field": _f(color), "type": "nominal"}
    spec["encoding"] = enc
    return spec


def line(fields: dict, strings: dict) -> dict:
    return _xy(fields, strings, {"type": "line", "tooltip": True})


def scatter(fields: dict, strings: dict) -> dict:
    return _xy(fields, strings, {"type": "point", "tooltip": True})


def bar(fields: dict, strings: dict) -> dict:
    spec = _base(strings)
    spec["mark"] = {"type": "bar", "tooltip": True}
    spec["encoding"] = {
        "y": {"field": _f(fields["label"]), "type": "nominal", "sort": None},
        "x": {"field": _f(fields["value"]), "type": "quantitative"},
    }
    return spec


def histogram(fields: dict, strings: dict) -> dict:
    spec = _base(strings)
    spec["mark"] = {"type": "bar", "tooltip": True}
    spec["encoding"] = {
        "x": {"field": _f(fields["value"]), "type": "quantitative", "bin": {"maxbins": 30}},
        "y": {"aggregate": "count", "type": "quantitative"},
    }
    return spec


def line_series(fields: dict, strings: dict) -> dict:
    spec = _base(strings)
    spec["mark"] = {"type": "line", "tooltip": True}
    spec["encoding"] = {
        "x": {"field": _f(fields.get("step", "step")), "type": "quantitative", "title": strings.get("xname", "x")},
        "y": {"field": _f(fields.get("lineVal", "lineVal")), "type": "quantitative", "title": "y"},
        "color": {"field": _f(fields.get("lineKey", "lineKey")), "type": "nominal"},
    }
    return spec


def area_under_curve(fields: dict, strings: dict) -> dict:
    spec = _xy(fields, strings, {"type": "line", "tooltip": True, "interpolate": "linear"})
    for axis in ("x", "y"):
        spec["encoding"][axis]["scale"] = {"domain": [0, 1]}
    return spec


def confusion_matrix(fields: dict, strings: dict) -> dict:
    spec = _base(strings)
    actual, pred, n = (_f(fields.get(k, k)) for k in ("Actual", "Predicted", "nPredictions"))
    enc = {"x": {"field": pred, "type": "nominal", "title": "Predicted"},
           "y": {"field": actual, "type": "nominal", "title": "Actual"}}
    spec["encoding"] = enc
    spec["layer"] = [
        {"mark": {"type": "rect", "tooltip": True},
         "encoding": {"color": {"field": n, "type": "quantitative", "title": "Count"}}},
        {"mark": {"type": "text"}, "encoding": {"text": {"field": n, "type": "quantitative"}}},
    ]
    return spec


SPECS: dict[str, Callable[[dict, dict], dict]] = {
    "wandb/line/v0": line,
    "wandb/scatter/v0": scatter,
    "wandb/bar/v0": bar,
    "wandb/histogram/v0": histogram,
    "wandb/lineseries/v0": line_series,
    "wandb/area-under-curve/v0": area_under_curve,
    "wandb/confusion_matrix/v1": confusion_matrix,
}


def vega_spec(spec_id: str, fields: dict, string_fields: dict | None = None) -> dict | None:
    """The full Vega-Lite spec for a preset id, or ``None`` for an unknown id (or missing field)."""
    build = SPECS.get(spec_id)
    if build is None:
        return None
    try:
        return build(dict(fields), dict(string_fields or {}))
    except KeyError:  # fields do not name what the preset needs: leave it to the UI
        return None
