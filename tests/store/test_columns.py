"""Every descriptor type cairn.data_types logs is classified as media in ``metric_keys``."""

from __future__ import annotations

from .conftest import write_run

# The batch descriptors of several media objects under one key (cairn/data_types/serialize.py)
# and the single-object ones; values are trimmed to what classification looks at.
MEDIA = ("object3D", "molecule", "html", "images/separated", "videos", "audio", "table",
         "image-file", "object3D-file", "molecule-file", "html-file", "table-file",
         "plotly-file", "graph-file", "video-file", "audio-file")


def test_media_descriptors_are_media(root, index):
    row = {f"k{i}": {"_type": t, "count": 2} for i, t in enumerate(MEDIA)}
    row["h"] = {"_type": "histogram", "values": [1], "bins": [0, 1]}
    row["plain"] = {"x": 1}
    write_run(root, "m", [row, row])
    index.ingest()
    kinds = {k["key"]: k["kind"] for k in index.metric_keys(["m"])}
    assert {kinds[f"k{i}"] for i in range(len(MEDIA))} == {"media"}, kinds
    assert kinds["h"] == "histogram" and kinds["plain.x"] == "number"
