"""``Video``: frames from NumPy arrays or video files (R6.10).

Arrays are ``(T,C,H,W)`` or batched ``(B,T,C,H,W)``; a batch is padded to a power of two and
tiled into one grid of frames. Non-uint8 arrays are cast (not rescaled) with a warning, as
wandb does. GIF is written with Pillow; mp4/webm/ogg need ``imageio`` with
``imageio-ffmpeg`` (the ``cairn[media]`` extra). The file is
``media/videos/<key>_<step>_<hash>.<fmt>``; the descriptor
``{"_type": "video-file", "path", "sha256", "size", "width", "height", "caption"?}``.
"""

from __future__ import annotations

import io
import os
import tempfile
import warnings
from typing import Any

from cairn.data_types import base, pixels

FORMATS = ("gif", "mp4", "webm", "ogg")


class Video(base.Media):
    """A video to log.

    Arguments:
        data_or_path: a ``(T,C,H,W)``/``(B,T,C,H,W)`` array or tensor, a path, or a binary
            file object (then ``format`` is required).
        caption: text shown with the video.
        fps: frames per second for arrays (default 4).
        format: ``"gif"`` (default for arrays), ``"mp4"``, ``"webm"`` or ``"ogg"``.

    Raises ``ValueError`` for bad shapes or formats and ``ImportError`` (naming the
    ``cairn[media]`` extra) when an mp4/webm/ogg encoder is missing.
    """

    _log_type = "video-file"

    def __init__(self, data_or_path: Any, caption: str | None = None, fps: int | None = None,
                 format: str | None = None) -> None:
        fmt = format.lower() if format else None
        if fmt is not None and fmt not in FORMATS:
            raise ValueError(f"wandb.Video accepts {', '.join(FORMATS)} formats, got {format!r}")
        self._caption = None if caption is None else str(caption)
        self._fps = 4 if fps is None else fps
        self._width = self._height = None
        if isinstance(data_or_path, (str, os.PathLike)) or hasattr(data_or_path, "read"):
            self._bytes, name = base.read_source(data_or_path)
            ext = base.extension(name, FORMATS)
            fmt = fmt or ext
            if fmt is None:
                raise ValueError(f"wandb.Video accepts {', '.join(FORMATS)} formats; pass format= for {name!r}")
            self.format = fmt
            self._frames = None
        else:
            self._frames = _prepare(data_or_path)
            self._height, self._width = self._frames.shape[1:3]
            self.format = fmt or "gif"
            self._bytes = None
            if self.format != "gif":
                _require_imageio(self.format)

    def encoded(self) -> bytes:
        """The file bytes (encoded once)."""
        if self._bytes is None:
            if self.format == "gif":
                self._bytes = _gif(self._frames, self._fps)
            else:
                self._bytes = _ffmpeg(self._frames, self._fps, self.format)
        return self._bytes

    def to_json(self, run: Any, key: str = "", summary: bool = False) -> dict:
        """Store the video for ``run``; return the ``video-file`` descriptor."""
        out = base.file_json(run, "video-file", "videos", key, self.encoded(), "." + self.format, summary)
        if self._width is not None:
            out["width"], out["height"] = int(self._width), int(self._height)
        if self._caption is not None:
            out["caption"] = self._caption
        return out


def _prepare(data: Any) -> Any:
    """Array → (T, H, W, C) uint8 frames, tiling a batch into a grid (wandb's layout)."""
    import numpy as np

    a = pixels.tensor_to_numpy(data) if pixels.is_tensor(data) else np.asarray(data)
    if a.ndim < 4 or a.ndim > 5:
        raise ValueError(f"Video must be 4-D (time, channel, height, width) or 5-D (batch, ...), got shape {list(a.shape)}")
    if a.dtype.kind not in "biuf":
        raise TypeError(f"Video data must be numeric, got dtype {a.dtype}")
    if a.ndim == 4:
        a = a[None]
    if a.dtype != np.uint8:
        warnings.warn("Converting video data to uint8", stacklevel=4)
        if a.dtype.kind == "f" and not np.isfinite(a).all():
            raise ValueError("Video data contains NaN or infinite values")
        a = a.astype(np.uint8)
    b, t, c, h, w = a.shape
    if c not in (1, 3, 4):
        raise ValueError(f"Video frames need 1, 3 or 4 channels, got {c} (shape {list(a.shape)})")
    if b & (b - 1):
        pad = (1 << b.bit_length()) - b
        a = np.concatenate([a, np.zeros((pad, t, c, h, w), dtype=np.uint8)], axis=0)
    rows = 1 << ((b.bit_length() - 1) // 2)
    cols = a.shape[0] // rows
    a = a.reshape(rows, cols, t, c, h, w).transpose(2, 0, 4, 1, 5, 3)
    return np.ascontiguousarray(a.reshape(t, rows * h, cols * w, c))


def _gif(frames: Any, fps: float) -> bytes:
    from PIL import Image as PILImage

    c = frames.shape[-1]
    if c == 1:
        images = [PILImage.fromarray(f[:, :, 0]) for f in frames]
    else:
        images = [PILImage.fromarray(f[:, :, :3]) for f in frames]
    buf = io.BytesIO()
    duration = max(int(round(1000 / fps)), 1) if fps else 250
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:], duration=duration, loop=0)
    return buf.getvalue()


def _require_imageio(fmt: str) -> Any:
    try:
        import imageio.v2 as imageio
        import imageio_ffmpeg  # noqa: F401
    except ImportError:
        raise ImportError(
            f"writing {fmt} video needs imageio and imageio-ffmpeg: pip install 'cairn[media]' "
            "(or log with format='gif', which needs only Pillow)"
        ) from None
    return imageio


def _ffmpeg(frames: Any, fps: float, fmt: str) -> bytes:
    imageio = _require_imageio(fmt)
    if frames.shape[-1] == 1:
        frames = frames.repeat(3, axis=-1)
    frames = frames[..., :3]
    h, w = frames.shape[1:3]
    if h % 2 or w % 2:  # 4:2:0 chroma needs even sizes: pad one black row/column
        import numpy as np

        frames = np.pad(frames, ((0, 0), (0, h % 2), (0, w % 2), (0, 0)))
    codec = {"mp4": "libx264", "webm": "libvpx", "ogg": "libtheora"}[fmt]
    # imageio picks its writer by file extension and knows no ".ogg": write ogg via ".mkv"
    # with the container forced.
    params = {"mp4": ["-pix_fmt", "yuv420p"], "webm": ["-b:v", "1M"], "ogg": ["-f", "ogg"]}[fmt]
    fd, path = tempfile.mkstemp(suffix=".mkv" if fmt == "ogg" else "." + fmt)
    os.close(fd)
    try:
        # macro_block_size=1 keeps the exact frame size (no silent resize to multiples of 16).
        imageio.mimwrite(path, list(frames), format="FFMPEG", fps=fps, codec=codec, macro_block_size=1,
                         ffmpeg_log_level="error", output_params=params)
        with open(path, "rb") as f:
            return f.read()
    finally:
        os.unlink(path)
