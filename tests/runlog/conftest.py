"""The run-file tests share the SDK tests' fixtures: an isolated root per test, and readers
that look only at what reached disk."""

from tests.sdk.conftest import AUTO, Disk, disk, isolated, run  # noqa: F401
