"""Fixtures shared by several test folders (each folder's conftest builds on them)."""

from __future__ import annotations

import math
import os

import pytest

from cairn.sdk import globals as g


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@pytest.fixture
def same():
    """``same(a, b)``: equality of logged values with NaN equal to NaN and types compared
    exactly (``1`` is not ``1.0``, ``True`` is not ``1``), through nested dicts and lists."""
    return _same


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    """No WANDB_*/CAIRN_* variables leak in (``CAIRN_TEST_PG`` stays), ``CAIRN_SILENT=1``, the
    working directory is ``tmp_path``; runs left active are finished afterwards."""
    for k in list(os.environ):
        if k.startswith(("WANDB_", "CAIRN_")) and k != "CAIRN_TEST_PG":
            monkeypatch.delenv(k)
    monkeypatch.setenv("CAIRN_SILENT", "1")
    monkeypatch.chdir(tmp_path)
    yield monkeypatch
    while g.active_run() is not None:
        g.active_run().finish(quiet=True)
