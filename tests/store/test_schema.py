"""The Alembic migrations create exactly the tables of ``cairn.store.schema``."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from cairn.store.index import open_index
from cairn.store.schema import metadata


def test_migrated_database_matches_the_schema_module(root, index):
    with index.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_opening_twice_migrates_once(root, db_url, index):
    again = open_index(root, db_url)
    assert again.runs() == ([], 0)
    again.close()


def test_sqlite_index_uses_wal(root, index):
    if index.engine.dialect.name != "sqlite":
        return
    with index.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
