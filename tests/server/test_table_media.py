"""Table pages carry their media cells as descriptors; media files get standard types."""

from __future__ import annotations

import json

from cairn.server.routes_files import content_type, load_table, with_media_cells


def test_media_cells_replace_class_names_in_their_rows(tmp_path):
    img = {"_type": "image-file", "path": "media/images/a.png", "caption": "cat"}
    body = {"columns": ["image", "n"], "data": [["Image", 1], ["Image", 2], [None, 3]],
            "media_cells": [[1, 0, img], [0, 0, {"_type": "image-file", "path": "b.png"}],
                            [9, 0, img], [0, 7, img], ["x", 0, img], [2, 0, "not a descriptor"]]}
    path = tmp_path / "t.table.json"
    path.write_text(json.dumps(body))
    rows = with_media_cells(load_table(str(path)))
    assert rows == [[{"_type": "image-file", "path": "b.png"}, 1], [img, 2], [None, 3]]


def test_a_wandb_table_file_without_media_cells_is_unchanged():
    data = {"columns": ["a"], "data": [["Image"], [1]]}
    assert with_media_cells(data) == [["Image"], [1]]


def test_media_content_types_do_not_depend_on_the_platform():
    assert content_type("media/audio/x.wav") == "audio/wav"
    assert content_type("media/videos/x.GIF") == "image/gif"
    assert content_type("media/videos/x.mp4") == "video/mp4"
    assert content_type("notes.unknownext") == "application/octet-stream"
    for script in ("code/train.js", "code/x.mjs"):  # never executable from the UI's origin
        assert content_type(script) == "text/plain"
