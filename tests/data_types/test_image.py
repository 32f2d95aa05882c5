"""Image (R6.4–R6.6): every input form, the descriptor, the stored file and bad input."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image as PILImage

import cairn as wandb

NAME = re.compile(r"^media/images/img_0_[0-9a-f]{20}\.png$")


def _log_one(logged, img, key="img"):
    logged.run.log({key: img})
    logged.run.finish(quiet=True)
    return logged.rows()[0][key]


def _pixels(logged, d):
    return np.asarray(PILImage.open(io.BytesIO(logged.check_descriptor(d))))


def test_2d_float_array_descriptor_matches_r6_4(logged):
    d = _log_one(logged, wandb.Image(np.zeros((8, 10)), caption="c"))
    assert NAME.match(d["path"])
    assert d["sha256"].startswith(d["path"].rsplit("_", 1)[1][:20])
    assert {k: d[k] for k in ("_type", "format", "width", "height", "caption")} == {
        "_type": "image-file", "format": "png", "width": 10, "height": 8, "caption": "c"}
    logged.check_descriptor(d)


def test_float_in_unit_range_scaled_by_255(logged):
    a = np.array([[0.0, 0.5], [1.0, 0.25]])
    assert _pixels(logged, _log_one(logged, wandb.Image(a))).tolist() == [[0, 127], [255, 63]]


def test_negative_values_min_max_normalised(logged):
    a = np.array([[-1.0, 0.0], [1.0, 0.0]])
    assert _pixels(logged, _log_one(logged, wandb.Image(a))).tolist() == [[0, 127], [255, 127]]


def test_values_above_255_clipped(logged):
    a = np.array([[300.0, 2.0]])
    assert _pixels(logged, _log_one(logged, wandb.Image(a))).tolist() == [[255, 2]]


def test_uint8_rgb_stored_exactly(logged):
    a = np.random.default_rng(0).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    d = _log_one(logged, wandb.Image(a))
    px = _pixels(logged, d)
    assert (d["width"], d["height"]) == (7, 5)
    assert np.array_equal(px, a)


def test_rgba_mode_and_trailing_one_squeezed(logged):
    logged.run.log({"a": wandb.Image(np.full((4, 4, 4), 200, np.uint8)),
                    "b": wandb.Image(np.full((8, 10, 1), 0.5))})
    logged.run.finish(quiet=True)
    row = logged.rows()[0]
    assert PILImage.open(io.BytesIO(logged.file(row["a"]["path"]))).mode == "RGBA"
    im = PILImage.open(io.BytesIO(logged.file(row["b"]["path"])))
    assert im.mode == "L" and im.size == (10, 8)


def test_channel_first_array_moved_to_channel_last(logged):
    a = np.zeros((3, 6, 9), np.uint8)
    a[0] = 255
    d = _log_one(logged, wandb.Image(a))
    px = _pixels(logged, d)
    assert (d["width"], d["height"]) == (9, 6)
    assert px[0, 0].tolist() == [255, 0, 0]


def test_pil_image_mode_preserved(logged):
    pil = PILImage.new("RGBA", (3, 2), (1, 2, 3, 4))
    d = _log_one(logged, wandb.Image(pil))
    im = PILImage.open(io.BytesIO(logged.file(d["path"])))
    assert im.mode == "RGBA" and im.getpixel((0, 0)) == (1, 2, 3, 4)


def test_path_copied_byte_for_byte_with_its_format(logged, tmp_path):
    src = tmp_path / "f.jpg"
    PILImage.new("RGB", (4, 3), (10, 20, 30)).save(src, format="JPEG")
    d = _log_one(logged, wandb.Image(str(src)))
    assert d["format"] == "jpg" and d["path"].endswith(".jpg")
    assert (d["width"], d["height"]) == (4, 3)
    assert logged.file(d["path"]) == src.read_bytes()


@pytest.mark.parametrize("ft,magic", [("png", b"\x89PNG"), ("jpg", b"\xff\xd8"), ("bmp", b"BM")])
def test_file_type_selects_encoding(logged, ft, magic):
    d = _log_one(logged, wandb.Image(np.zeros((4, 4, 4), np.uint8), file_type=ft))
    assert d["format"] == ft and d["path"].endswith("." + ft)
    assert logged.file(d["path"]).startswith(magic)


class _FakeTensor:
    """Duck-typed stand-in for a torch tensor (torch is not a test dependency)."""

    __module__ = "torch"

    def __init__(self, a):
        self.a = a

    def detach(self):
        return self

    def cpu(self):
        return self

    def numpy(self):
        return self.a


def test_tensor_chw_min_max_normalised(logged):
    a = np.zeros((3, 2, 2), np.float32)
    a[:, 0, 0] = 4.0
    px = _pixels(logged, _log_one(logged, wandb.Image(_FakeTensor(a))))
    assert px[0, 0].tolist() == [255, 255, 255] and px[1, 1].tolist() == [0, 0, 0]


def test_tensor_batch_tiled_into_grid(logged):
    d = _log_one(logged, wandb.Image(_FakeTensor(np.ones((2, 3, 4, 4), np.float32))))
    assert (d["width"], d["height"]) == (2 * (4 + 2) + 2, 4 + 4)


def test_grouping_written(logged):
    assert _log_one(logged, wandb.Image(np.zeros((2, 2)), grouping=3))["grouping"] == 3


def test_masks_written_as_png_with_labels_in_config(logged):
    mask = np.array([[0, 1], [2, 1]])
    img = wandb.Image(np.zeros((2, 2)), masks={"pred": {"mask_data": mask, "class_labels": {1: "cat", 2: "dog"}}})
    d = _log_one(logged, img)
    m = d["masks"]["pred"]
    assert m["_type"] == "mask"
    assert re.match(r"^media/images/mask/img_0_[0-9a-f]{20}\.mask\.png$", m["path"])
    assert np.asarray(PILImage.open(io.BytesIO(logged.check_descriptor(m)))).tolist() == [[0, 1], [2, 1]]
    labels = logged.config()["_wandb"]["mask/class_labels"]
    assert labels == {"img_wandb_delimeter_pred": {"1": "cat", "2": "dog"}}


def test_boxes_written_as_json_with_labels_in_config(logged):
    box = {"position": {"minX": 0.1, "maxX": 0.5, "minY": 0.2, "maxY": 0.6}, "class_id": 1,
           "box_caption": "cat", "scores": {"acc": 0.9}}
    img = wandb.Image(np.zeros((2, 2)), boxes={"pred": {"box_data": [box], "class_labels": {1: "cat"}}})
    b = _log_one(logged, img)["boxes"]["pred"]
    assert b["_type"] == "boxes2D"
    assert re.match(r"^media/metadata/boxes2D/img_0_[0-9a-f]{20}\.boxes2D\.json$", b["path"])
    logged.check_descriptor(b)
    body = logged.json_file(b["path"])
    assert body["box_data"][0]["position"] == box["position"]
    assert body["box_data"][0]["scores"] == {"acc": 0.9}
    assert body["class_labels"] == {"1": "cat"}
    assert logged.config()["_wandb"]["bounding_box/class_labels"] == {"img_wandb_delimeter_pred": {"1": "cat"}}


@pytest.mark.parametrize("box", [
    {"position": {"minX": 0}, "class_id": 1},
    {"position": {"minX": 0, "maxX": 1, "minY": 0, "maxY": "1"}, "class_id": 1},
    {"position": {"middle": [0, 0], "width": 1, "height": 1}, "class_id": "a"},
    {"position": {"middle": [0, 0], "width": 1, "height": 1}, "class_id": 1, "domain": "cm"},
    {"position": {"middle": [0, 0], "width": 1, "height": 1}, "class_id": 1, "scores": {"a": "x"}},
])
def test_invalid_box_data_raises_type_error(box):
    with pytest.raises(TypeError):
        wandb.Image(np.zeros((2, 2)), boxes={"b": {"box_data": [box]}})


def test_image_list_is_images_separated(logged):
    imgs = [wandb.Image(np.full((4, 6), i, np.uint8), caption=f"c{i}") for i in range(3)]
    d = _log_one(logged, imgs, key="imgs")
    assert {k: d[k] for k in ("_type", "width", "height", "format", "count", "captions")} == {
        "_type": "images/separated", "width": 6, "height": 4, "format": "png", "count": 3,
        "captions": ["c0", "c1", "c2"]}
    assert len(d["filenames"]) == 3
    assert all(re.match(r"^media/images/imgs_0_[0-9a-f]{20}\.png$", p) for p in d["filenames"])
    assert {f["path"] for f in logged.files_records()} == set(d["filenames"])


def test_image_list_truncated_to_max_items_with_warning(logged):
    imgs = [wandb.Image(np.zeros((1, 1), np.uint8))] * 110
    with pytest.warns(UserWarning, match="108"):
        logged.run.log({"imgs": imgs})
    logged.run.finish(quiet=True)
    assert logged.rows()[0]["imgs"]["count"] == 108


def test_image_list_with_masks_has_all_masks(logged):
    m = {"m": {"mask_data": np.zeros((2, 2), int)}}
    d = _log_one(logged, [wandb.Image(np.zeros((2, 2)), masks=m), wandb.Image(np.zeros((2, 2)))], key="imgs")
    assert d["all_masks"][0]["m"]["_type"] == "mask" and d["all_masks"][1] is None


@pytest.mark.parametrize("bad,exc", [
    (np.zeros((2, 2, 5)), ValueError),
    (np.zeros((2, 3, 4, 5)), ValueError),
    (np.array([[np.nan, 1.0]]), ValueError),
    (np.array([["a", "b"]]), TypeError),
    (object(), TypeError),
])
def test_bad_input_raises_before_anything_is_written(logged, bad, exc):
    with pytest.raises(exc):
        logged.run.log({"img": wandb.Image(bad)})
    logged.run.finish(quiet=True)
    assert logged.rows() == [] and logged.files_records() == []


def test_missing_path_raises_value_error():
    with pytest.raises(ValueError, match="does not exist"):
        wandb.Image("no/such/file.png")


def test_unknown_file_type_raises_value_error():
    with pytest.raises(ValueError, match="file_type"):
        wandb.Image(np.zeros((2, 2)), file_type="tiff")


def test_classes_written_as_classes_file(logged):
    d = _log_one(logged, wandb.Image(np.zeros((2, 2)), classes=[{"id": 1, "name": "cat"}]))
    c = d["classes"]
    assert c["type"] == "classes-file" and c["path"].startswith("media/classes/img_0_")
    assert logged.json_file(c["path"]) == {"class_set": [{"id": 1, "name": "cat"}]}


def test_bad_classes_type_error():
    with pytest.raises(TypeError, match="classes"):
        wandb.Image(np.zeros((2, 2)), classes=["cat"])


def test_image_copy_constructor_keeps_pixels(logged):
    a = np.full((3, 3), 9, np.uint8)
    d = _log_one(logged, wandb.Image(wandb.Image(a), caption="copy"))
    assert d["caption"] == "copy" and _pixels(logged, d).tolist() == a.tolist()


def test_tensor_without_normalize_uses_array_rules(logged):
    a = np.zeros((1, 2, 2), np.float32)
    a[0, 0, 0] = 0.5
    px = _pixels(logged, _log_one(logged, wandb.Image(_FakeTensor(a), normalize=False)))
    assert px.tolist() == [[127, 0], [0, 0]]


def test_classes_object_accepted(logged):
    from cairn.data_types import Classes

    d = _log_one(logged, wandb.Image(np.zeros((2, 2)), classes=Classes([{"id": 0, "name": "bg"}])))
    assert logged.json_file(d["classes"]["path"]) == {"class_set": [{"id": 0, "name": "bg"}]}
