"""``Image``: pixels from arrays, tensors, PIL images, files and matplotlib figures (R6.4–R6.6).

Input is checked and converted to pixels when the ``Image`` is built, so a bad array raises
at ``Image(...)``; the file is encoded once, on first use, and stored when logged as
``media/images/<key>_<step>_<sha256[:20]>.<ext>`` with the descriptor
``{"_type": "image-file", "path", "sha256", "size", "format", "width", "height",
"caption"?, "grouping"?, "masks"?, "boxes"?, "classes"?}``.
"""

from __future__ import annotations

import io
import os
from typing import Any

from cairn.data_types import base, overlays, pixels

FILE_TYPES = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "bmp": "BMP"}


class Image(base.Media):
    """An image to log.

    Arguments:
        data_or_path: a NumPy array (``(H,W)``, ``(H,W,1|3|4)``, channel-first ``(C,H,W)``),
            a torch tensor ``(C,H,W)``/``(N,C,H,W)``, a PIL image, a path to an image file,
            a matplotlib figure, or another ``Image``.
        mode: PIL mode to read an array as (e.g. ``"RGB"``); guessed from the shape if None.
        caption: text shown with the image.
        grouping: group number for image lists.
        classes: ``[{"id": int, "name": str}, ...]`` class set for masks/boxes.
        boxes: ``{name: {"box_data": [...], "class_labels": {...}}}``.
        masks: ``{name: {"mask_data": 2-D array, "class_labels": {...}}}``.
        file_type: ``"png"`` (default), ``"jpg"``, ``"jpeg"`` or ``"bmp"``.
        normalize: min-max normalise tensors (as torchvision's ``make_grid``).

    Raises ``ValueError`` for unsupported shapes, NaN/infinite pixels or missing files, and
    ``TypeError`` for unsupported input types or invalid boxes/masks.
    """

    MAX_ITEMS = 108
    MAX_DIMENSION = 65500
    _log_type = "image-file"

    def __init__(self, data_or_path: Any, mode: str | None = None, caption: str | None = None,
                 grouping: int | None = None, classes: Any = None, boxes: dict | None = None,
                 masks: dict | None = None, file_type: str | None = None, normalize: bool = True) -> None:
        ft = (file_type or "png").lower()
        if ft not in FILE_TYPES:
            raise ValueError(f"file_type must be one of {sorted(FILE_TYPES)}, got {file_type!r}")
        self._caption = None if caption is None else str(caption)
        self._grouping = grouping
        self._classes = overlays.check_classes(classes) if classes is not None else None
        self._boxes = overlays.check_boxes(boxes) if boxes else None
        self._masks = overlays.check_masks(masks) if masks else None
        self._bytes: bytes | None = None
        self._pil: Any = None
        self.format = ft
        if isinstance(data_or_path, Image):
            self._copy_from(data_or_path)
        elif isinstance(data_or_path, (str, os.PathLike)):
            self._from_path(os.fspath(data_or_path))
        else:
            self._pil = _to_pil(data_or_path, mode, normalize)
        if self._pil is not None:
            self._width, self._height = self._pil.size
        if max(self._width, self._height) > self.MAX_DIMENSION:
            raise ValueError(f"Image dimensions {self._width}x{self._height} exceed {self.MAX_DIMENSION}")

    # -- construction helpers --------------------------------------------------------------
    def _copy_from(self, other: Image) -> None:
        self._pil, self._bytes, self.format = other._pil, other._bytes, other.format
        self._width, self._height = other._width, other._height
        self._caption = self._caption if self._caption is not None else other._caption
        self._masks = self._masks or other._masks
        self._boxes = self._boxes or other._boxes

    def _from_path(self, path: str) -> None:
        from PIL import Image as PILImage

        if not os.path.isfile(path):
            raise ValueError(f"Image file {path!r} does not exist")
        with open(path, "rb") as f:
            self._bytes = f.read()
        try:
            with PILImage.open(io.BytesIO(self._bytes)) as im:
                self._width, self._height = im.size
        except Exception as e:
            raise ValueError(f"{path!r} is not a readable image file: {e}") from None
        self.format = os.path.splitext(path)[1].lstrip(".").lower() or "png"

    # -- public attributes -----------------------------------------------------------------
    @property
    def image(self) -> Any:
        """The PIL image (decoded from the file for path inputs)."""
        if self._pil is None and self._bytes is not None:
            from PIL import Image as PILImage

            self._pil = PILImage.open(io.BytesIO(self._bytes))
        return self._pil

    @property
    def width(self) -> int:
        """Width in pixels."""
        return self._width

    @property
    def height(self) -> int:
        """Height in pixels."""
        return self._height

    def encoded(self) -> bytes:
        """The file bytes that are stored when the image is logged (encoded once)."""
        if self._bytes is None:
            self._bytes = _encode(self._pil, self.format)
        return self._bytes

    # -- logging ---------------------------------------------------------------------------
    def to_json(self, run: Any, key: str = "", summary: bool = False) -> dict:
        """Store the image (and its masks/boxes) for ``run``; return the R6.4 descriptor."""
        stored = base.store_bytes(run, "images", key, self.encoded(), "." + self.format, summary)
        out: dict[str, Any] = {"_type": "image-file", **stored, "format": self.format,
                               "width": self._width, "height": self._height}
        if self._caption is not None:
            out["caption"] = self._caption
        if self._grouping is not None:
            out["grouping"] = self._grouping
        if self._masks:
            out["masks"] = overlays.write_masks(run, key, self._masks, summary)
        if self._boxes:
            out["boxes"] = overlays.write_boxes(run, key, self._boxes, summary)
        if self._classes is not None:
            stored = base.store_json(run, "classes", key, {"class_set": self._classes}, ".classes.json", summary)
            out["classes"] = {"type": "classes-file", **stored}
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Image):
            return NotImplemented
        return self.encoded() == other.encoded() and self._caption == other._caption

    __hash__ = None  # type: ignore[assignment]


