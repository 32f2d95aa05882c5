"""Fixtures for the index tests: every test runs once on SQLite and once on PostgreSQL.

PostgreSQL is reached at ``CAIRN_TEST_PG`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``);
each test gets a fresh schema selected through ``search_path`` and dropped afterwards. If the
server is unreachable the PostgreSQL tests fail: they are never skipped.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from cairn.runlog import format as fmt
from cairn.runlog.writer import RunWriter
from cairn.store.index import open_index

PG_URL = os.environ.get("CAIRN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextlib.contextmanager
def pg_schema_url() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL schema (selected through ``search_path``), dropped
    on exit."""
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    try:
        # synchronous_commit=off: tests need no durability, and commits then skip the fsync wait
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """An SQLAlchemy URL for an empty index database of the parametrized kind."""
    if request.param == "sqlite":
        yield None  # the default: <root>/index.sqlite
        return
    with pg_schema_url() as url:
        yield url


@pytest.fixture
def root(tmp_path, clean_env):
    """An isolated root (also the SDK's ``CAIRN_ROOT``) in a clean environment (tests/conftest)."""
    r = tmp_path / "root"
    r.mkdir()
    clean_env.setenv("CAIRN_ROOT", str(r))
    return str(r)


@pytest.fixture
def index(root, db_url):
    ix = open_index(root, db_url)
    yield ix
    ix.close()


SDK_SETTINGS = {"console": "off", "x_disable_stats": True}


def write_run(root: str, run_id: str, rows: list[dict] | None = None, project: str = "p",
              config: dict | None = None, summary: dict | None = None, exit_code: int | None = 0,
              start: float | None = None, **info) -> str:
    """Write a run file directly (as the SDK would) and return its path. ``rows`` are user
    rows logged at steps 0, 1, …; ``summary`` is the final summary (default: last values)."""
    d = os.path.join(root, "runs", run_id)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "run.cairn")
    w = RunWriter(path)
    t0 = time.time() if start is None else start
    w.put(fmt.RUN, {"id": run_id, "project": project, "entity": "", "name": info.pop("name", run_id),
                    "start_time": t0, "runtime_offset": 0.0, "host": "elsewhere", "pid": 1,
                    "config": config or {}, **info})
    last: dict = {}
    for i, row in enumerate(rows or ()):
        w.put_row(i, t0 + i * 0.01, row)
        last.update(row)
    if exit_code is not None:
        final = dict(last if summary is None else summary)
        w.put(fmt.SUMMARY, {"final": final})
        w.put(fmt.EXIT, {"exit_code": exit_code, "runtime": 1.0, "time": t0 + 1})
    w.close()
    return path
