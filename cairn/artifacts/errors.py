"""Artifact error types, named as in wandb so ``except`` clauses written for wandb keep working.

``ArtifactNotLoggedError`` / ``ArtifactFinalizedError`` are also ``AttributeError`` (as in wandb,
where they are raised from property access). ``ArtifactCorruptError`` is a ``ValueError``
raised when stored bytes no longer match the manifest digest.
"""

from __future__ import annotations

from cairn.sdk.errors import Error


class ArtifactStatusError(Error, AttributeError):
    """An operation that is invalid for the artifact's current state."""


class ArtifactNotLoggedError(ArtifactStatusError):
    """A property or method that needs a logged (committed) artifact was used too early."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"'Artifact.{what}' used prior to logging artifact; the artifact must be logged "
            "(run.log_artifact / use_artifact) first"
        )


class ArtifactFinalizedError(ArtifactStatusError):
    """A change to an artifact that was already logged."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"'Artifact.{what}' used on a logged artifact; it can't be modified. "
            "Create a new Artifact (or a new version with new_draft()) instead"
        )


class ArtifactCorruptError(Error, ValueError):
    """Stored bytes (a blob or a downloaded file) do not match the manifest's digest."""
