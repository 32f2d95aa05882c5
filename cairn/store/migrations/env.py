"""Alembic environment: migrations always run on a connection handed over by ``cairn.store.db``."""

from alembic import context

conn = context.config.attributes["connection"]
context.configure(connection=conn, target_metadata=None, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
