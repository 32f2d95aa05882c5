"""Loggable data types: ``Image``, ``Video``, ``Audio``, ``Histogram``, ``Table``, ``Object3D``,
``Molecule``, ``Html``, ``Plotly``, ``Graph`` (wandb-semantics §6).

Each is validated when built (bad input raises ``ValueError``/``TypeError`` before anything is
queued) and written when logged: bytes to the content-addressed blobs, a copy under
``run.dir/media/…``, a FILES record, and a descriptor in the history row or summary. See
:mod:`cairn.data_types.base` for the shared rules. This package loads only on first use
(``cairn.Image`` etc.), so ``import cairn`` stays light.
"""

from cairn.data_types.artifact_json import from_json
from cairn.data_types.audio import Audio
from cairn.data_types.base import Media
from cairn.data_types.graph import Edge, Graph, Node
from cairn.data_types.histogram import Histogram
from cairn.data_types.html import Html
from cairn.data_types.image import Image
from cairn.data_types.object3d import Molecule, Object3D
from cairn.data_types.overlays import Classes
from cairn.data_types.plotly import Plotly
from cairn.data_types.table import Table
from cairn.data_types.video import Video

WBValue = Media

__all__ = ["Audio", "Classes", "Edge", "Graph", "Histogram", "Html", "Image", "Media", "Molecule", "Node",
           "Object3D", "Plotly", "Table", "Video", "WBValue", "from_json"]
