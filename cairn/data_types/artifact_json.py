"""Data types inside artifacts: ``Artifact.add(table, "name")`` and ``Artifact.get("name")``.

``Artifact.add`` calls ``obj.to_json(artifact)``; media files then go into the artifact at
``media/<subdir>/<sha256[:20]><ext>`` (see :func:`cairn.data_types.base.store_bytes`). A
Table becomes wandb's typed table format (R6.9 part 2)::

    {"_type": "table", "column_types": {...typedDict...}, "columns": [...], "data": [...],
     "ncols": n, "nrows": m}

with media cells as descriptors whose paths point inside the artifact. :func:`from_json`
rebuilds Tables, Images and Histograms from that JSON for ``Artifact.get``; other
descriptors come back as dicts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from typing import Any

from cairn.data_types.table import Table, cell_json, kind_of

_WB_TYPES = {"number": "number", "str": "string", "bool": "boolean", "list": "list", "dict": "typedDict",
             "ndarray": "ndarray", "timestamp": "timestamp"}


def _wb_type(kind: str | None, sample: Any) -> dict:
    if kind is None:
        return {"wb_type": "none"}
    if getattr(sample, "_cairn_media", False):
        return {"wb_type": getattr(sample, "_log_type", kind)}
    return {"wb_type": _WB_TYPES.get(kind, "any")}


def table_json(table: Table, artifact: Any) -> dict:
    """The typed table JSON, storing media cells' files in ``artifact``."""
    type_map = {}
    for i, col in enumerate(table.columns):
        sample = next((row[i] for row in table.data if row[i] is not None), None)
        t = _wb_type(kind_of(sample), sample)
        type_map[str(col)] = {"wb_type": "union", "params": {"allowed_types": [{"wb_type": "none"}, t]}}
    rows = table.data
    if len(rows) > table.MAX_ARTIFACT_ROWS:
        warnings.warn(f"Table has {len(rows)} rows; the artifact copy keeps the first "
                      f"{table.MAX_ARTIFACT_ROWS} (raise Table.MAX_ARTIFACT_ROWS to keep more)", stacklevel=3)
        rows = rows[: table.MAX_ARTIFACT_ROWS]
    data = [[_cell(v, artifact) for v in row] for row in rows]
    return {"_type": "table", "column_types": {"wb_type": "typedDict", "params": {"type_map": type_map}},
            "columns": table.columns, "data": data, "ncols": len(table.columns), "nrows": len(data)}


def _cell(v: Any, artifact: Any) -> Any:
    if getattr(v, "_cairn_media", False):
        return v.to_json(artifact)
    return cell_json(v)


def from_json(data: Any, artifact: Any = None) -> Any:
    """Rebuild a data type from its artifact JSON; anything unknown is returned as is."""
    if not isinstance(data, dict):
        return data
    kind = data.get("_type")
    if kind == "table":
        rows = [[from_json(v, artifact) for v in row] for row in data.get("data", [])]
        return Table(columns=data.get("columns"), data=rows, allow_mixed_types=True)
    if kind == "histogram":
        from cairn.data_types.histogram import Histogram

        return Histogram(np_histogram=(data["values"], data["bins"]))
    if kind == "image-file" and artifact is not None and "path" in data:
        from cairn.data_types.image import Image

        with _local(artifact, data["path"]) as local:
            if local:  # Image reads the bytes now, so the temporary copy can go right after
                return Image(local, caption=data.get("caption"), grouping=data.get("grouping"))
    return data


@contextlib.contextmanager
def _local(artifact: Any, path: str) -> Iterator[str | None]:
    """A readable local path for an artifact entry while the block runs (None when it cannot
    be found); any copy made for it is removed afterwards."""
    try:
        entry = artifact.get_entry(path)
    except KeyError:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="cairn-media-") as tmp:
        dest = entry.download(tmp) if getattr(artifact, "_final", False) else entry.ref_target()
        if not dest or not os.path.isfile(dest):
            yield None
            return
        if not dest.endswith(os.path.splitext(path)[1]):
            # a blob path has no extension; Image reads the format from the name
            link = os.path.join(tmp, os.path.basename(path))
            try:
                os.link(dest, link)
            except OSError:
                shutil.copyfile(dest, link)
            dest = link
        yield dest
