"""The media examples of the reference's ``log`` section, run verbatim with ``import cairn as wandb``."""

from __future__ import annotations

import json

import numpy as np
import pytest

import cairn as wandb
from tests.data_types.conftest import QUIET, Logged


@pytest.fixture
def init(tmp_path):
    """``wandb.init()`` as the examples call it, kept quiet and inside tmp_path."""
    runs = []

    def _init():
        r = wandb.init(dir=tmp_path, settings=QUIET)
        runs.append(r)
        return r

    yield _init, runs


def _finish(runs) -> Logged:
    runs[-1].finish(quiet=True)
    return Logged(runs[-1])


def test_histogram_example(init):
    _init, runs = init
    gradients = np.random.randn(100, 100)
    run = _init()
    run.log({"gradients": wandb.Histogram(gradients)})
    d = _finish(runs).rows()[0]["gradients"]
    assert d["_type"] == "histogram" and sum(d["values"]) == 10000 and len(d["bins"]) == 65


def test_image_from_numpy_example(init):
    _init, runs = init
    run = _init()
    examples = []
    for i in range(3):
        pixels = np.random.randint(low=0, high=256, size=(100, 100, 3))
        image = wandb.Image(pixels, caption=f"random field {i}")
        examples.append(image)
    run.log({"examples": examples})
    logged = _finish(runs)
    d = logged.rows()[0]["examples"]
    assert (d["_type"], d["count"], d["width"], d["height"]) == ("images/separated", 3, 100, 100)
    assert d["captions"] == ["random field 0", "random field 1", "random field 2"]
    assert len({f["path"] for f in logged.files_records()}) == 3


def test_image_from_pil_example(init):
    _init, runs = init
    from PIL import Image as PILImage

    run = _init()
    examples = []
    for i in range(3):
        pixels = np.random.randint(low=0, high=256, size=(100, 100, 3), dtype=np.uint8)
        pil_image = PILImage.fromarray(pixels, mode="RGB")
        image = wandb.Image(pil_image, caption=f"random field {i}")
        examples.append(image)
    run.log({"examples": examples})
    d = _finish(runs).rows()[0]["examples"]
    assert (d["_type"], d["count"], d["format"]) == ("images/separated", 3, "png")


def test_video_from_numpy_example(init):
    _init, runs = init
    run = _init()
    # axes are (time, channel, height, width)
    frames = np.random.randint(low=0, high=256, size=(10, 3, 100, 100), dtype=np.uint8)
    run.log({"video": wandb.Video(frames, fps=4)})
    logged = _finish(runs)
    d = logged.rows()[0]["video"]
    assert (d["_type"], d["width"], d["height"]) == ("video-file", 100, 100)
    assert d["path"].endswith(".gif")
    logged.check_descriptor(d)


def test_matplotlib_example(init):
    _init, runs = init
    pytest.importorskip("matplotlib")
    from matplotlib import pyplot as plt

    run = _init()
    fig, ax = plt.subplots()
    x = np.linspace(0, 10)
    y = x * x
    ax.plot(x, y)  # plot y = x^2
    run.log({"chart": fig})
    plt.close(fig)
    logged = _finish(runs)
    d = logged.rows()[0]["chart"]
    # plotly installed and the figure converts → plotly-file; else a PNG image
    assert d["_type"] in ("plotly-file", "image-file")
    logged.check_descriptor(d)


def test_pr_curve_example(init):
    _init, runs = init
    rng = np.random.default_rng(0)
    y_test = rng.integers(0, 3, 50)
    y_probas = rng.dirichlet([1, 1, 1], size=50)
    labels = ["cat", "dog", "bird"]
    run = _init()
    run.log({"pr": wandb.plot.pr_curve(y_test, y_probas, labels)})
    logged = _finish(runs)
    d = logged.rows()[0]["pr_table"]
    assert (d["_type"], d["ncols"], d["nrows"]) == ("table-file", 3, 3 * 21)
    body = logged.json_file(d["path"])
    assert body["columns"] == ["class", "precision", "recall"]
    assert {r[0] for r in body["data"]} == set(labels)
    vis = logged.config()["_wandb"]["visualize"]["pr"]
    assert vis["panel_config"]["panelDefId"] == "wandb/area-under-curve/v0"


def test_3d_object_example(init, tmp_path, monkeypatch):
    _init, runs = init
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sample.obj").write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    (tmp_path / "sample.gltf").write_text(json.dumps({"asset": {"version": "2.0"}}))
    (tmp_path / "sample.glb").write_bytes(b"glTF\x02\x00\x00\x00\x0c\x00\x00\x00")
    run = _init()
    run.log(
        {
            "generated_samples": [
                wandb.Object3D(open("sample.obj")),
                wandb.Object3D(open("sample.gltf")),
                wandb.Object3D(open("sample.glb")),
            ]
        }
    )
    logged = _finish(runs)
    d = logged.rows()[0]["generated_samples"]
    assert d["_type"] == "object3D" and d["count"] == 3
    exts = [o["path"].rsplit(".", 1)[1] for o in d["objects"]]
    assert exts == ["obj", "gltf", "glb"]
    for o, name in zip(d["objects"], ("sample.obj", "sample.gltf", "sample.glb"), strict=True):
        assert logged.check_descriptor(o) == (tmp_path / name).read_bytes()
