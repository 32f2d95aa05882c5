"""Exception types, named and nested as in wandb so that ``except wandb.Error`` keeps working.

``Error`` is the root; ``UsageError`` is raised for calls that are wrong for the run's state
(logging after ``finish``); ``ConfigError`` for a changed config value; ``CommError`` for a
failed lookup in the query API.
"""


class Error(Exception):
    """Base class of every error Cairn raises on purpose."""

    def __init__(self, message: str = "", context: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.context = context


class UsageError(Error):
    """A call that is invalid for the current state or arguments."""


class CommError(Error):
    """A lookup against a store or server failed (unknown run, unreachable server)."""

    def __init__(self, message: str = "", exc: Exception | None = None) -> None:
        super().__init__(message)
        self.exc = exc


class ConfigError(Error):
    """An attempt to change a config value without ``allow_val_change``."""


class AuthenticationError(CommError):
    """Credentials were rejected by a server."""
