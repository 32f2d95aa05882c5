"""Image overlays: segmentation masks and 2-D bounding boxes (R6.5).

Both are validated when the ``Image`` is built (bad box data raises ``TypeError``, bad mask
data ``TypeError``/``ValueError``) and written when it is logged:

* a mask → ``media/images/mask/<key>_<step>_<hash>.mask.png`` (8-bit class ids), descriptor
  ``{"_type": "mask", "path", "sha256", "size"}``;
* boxes → ``media/metadata/boxes2D/<key>_<step>_<hash>.boxes2D.json`` holding
  ``{"box_data": [...], "class_labels": {...}}``, descriptor ``{"_type": "boxes2D", ...}``.

Class labels also go to the run config under ``_wandb["mask/class_labels"]`` or
``_wandb["bounding_box/class_labels"]``, keyed ``<key>_wandb_delimeter_<name>`` (sic).
"""

from __future__ import annotations

import io
from typing import Any

from cairn.data_types import base

_DELIM = "_wandb_delimeter_"


def _labels(name: str, labels: Any) -> dict[str, str]:
    if labels is None:
        return {}
    if not isinstance(labels, dict):
        raise TypeError(f"class_labels of {name!r} must be a dict of int to str")
    out = {}
    for k, v in labels.items():
        if isinstance(k, bool) or not isinstance(k, int) and not (hasattr(k, "dtype") and k.dtype.kind in "iu"):
            raise TypeError(f"class_labels of {name!r}: keys must be int, got {k!r}")
        if not isinstance(v, str):
            raise TypeError(f"class_labels of {name!r}: values must be str, got {v!r}")
        out[str(int(k))] = v
    return out


# -- masks ---------------------------------------------------------------------------------
def check_masks(masks: Any) -> dict:
    """Validate ``{name: {"mask_data": 2-D ints, "class_labels": {...}} | {"path": png}}``."""
    import numpy as np

    if not isinstance(masks, dict):
        raise TypeError("masks must be a dict of name to {'mask_data', 'class_labels'}")
    out = {}
    for name, m in masks.items():
        if not isinstance(m, dict) or not ("mask_data" in m or "path" in m):
            raise TypeError(f"mask {name!r} needs 'mask_data' (2-D array) or 'path'")
        labels = _labels(name, m.get("class_labels"))
        if "path" in m:
            data, _ = base.read_source(m["path"])
            out[name] = {"png": data, "class_labels": labels}
            continue
        a = np.asarray(m["mask_data"])
        if a.ndim != 2:
            raise ValueError(f"mask {name!r}: mask_data must be 2-D, got shape {list(a.shape)}")
        if a.dtype.kind == "b":
            a = a.astype(np.uint8)
        if a.dtype.kind == "f" and not np.isfinite(a).all():
            raise ValueError(f"mask {name!r}: mask_data contains NaN or infinite values")
        if a.dtype.kind not in "iuf" or (a.size and (a.min() < 0 or a.max() > 255)):
            raise TypeError(f"mask {name!r}: mask_data must hold class ids in 0..255")
        out[name] = {"array": a.astype(np.uint8), "class_labels": labels}
    return out


def write_masks(run: Any, key: str, masks: dict, summary: bool) -> dict:
    """Store each checked mask as a PNG of class ids; return ``{name: mask descriptor}`` and
    merge the class labels into ``config._wandb``."""
    from PIL import Image as PILImage

    out, labels = {}, {}
    for name, m in masks.items():
        png = m.get("png")
        if png is None:
            buf = io.BytesIO()
            PILImage.fromarray(m["array"], mode="L").save(buf, format="PNG")
            png = buf.getvalue()
        out[name] = {"_type": "mask", **base.store_bytes(run, "images/mask", key, png, ".mask.png", summary)}
        if m["class_labels"]:
            labels[f"{key}{_DELIM}{name}"] = m["class_labels"]
    if labels:
        base.merge_wandb_config(run, "mask/class_labels", labels)
    return out


# -- boxes ---------------------------------------------------------------------------------
def _number(v: Any) -> bool:
    return base.finite_number(v) or (hasattr(v, "dtype") and v.dtype.kind in "iuf")


