"""Fixtures for the query-API tests: a root per module, indexed in SQLite and in PostgreSQL.

Runs are logged for real through ``import cairn as wandb``; tests compare what ``cairn.Api``
returns with what was logged. Each PostgreSQL-backed module gets a database of its own, created
here and dropped afterwards (127.0.0.1:5432, trust auth); without a reachable server those
parameters fail (scripts/ensure_services.sh starts PostgreSQL before the suite).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field

import pytest

import cairn as wandb
from cairn.sdk import globals as g

PG_ADMIN = os.environ.get("CAIRN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
QUIET = {"console": "off", "x_disable_stats": True, "silent": True, "disable_git": True}


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


@dataclass
class Store:
    """A root and its index URL (``None``: the root's SQLite file)."""

    base: str
    url: str | None
    logged: dict = field(default_factory=dict)

    @property
    def root(self) -> str:
        return os.path.join(self.base, "cairn-data")

    def api(self, **kw) -> wandb.Api:
        return wandb.Api(root=self.root, url=self.url, **kw)

    def log_run(self, project: str, rows: list[dict] = (), exit_code: int = 0,
                summary: dict | None = None, **init) -> str:
        """Log ``rows`` (each a ``log`` call; ``{"_step": n, ...}`` passes ``step=n``) and
        finish; return the run id."""
        run = wandb.init(dir=self.base, project=project, settings=dict(QUIET), reinit=True, **init)
        for row in rows:
            row = dict(row)
            step = row.pop("_step", None)
            wandb.log(row) if step is None else wandb.log(row, step=step)
        for k, v in (summary or {}).items():
            run.summary[k] = v
        run.finish(exit_code=exit_code, quiet=True)
        return run.id


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request, tmp_path_factory):
    """A fresh root (and, for PostgreSQL, a fresh database) shared by one test module."""
    base = str(tmp_path_factory.mktemp("api"))
    url = None
    dbname = None
    if request.param == "postgresql":
        dbname = f"cairn_api_{uuid.uuid4().hex[:12]}"
        try:
            _pg(f'CREATE DATABASE "{dbname}"')
        except Exception as e:  # never a silent skip: the PostgreSQL half is part of the suite
            pytest.fail(f"PostgreSQL not reachable at {PG_ADMIN}: {e}")
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{dbname}"
    with pytest.MonkeyPatch.context() as mp:
        for k in list(os.environ):
            if k.startswith(("WANDB_", "CAIRN_")) and k != "CAIRN_TEST_PG":
                mp.delenv(k)
        mp.setenv("CAIRN_SILENT", "1")
        yield Store(base, url)
        while g.active_run() is not None:
            g.active_run().finish(quiet=True)
    if dbname:
        _pg(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
