"""Compatibility names that wandb integrations import from ``wandb.sdk.lib``."""

from cairn.sdk.disabled import RunDisabled

__all__ = ["RunDisabled"]