def _check_box(name: str, i: int, box: Any) -> dict:
    where = f"boxes {name!r}, box {i}"
    if not isinstance(box, dict):
        raise TypeError(f"{where}: each box must be a dict")
    pos = box.get("position")
    if not isinstance(pos, dict):
        raise TypeError(f"{where}: 'position' must be a dict")
    if all(k in pos for k in ("minX", "maxX", "minY", "maxY")):
        if not all(_number(pos[k]) for k in ("minX", "maxX", "minY", "maxY")):
            raise TypeError(f"{where}: minX/maxX/minY/maxY must be numbers")
        pos = {k: float(pos[k]) for k in ("minX", "maxX", "minY", "maxY")}
    elif all(k in pos for k in ("middle", "width", "height")):
        mid = pos["middle"]
        if not (isinstance(mid, (list, tuple)) and len(mid) == 2 and all(_number(x) for x in mid)):
            raise TypeError(f"{where}: 'middle' must be [x, y]")
        if not (_number(pos["width"]) and _number(pos["height"])):
            raise TypeError(f"{where}: width/height must be numbers")
        pos = {"middle": [float(mid[0]), float(mid[1])], "width": float(pos["width"]),
               "height": float(pos["height"])}
    else:
        raise TypeError(f"{where}: position needs minX/maxX/minY/maxY or middle/width/height")
    cid = box.get("class_id")
    if isinstance(cid, bool) or not isinstance(cid, int) and not (hasattr(cid, "dtype") and cid.dtype.kind in "iu"):
        raise TypeError(f"{where}: 'class_id' must be an int")
    out: dict[str, Any] = {"position": pos, "class_id": int(cid)}
    if "domain" in box and box["domain"] is not None:
        if box["domain"] != "pixel":
            raise TypeError(f"{where}: 'domain' must be None or 'pixel'")
        out["domain"] = "pixel"
    if "box_caption" in box and box["box_caption"] is not None:
        if not isinstance(box["box_caption"], str):
            raise TypeError(f"{where}: 'box_caption' must be a str")
        out["box_caption"] = box["box_caption"]
    if "scores" in box and box["scores"] is not None:
        sc = box["scores"]
        if not isinstance(sc, dict) or not all(isinstance(k, str) and _number(v) for k, v in sc.items()):
            raise TypeError(f"{where}: 'scores' must be a dict of str to number")
        out["scores"] = {k: float(v) for k, v in sc.items()}
    return out


def check_boxes(boxes: Any) -> dict:
    """Validate ``{name: {"box_data": [...], "class_labels": {...}}}``; ``TypeError`` if bad."""
    if not isinstance(boxes, dict):
        raise TypeError("boxes must be a dict of name to {'box_data', 'class_labels'}")
    out = {}
    for name, b in boxes.items():
        if not isinstance(b, dict) or not isinstance(b.get("box_data"), (list, tuple)):
            raise TypeError(f"boxes {name!r} needs 'box_data', a list of boxes")
        data = [_check_box(name, i, box) for i, box in enumerate(b["box_data"])]
        out[name] = {"box_data": data, "class_labels": _labels(name, b.get("class_labels"))}
    return out


def write_boxes(run: Any, key: str, boxes: dict, summary: bool) -> dict:
    """Store each checked box set as ``.boxes2D.json``; return ``{name: boxes2D descriptor}`` and
    merge the class labels into ``config._wandb``."""
    out, labels = {}, {}
    for name, b in boxes.items():
        stored = base.store_json(run, "metadata/boxes2D", key, b, ".boxes2D.json", summary)
        out[name] = {"_type": "boxes2D", **stored}
        if b["class_labels"]:
            labels[f"{key}{_DELIM}{name}"] = b["class_labels"]
    if labels:
        base.merge_wandb_config(run, "bounding_box/class_labels", labels)
    return out


def check_classes(classes: Any) -> list[dict]:
    """``classes=[{"id": int, "name": str}, ...]`` (or an object with ``_class_set``)."""
    classes = getattr(classes, "_class_set", classes)
    if not isinstance(classes, (list, tuple)) or not all(
        isinstance(c, dict) and isinstance(c.get("id"), int) and isinstance(c.get("name"), str) for c in classes
    ):
        raise TypeError("classes must be a list of {'id': int, 'name': str}")
    return [dict(c) for c in classes]


class Classes:
    """A class set for ``Image(classes=...)``: ``Classes([{"id": 1, "name": "cat"}, ...])``."""

    def __init__(self, class_set: list[dict]) -> None:
        self._class_set = check_classes(class_set)

    def to_json(self, run: Any = None, key: str = "", summary: bool = False) -> dict:
        return {"_type": "classes", "class_set": self._class_set}
