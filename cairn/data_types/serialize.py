"""Conversions :mod:`cairn.sdk.convert` delegates here: media lists and chart figures.

``batch_to_json`` turns a list of media into one batch descriptor (R6.3): images become
``images/separated`` (at most ``Image.MAX_ITEMS``, with a warning when truncated), videos
``videos``, audio ``audio``, 3-D objects ``object3D``, molecules ``molecule``, HTML ``html``.
Lists that mix classes, or of classes without a batch form, become a list of descriptors.

``figure_to_media`` decides how a matplotlib or plotly figure is logged (R6.15).
"""

from __future__ import annotations

import warnings
from typing import Any

from cairn.data_types.audio import Audio
from cairn.data_types.html import Html
from cairn.data_types.image import Image
from cairn.data_types.object3d import Molecule, Object3D
from cairn.data_types.video import Video


def batch_to_json(items: list, run: Any, key: str, summary: bool = False) -> Any:
    """Store every item of ``items`` for ``run`` under ``key``; return the batch descriptor."""
    cls = type(items[0])
    if any(type(x) is not cls for x in items):
        return [x.to_json(run, key, summary=summary) for x in items]
    if cls is Image:
        return _images(items, run, key, summary)
    jsons = [x.to_json(run, key, summary=summary) for x in items]
    if cls is Video:
        return {"_type": "videos", "count": len(jsons), "videos": jsons, "captions": _captions(items)}
    if cls is Audio:
        out = {"_type": "audio", "count": len(jsons), "audio": jsons,
               "sampleRates": [x.sample_rate for x in items], "durations": [x.duration for x in items]}
        caps = _captions(items)
        if caps:
            out["captions"] = caps
        return out
    if cls is Object3D:
        return {"_type": "object3D", "filenames": [_leaf(j["path"]) for j in jsons], "count": len(jsons),
                "objects": jsons}
    if cls is Molecule:
        return {"_type": "molecule", "filenames": [_leaf(j["path"]) for j in jsons], "count": len(jsons),
                "captions": _captions(items), "molecules": jsons}
    if cls is Html:
        return {"_type": "html", "count": len(jsons), "html": jsons}
    return jsons


def _images(items: list, run: Any, key: str, summary: bool) -> dict:
    if len(items) > Image.MAX_ITEMS:
        warnings.warn(f"Only {Image.MAX_ITEMS} images will be uploaded (got {len(items)}).", stacklevel=4)
        items = items[: Image.MAX_ITEMS]
    jsons = [x.to_json(run, key, summary=summary) for x in items]
    first = jsons[0]
    if any(j["width"] != first["width"] or j["height"] != first["height"] for j in jsons):
        warnings.warn(f"Images sizes do not match for key {key!r}; the UI shows them at the first "
                      "image's size.", stacklevel=4)
    out: dict[str, Any] = {"_type": "images/separated", "width": first["width"], "height": first["height"],
                           "format": first["format"], "count": len(jsons),
                           "filenames": [j["path"] for j in jsons]}
    caps = _captions(items)
    if caps:
        out["captions"] = caps
    if any("masks" in j for j in jsons):
        out["all_masks"] = [j.get("masks") for j in jsons]
    if any("boxes" in j for j in jsons):
        out["all_boxes"] = [j.get("boxes") for j in jsons]
    return out


def _captions(items: list) -> list | bool:
    caps = [getattr(x, "_caption", None) for x in items]
    return caps if any(c is not None for c in caps) else False


def _leaf(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def figure_to_media(fig: Any) -> Any:
    """The media object a figure is logged as.

    A plotly figure → :class:`Plotly`. A matplotlib figure (or Axes, or ``pyplot``) holding
    raster images → :class:`Image`; otherwise a :class:`Plotly` conversion when plotly is
    installed and the conversion succeeds, else the figure rendered to a PNG :class:`Image`.
    """
    from cairn.data_types.plotly import Plotly, mpl_to_plotly

    mod = type(fig).__module__ or ""
    if mod.startswith("plotly"):
        return Plotly(fig)
    if hasattr(fig, "gcf"):
        fig = fig.gcf()
    if not hasattr(fig, "savefig") and hasattr(fig, "figure"):
        fig = fig.figure  # an Axes
    if not hasattr(fig, "savefig"):
        raise TypeError(f"cannot log a {type(fig).__name__} object; log its figure instead")
    if any(getattr(ax, "images", None) for ax in getattr(fig, "axes", [])):
        return Image(fig)
    try:
        return Plotly(mpl_to_plotly(fig))
    except Exception:  # plotly missing or its converter does not understand this figure
        return Image(fig)