def _to_pil(data: Any, mode: str | None, normalize: bool) -> Any:
    from PIL import Image as PILImage

    mod = type(data).__module__ or ""
    if isinstance(data, PILImage.Image):
        return data
    if mod.startswith("matplotlib") or (hasattr(data, "savefig") and hasattr(data, "canvas")):
        return PILImage.open(io.BytesIO(figure_png(data)))
    if pixels.is_tensor(data):
        arr = pixels.tensor_pixels(data) if normalize else pixels.array_pixels(pixels.tensor_to_numpy(data))
        return PILImage.fromarray(arr)
    if mod.split(".")[0] == "numpy" or isinstance(data, (list, tuple)):
        import numpy as np

        arr = np.asarray(data)
        if arr.dtype == object:
            raise TypeError("Image data must be numeric, got a ragged or object array")
        arr = pixels.array_pixels(arr)
        if mode is not None:
            return PILImage.fromarray(arr).convert(mode)
        return PILImage.fromarray(arr)  # uint8 (H,W) → L, (H,W,3) → RGB, (H,W,4) → RGBA
    raise TypeError(f"Image does not support input of type {type(data).__name__}")


def figure_png(fig: Any) -> bytes:
    """Render a matplotlib figure (or the ``pyplot`` module's current figure) to PNG bytes."""
    if not hasattr(fig, "savefig"):
        raise TypeError(f"not a matplotlib figure: {type(fig).__name__}")
    if hasattr(fig, "gcf"):
        fig = fig.gcf()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _encode(pil: Any, fmt: str) -> bytes:
    kind = FILE_TYPES[fmt]
    im = pil
    if kind == "JPEG" and im.mode not in ("RGB", "L", "CMYK"):
        im = im.convert("RGB")
    elif kind == "PNG" and im.mode not in ("1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"):
        im = im.convert("RGBA")
    elif kind == "BMP" and im.mode not in ("1", "L", "P", "RGB"):
        im = im.convert("RGB")
    buf = io.BytesIO()
    im.save(buf, format=kind)
    return buf.getvalue()
