"""Compatibility module: ``wandb.errors``."""

from cairn.sdk.errors import AuthenticationError, CommError, ConfigError, Error, UsageError

__all__ = ["Error", "UsageError", "CommError", "ConfigError", "AuthenticationError"]
