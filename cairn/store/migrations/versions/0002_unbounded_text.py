"""User-chosen text (project, entity, display name, group, job type, host, metric keys, file
names, alert titles) becomes unbounded VARCHAR.

The bounds of 0001 were enforced by PostgreSQL only: a run with a 300-character display name or
a 600-character metric key was indexed on SQLite and failed to ingest on PostgreSQL. On
PostgreSQL dropping a VARCHAR length is a catalog change (no table rewrite); SQLite never
enforced the lengths, so nothing changes there.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_WIDENED = {
    "projects": ("name", "entity"),
    "runs": ("project", "entity", "name", "group", "job_type", "host"),
    "history_keys": ("key",),
    "history_chunks": ("key", "xkey"),
    "files": ("name",),
    "alerts": ("title",),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in _WIDENED.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.String())


def downgrade() -> None:
    raise NotImplementedError("the index is a cache: drop it and run `cairn reindex`")
