"""Artifacts: versioned, content-addressed sets of files (wandb-semantics §7).

``Artifact`` builds a version; ``run_ops`` logs, uses and links it for a run; ``store`` owns
the on-disk collections (numbering, aliases); ``query`` answers ``cairn.Api``; ``fetch``
downloads; ``refs`` handles ``file://``, ``s3://`` and ``http(s)://`` references; ``files``
implements ``run.save``/``restore``; ``code`` implements ``run.log_code``.
"""

from cairn.artifacts.artifact import Artifact
from cairn.artifacts.errors import (
    ArtifactCorruptError,
    ArtifactFinalizedError,
    ArtifactNotLoggedError,
    ArtifactStatusError,
)
from cairn.artifacts.manifest import Entry as ArtifactManifestEntry

__all__ = [
    "Artifact",
    "ArtifactCorruptError",
    "ArtifactFinalizedError",
    "ArtifactManifestEntry",
    "ArtifactNotLoggedError",
    "ArtifactStatusError",
]
