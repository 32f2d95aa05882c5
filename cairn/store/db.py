"""Engines for the index: SQLite (WAL, busy timeout, immediate write transactions) or PostgreSQL.

``connect(url)`` returns an Engine whose schema is at the latest Alembic revision. Write
transactions are opened with ``write(engine)``: on SQLite that is ``BEGIN IMMEDIATE``, which
takes the write lock up front, so two processes ingesting at once queue on the busy timeout
instead of failing with "database is locked" when a read transaction tries to upgrade; on
PostgreSQL it is an ordinary transaction (row locks and conditional updates do the rest).
Migration runs under the same lock (SQLite) or an advisory lock (PostgreSQL), so several
processes opening a fresh index at once create the schema once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine

_MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")
BUSY_TIMEOUT_MS = 60_000


def default_url(root: str) -> str:
    """The SQLite URL of ``root``'s own index file, ``<root>/index.sqlite``."""
    return "sqlite:///" + os.path.join(os.path.abspath(root), "index.sqlite")


def connect(url: str) -> Engine:
    """Create the engine for ``url`` and migrate its schema to the latest revision.

    Raises whatever the driver raises when the database is unreachable (never silently
    falls back to another database). Cost: one connection plus, on a fresh database, the
    schema creation.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
        _sqlite_setup(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    try:
        migrate(engine)
    except BaseException:
        engine.dispose()  # an unreachable or broken database must not leave a pool behind
        raise
    return engine


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _rec):  # noqa: ANN001
        # Take transaction control from the driver so BEGIN IMMEDIATE is ours to issue.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        # Big pages keep history chunks (64 KiB blobs) on short overflow chains; only takes
        # effect when the file is created, before WAL mode is set.
        cur.execute("PRAGMA page_size=32768")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=OFF")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("cairn_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    """A write transaction (committed on success, rolled back on error)."""
    with engine.connect() as conn:
        conn = conn.execution_options(cairn_write=True)
        with conn.begin():
            yield conn


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the latest Alembic revision, once, under a lock."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", _MIGRATIONS)
    with write(engine) as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7424711)"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
