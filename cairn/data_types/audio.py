"""``Audio``: sound from NumPy samples or audio files (R6.11).

Raw samples need ``sample_rate`` and are written as 16-bit PCM WAV with the standard
library's ``wave`` module, so no ``soundfile`` install is needed. Float samples are taken
to lie in [-1, 1]; a 2-D array is ``(frames, channels)``. The file is
``media/audio/<key>_<step>_<hash>.wav``; the descriptor ``{"_type": "audio-file", "path",
"sha256", "size", "caption"}`` (caption is ``None`` when not given).
"""

from __future__ import annotations

import io
import os
import wave
from typing import Any

from cairn.data_types import base, pixels


class Audio(base.Media):
    """An audio clip to log.

    Arguments:
        data_or_path: a 1-D ``(frames,)`` or 2-D ``(frames, channels)`` array, a path, or a
            binary file object.
        sample_rate: samples per second; required for array data.
        caption: text shown with the clip.
    """

    _log_type = "audio-file"

    def __init__(self, data_or_path: Any, sample_rate: int | None = None, caption: str | None = None) -> None:
        self._caption = None if caption is None else str(caption)
        self._sample_rate = sample_rate
        self._duration: float | None = None
        if isinstance(data_or_path, str) and data_or_path.startswith(("http://", "https://", "s3://", "gs://")):
            raise ValueError("Audio from a URL cannot be logged to a run; download it first")
        if isinstance(data_or_path, str) or hasattr(data_or_path, "read") or hasattr(data_or_path, "__fspath__"):
            self._bytes, name = base.read_source(data_or_path)
            # the file name's own extension: a dot in a folder name ("runs.v2/clip") is not one
            self._ext = os.path.splitext(os.path.basename(name or ""))[1].lower() or ".wav"
            self._read_wav_header()
            return
        if sample_rate is None:
            raise ValueError('Argument "sample_rate" is required when instantiating wandb.Audio with raw data.')
        if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or sample_rate <= 0:
            raise ValueError(f"sample_rate must be a positive int, got {sample_rate!r}")
        self._bytes = _wav(data_or_path, sample_rate)
        self._ext = ".wav"
        self._read_wav_header()

    def _read_wav_header(self) -> None:
        if self._ext != ".wav":
            return
        try:
            with wave.open(io.BytesIO(self._bytes)) as w:
                self._sample_rate = w.getframerate()
                self._duration = w.getnframes() / float(w.getframerate())
        except (wave.Error, EOFError, ZeroDivisionError):
            pass  # a WAV that the stdlib cannot parse (e.g. float PCM): stored as is

    def encoded(self) -> bytes:
        """The file bytes that are stored when the clip is logged."""
        return self._bytes

    @property
    def sample_rate(self) -> int | None:
        """Samples per second (read from the WAV header for files; None if unknown)."""
        return self._sample_rate

    @property
    def duration(self) -> float | None:
        """Length in seconds (None when not a WAV the standard library can read)."""
        return self._duration

    def to_json(self, run: Any, key: str = "", summary: bool = False) -> dict:
        """Store the clip for ``run``; return the ``audio-file`` descriptor."""
        stored = base.store_bytes(run, "audio", key, self._bytes, self._ext, summary)
        return {"_type": "audio-file", **stored, "caption": self._caption}


def _wav(data: Any, sample_rate: int) -> bytes:
    import numpy as np

    a = pixels.tensor_to_numpy(data) if pixels.is_tensor(data) else np.asarray(data)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"Audio data must be numeric, got dtype {a.dtype}")
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[0] == 0:
        raise ValueError(f"Audio data must be (frames,) or (frames, channels), got shape {list(a.shape)}")
    if a.dtype.kind == "f":
        if not np.isfinite(a).all():
            raise ValueError("Audio data contains NaN or infinite values")
        pcm = np.clip(np.round(a * 32767.0), -32768, 32767).astype("<i2")
    elif a.dtype == np.int16:
        pcm = a.astype("<i2")
    elif a.dtype.kind == "b":
        pcm = (a.astype(np.int16) * 32767).astype("<i2")
    else:
        # wider integers (int32 PCM) are scaled down to 16 bits by their dtype's range
        bits = a.dtype.itemsize * 8
        if a.dtype.kind == "u":
            a = a.astype(np.int64) - (1 << (bits - 1))
        pcm = (a.astype(np.int64) >> max(bits - 16, 0) if bits > 16 else a.astype(np.int64) << (16 - bits))
        pcm = pcm.astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(pcm.shape[1])
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(np.ascontiguousarray(pcm).tobytes())
    return buf.getvalue()
