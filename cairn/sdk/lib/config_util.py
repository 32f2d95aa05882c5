"""Compatibility module: ``wandb.sdk.lib.config_util.ConfigError``."""

from cairn.sdk.errors import ConfigError

__all__ = ["ConfigError"]
