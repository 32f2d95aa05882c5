"""Video (R6.10) and Audio (R6.11)."""

from __future__ import annotations

import io
import re
import wave

import numpy as np
import pytest
from PIL import Image as PILImage

import cairn as wandb


def _frames(t=3, c=3, h=8, w=6):
    return np.random.default_rng(0).integers(0, 256, (t, c, h, w), dtype=np.uint8)


def test_video_gif_from_tchw(logged):
    logged.run.log({"vid": wandb.Video(_frames(), fps=4, caption="v")})
    logged.run.finish(quiet=True)
    d = logged.rows()[0]["vid"]
    assert re.match(r"^media/videos/vid_0_[0-9a-f]{20}\.gif$", d["path"])
    assert {k: d[k] for k in ("_type", "width", "height", "caption")} == {
        "_type": "video-file", "width": 6, "height": 8, "caption": "v"}
    gif = PILImage.open(io.BytesIO(logged.check_descriptor(d)))
    assert gif.n_frames == 3 and gif.size == (6, 8)
    assert gif.info["duration"] == 250


def test_video_batch_tiled_into_power_of_two_grid(logged):
    # wandb's layout: pad the batch to a power of two; rows = 2 ** ((b.bit_length() - 1) // 2)
    logged.run.log({"three": wandb.Video(np.zeros((3, 2, 3, 4, 5), np.uint8)),
                    "four": wandb.Video(np.zeros((4, 2, 3, 4, 5), np.uint8))})
    logged.run.finish(quiet=True)
    row = logged.rows()[0]
    assert (row["three"]["width"], row["three"]["height"]) == (20, 4)
    assert (row["four"]["width"], row["four"]["height"]) == (10, 8)


def test_video_non_uint8_cast_with_warning():
    with pytest.warns(UserWarning, match="uint8"):
        v = wandb.Video(np.ones((2, 3, 4, 4), np.float32) * 7)
    assert v._frames.dtype == np.uint8 and v._frames.max() == 7


def test_video_bad_shape_value_error():
    with pytest.raises(ValueError, match="4-D"):
        wandb.Video(np.zeros((3, 4, 4)))


def test_video_unknown_format_value_error():
    with pytest.raises(ValueError, match="formats"):
        wandb.Video(_frames(), format="avi")


def test_video_from_path_copied(logged, tmp_path):
    src = tmp_path / "clip.gif"
    src.write_bytes(wandb.Video(_frames()).encoded())
    logged.run.log({"vid": wandb.Video(str(src))})
    logged.run.finish(quiet=True)
    d = logged.rows()[0]["vid"]
    assert d["path"].endswith(".gif") and logged.file(d["path"]) == src.read_bytes()


@pytest.mark.parametrize("fmt,magic", [("mp4", b"ftyp"), ("webm", b"\x1aE\xdf\xa3"), ("ogg", b"OggS")])
def test_video_ffmpeg_formats_with_imageio(logged, fmt, magic):
    pytest.importorskip("imageio_ffmpeg")
    logged.run.log({"vid": wandb.Video(_frames(t=4, h=15, w=16), format=fmt)})
    logged.run.finish(quiet=True)
    d = logged.rows()[0]["vid"]
    assert d["path"].endswith("." + fmt) and magic in logged.check_descriptor(d)[:16]


def test_video_list_is_videos_batch(logged):
    logged.run.log({"vids": [wandb.Video(_frames(), caption="a"), wandb.Video(_frames(t=2))]})
    logged.run.finish(quiet=True)
    d = logged.rows()[0]["vids"]
    assert d["_type"] == "videos" and d["count"] == 2 and d["captions"] == ["a", None]
    assert [v["_type"] for v in d["videos"]] == ["video-file"] * 2


def test_audio_wav_16bit_pcm(logged):
    samples = np.sin(np.linspace(0, 6.28, 800)).astype(np.float32)
    logged.run.log({"snd": wandb.Audio(samples, sample_rate=8000, caption="tone")})
    logged.run.finish(quiet=True)
    d = logged.rows()[0]["snd"]
    assert re.match(r"^media/audio/snd_0_[0-9a-f]{20}\.wav$", d["path"])
    assert d["_type"] == "audio-file" and d["caption"] == "tone"
    with wave.open(io.BytesIO(logged.check_descriptor(d))) as w:
        assert (w.getframerate(), w.getsampwidth(), w.getnchannels(), w.getnframes()) == (8000, 2, 1, 800)
        pcm = np.frombuffer(w.readframes(800), "<i2")
    assert np.abs(pcm / 32767.0 - samples).max() < 1e-3


def test_audio_caption_defaults_to_null(logged):
    logged.run.log({"snd": wandb.Audio(np.zeros(10), sample_rate=100)})
    logged.run.finish(quiet=True)
    assert logged.rows()[0]["snd"]["caption"] is None


def test_audio_raw_data_needs_sample_rate():
    with pytest.raises(ValueError, match="sample_rate"):
        wandb.Audio(np.zeros(10))


def test_audio_list_has_sample_rates_and_durations(logged):
    logged.run.log({"snd": [wandb.Audio(np.zeros(100), sample_rate=100), wandb.Audio(np.zeros(50), sample_rate=200)]})
    logged.run.finish(quiet=True)
    d = logged.rows()[0]["snd"]
    assert (d["_type"], d["count"], d["sampleRates"], d["durations"]) == ("audio", 2, [100, 200], [1.0, 0.25])


def test_audio_from_path_copied(logged, tmp_path):
    src = tmp_path / "a.wav"
    src.write_bytes(wandb.Audio(np.zeros((20, 2)), sample_rate=10).encoded())
    logged.run.log({"snd": wandb.Audio(str(src))})
    logged.run.finish(quiet=True)
    d = logged.rows()[0]["snd"]
    assert logged.file(d["path"]) == src.read_bytes()


def test_audio_extension_comes_from_the_file_name_not_its_folder(logged, tmp_path):
    wav = wandb.Audio(np.zeros(10), sample_rate=10).encoded()
    (tmp_path / "runs.v2").mkdir()
    (tmp_path / "runs.v2" / "clip").write_bytes(wav)
    (tmp_path / "b.MP3").write_bytes(b"ID3 not really")
    logged.run.log({"a": wandb.Audio(str(tmp_path / "runs.v2" / "clip")), "b": wandb.Audio(str(tmp_path / "b.MP3"))})
    logged.run.finish(quiet=True)
    row = logged.rows()[0]
    assert re.match(r"^media/audio/a_0_[0-9a-f]{20}\.wav$", row["a"]["path"])
    assert row["b"]["path"].endswith(".mp3")


def test_mp4_without_imageio_names_the_media_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "imageio", None)
    monkeypatch.setitem(sys.modules, "imageio.v2", None)
    with pytest.raises(ImportError, match=r"cairn\[media\]"):
        wandb.Video(_frames(), format="mp4")
