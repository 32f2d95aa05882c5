"""Compatibility module: ``wandb.wandb_run.Run``."""

from cairn.sdk.run import Run

__all__ = ["Run"]
