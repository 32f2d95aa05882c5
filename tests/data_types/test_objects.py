"""Object3D (R6.13), Molecule (R6.14), Html (R6.12), Plotly and matplotlib figures (R6.15), Graph."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
from PIL import Image as PILImage

import cairn as wandb


def _one(logged, key, value):
    logged.run.log({key: value})
    logged.run.finish(quiet=True)
    return logged.rows()[0][key]


@pytest.mark.parametrize("cols", [3, 4, 6])
def test_point_cloud_written_as_pts_json(logged, cols):
    pts = np.arange(2 * cols, dtype=float).reshape(2, cols)
    d = _one(logged, "pc", wandb.Object3D(pts))
    assert re.match(r"^media/object3D/pc_0_[0-9a-f]{20}\.pts\.json$", d["path"])
    assert d["_type"] == "object3D-file"
    assert json.loads(logged.check_descriptor(d)) == pts.tolist()


def test_point_cloud_bad_shape_value_error():
    with pytest.raises(ValueError, match="N,3"):
        wandb.Object3D(np.zeros((4, 5)))


def test_lidar_scene_dict(logged):
    scene = {"type": "lidar/beta", "points": np.zeros((2, 3)), "boxes": [], "vectors": []}
    d = _one(logged, "scene", wandb.Object3D(scene))
    body = json.loads(logged.check_descriptor(d))
    assert body["type"] == "lidar/beta" and body["points"] == [[0.0] * 3] * 2


def test_scene_with_unknown_type_value_error():
    with pytest.raises(ValueError, match="lidar/beta"):
        wandb.Object3D({"type": "radar", "points": np.zeros((1, 3))})


@pytest.mark.parametrize("ext", ["obj", "gltf", "glb", "stl", "babylon"])
def test_mesh_file_copied_as_is(logged, tmp_path, ext):
    src = tmp_path / f"m.{ext}"
    src.write_bytes(b"\x00\x01mesh" if ext in ("glb", "stl") else b"v 0 0 0\n")
    d = _one(logged, "m", wandb.Object3D(str(src)))
    assert d["path"].endswith("." + ext) and logged.file(d["path"]) == src.read_bytes()


def test_text_mode_file_object_uses_its_name(logged, tmp_path):
    src = tmp_path / "m.glb"
    src.write_bytes(bytes(range(256)))  # not valid UTF-8: must be re-read as bytes
    with open(src) as f:
        d = _one(logged, "m", wandb.Object3D(f))
    assert d["path"].endswith(".glb") and logged.file(d["path"]) == src.read_bytes()


def test_nameless_file_object_needs_file_type():
    with pytest.raises(ValueError, match="file_type"):
        wandb.Object3D(io.BytesIO(b"x"))
    assert wandb.Object3D(io.BytesIO(b"v 0 0 0"), file_type="obj")._ext == "obj"


def test_unsupported_mesh_extension_value_error(tmp_path):
    (tmp_path / "m.fbx").write_bytes(b"x")
    with pytest.raises(ValueError, match="Object3D supports"):
        wandb.Object3D(str(tmp_path / "m.fbx"))


def test_object3d_list_batch(logged):
    d = _one(logged, "objs", [wandb.Object3D(np.zeros((1, 3))), wandb.Object3D(np.ones((1, 3)))])
    assert d["_type"] == "object3D" and d["count"] == 2 and len(d["filenames"]) == 2


def test_molecule_file(logged, tmp_path):
    src = tmp_path / "x.pdb"
    src.write_text("ATOM      1  N   ALA A   1      11.104   6.134  -6.504  1.00  0.00           N\n")
    d = _one(logged, "mol", wandb.Molecule(str(src), caption="ala"))
    assert re.match(r"^media/molecule/mol_0_[0-9a-f]{20}\.pdb$", d["path"])
    assert d["_type"] == "molecule-file" and d["caption"] == "ala"
    assert logged.file(d["path"]) == src.read_bytes()


def test_molecule_unknown_format_value_error(tmp_path):
    (tmp_path / "x.xyz").write_text("1")
    with pytest.raises(ValueError, match="Molecule supports"):
        wandb.Molecule(str(tmp_path / "x.xyz"))


def test_molecule_from_smiles_without_rdkit_names_it():
    pytest.importorskip("numpy")
    try:
        import rdkit  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="rdkit"):
            wandb.Molecule.from_smiles("CCO")


def test_html_injects_base_target(logged):
    d = _one(logged, "page", wandb.Html("<html><head><title>t</title></head><body>hi</body></html>"))
    assert re.match(r"^media/html/page_0_[0-9a-f]{20}\.html$", d["path"])
    assert d["_type"] == "html-file"
    html = logged.check_descriptor(d).decode()
    assert html.startswith('<html><head><base target="_blank"><title>')


def test_html_without_inject_stored_verbatim(logged):
    d = _one(logged, "page", wandb.Html("<p>x</p>", inject=False))
    assert logged.file(d["path"]) == b"<p>x</p>"


def test_html_from_file_object(logged):
    d = _one(logged, "page", wandb.Html(io.StringIO("<p>y</p>")))
    assert logged.file(d["path"]).endswith(b"<p>y</p>")


def test_plotly_figure(logged):
    go = pytest.importorskip("plotly.graph_objects")
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    d = _one(logged, "fig", fig)
    assert re.match(r"^media/plotly/fig_0_[0-9a-f]{20}\.plotly\.json$", d["path"])
    assert d["_type"] == "plotly-file"
    assert json.loads(logged.check_descriptor(d))["data"][0]["y"] == [3, 4]


def test_matplotlib_figure_with_image_logged_as_image(logged):
    plt = pytest.importorskip("matplotlib.pyplot")
    fig, ax = plt.subplots()
    ax.imshow(np.zeros((4, 4)))
    d = _one(logged, "fig", fig)
    plt.close(fig)
    assert d["_type"] == "image-file"
    assert PILImage.open(io.BytesIO(logged.check_descriptor(d))).format == "PNG"


def test_image_of_matplotlib_figure_is_rasterised(logged):
    plt = pytest.importorskip("matplotlib.pyplot")
    fig, ax = plt.subplots(figsize=(2, 1), dpi=50)
    ax.plot([1, 2])
    d = _one(logged, "fig", wandb.Image(fig))
    plt.close(fig)
    assert (d["_type"], d["width"], d["height"]) == ("image-file", 100, 50)


def test_graph(logged):
    g = wandb.Graph(format="torch")
    a = g.add_node(name="a", class_name="Linear")
    b = g.add_node(name="b")
    g.add_edge(a, b)
    d = _one(logged, "graph", g)
    assert d["_type"] == "graph-file"
    assert json.loads(logged.check_descriptor(d))["edges"] == [[0, 1]]
