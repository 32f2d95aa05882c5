"""The index schema: SQLAlchemy Core tables shared by SQLite and PostgreSQL.

Everything here is a cache of run files (``cairn reindex`` rebuilds it). JSON-like values
(config, summary, tags, metadata) are stored as msgpack bytes, not as database JSON: msgpack
keeps NaN/±inf and int/float distinctions exactly and behaves identically on both databases;
queries over them are evaluated in Python over a cached copy (see ``cairn.store.filters``).

Metric history is stored twice, each shaped for one reader:

* ``history_rows``: the HISTORY record payloads as written (msgpack ``[schema, step, time,
  v…]`` rows) with the key schemas of the run, for exact wandb-shaped rows in logged order;
* ``history_chunks``: per numeric key, step-ordered chunks of at most ``CHUNK_POINTS`` points
  (numpy arrays as bytes) with count/min/max/first/last, step and time ranges, and per-block
  statistics, so bucketed views read statistics instead of points.

Names, keys and other text the user chooses are unbounded ``String()``: a length limit is
enforced by PostgreSQL only, so a long display name or metric key would index on SQLite and
fail on PostgreSQL. Run ids are bounded (128) as ``cairn.init`` bounds them.

Alembic migrations in ``cairn/store/migrations`` create exactly these tables; a test compares
the migrated database against this metadata.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

projects = Table(
    "projects",
    metadata,
    Column("name", String(), primary_key=True),
    Column("entity", String(), nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("project", String(), nullable=False),
    Column("entity", String(), nullable=False, default=""),
    Column("name", String()),
    Column("state", String(16), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("heartbeat_at", Float, nullable=False),
    Column("runtime", Float, nullable=False, default=0.0),
    Column("tags", LargeBinary),  # msgpack list
    Column("group", String(), nullable=False, default=""),
    Column("job_type", String(), nullable=False, default=""),
    Column("notes", Text, nullable=False, default=""),
    Column("config", LargeBinary),  # msgpack dict
    Column("summary", LargeBinary),  # msgpack dict
    Column("metrics", LargeBinary),  # msgpack list of define_metric definitions
    Column("host", String(), nullable=False, default=""),
    Column("pid", Integer),
    Column("metadata", LargeBinary),  # msgpack dict (telemetry)
    Column("exit_code", Integer),
    Column("last_step", BigInteger),
    Column("file_offset", BigInteger, nullable=False, default=0),  # bytes of run.cairn ingested
    Column("file_mtime", Float, nullable=False, default=0.0),
    Column("decoder", LargeBinary),  # msgpack: everything ingest needs to resume at file_offset
    Column("rev", BigInteger, nullable=False, default=0),  # global change counter (caches)
)
Index("ix_runs_project", runs.c.project)
Index("ix_runs_rev", runs.c.rev)

# One row; ``rev`` is bumped in every transaction that changes a run, so readers can tell
# cheaply whether their cached copy of the runs table is stale.
counters = Table(
    "counters",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

history_rows = Table(
    "history_rows",
    metadata,
    Column("run_id", String(128), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("step_min", BigInteger, nullable=False),
    Column("step_max", BigInteger, nullable=False),
    Column("count", Integer, nullable=False),
    Column("t0", Float, nullable=False),  # start_time of the session that wrote these rows
    Column("rt_off", Float, nullable=False),  # runtime_offset of that session
    Column("payload", LargeBinary, nullable=False),  # msgpack [[schema, step, time, v…], …]
)

history_keys = Table(
    "history_keys",
    metadata,
    Column("run_id", String(128), primary_key=True),
    Column("key", String(), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("count", BigInteger, nullable=False),
    Column("first_step", BigInteger),
    Column("last_step", BigInteger),
    Column("chunks", Integer, nullable=False, default=0),  # numeric chunks written
)

history_chunks = Table(
    "history_chunks",
    metadata,
    Column("run_id", String(128), primary_key=True),
    Column("key", String(), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("count", Integer, nullable=False),
    Column("step_min", BigInteger, nullable=False),
    Column("step_max", BigInteger, nullable=False),
    Column("rt_min", Float, nullable=False),
    Column("rt_max", Float, nullable=False),
    Column("ts_min", Float, nullable=False),
    Column("ts_max", Float, nullable=False),
    Column("vmin", Float),
    Column("vmax", Float),
    Column("first", Float),
    Column("last", Float),
    Column("xkey", String()),  # the key's step metric, when xs holds its values
    Column("x_min", Float),
    Column("x_max", Float),
    Column("x_mono", Integer, nullable=False, default=0),  # xs finite and non-decreasing
    # Blob order matters on SQLite: reaching a column walks the overflow pages of the ones
    # before it, so the small statistics come first and the rarely read times last.
    Column("blocks", LargeBinary, nullable=False),  # float64 block statistics (cairn.store.chunks)
    Column("steps", LargeBinary, nullable=False),  # int64 LE; empty when step_min..step_max dense
    Column("vals", LargeBinary, nullable=False),  # float64
    Column("xs", LargeBinary, nullable=False),  # float64 step-metric values, or empty
    Column("times", LargeBinary, nullable=False),  # float64 runtime[count] then timestamp[count]
)

files = Table(
    "files",
    metadata,
    Column("run_id", String(128), primary_key=True),
    Column("name", String(), primary_key=True),
    Column("size", BigInteger),
    Column("sha256", String(64)),
    Column("policy", String(16)),
    Column("updated_at", Float),
)

alerts = Table(
    "alerts",
    metadata,
    Column("run_id", String(128), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("title", String(), nullable=False),
    Column("text", Text, nullable=False),
    Column("level", String(16), nullable=False),
    Column("wait_duration", BigInteger),
    Column("time", Float),
    Column("throttled", Integer, nullable=False, default=0),
)

console = Table(
    "console",
    metadata,
    Column("run_id", String(128), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("stream", String(16), nullable=False),
    Column("time", Float),
    Column("line", Text, nullable=False),
)

system_metrics = Table(
    "system_metrics",
    metadata,
    Column("run_id", String(128), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("time", Float, nullable=False),
    Column("values", LargeBinary, nullable=False),  # msgpack dict
)

# Tables holding per-run rows (deleted with the run).
PER_RUN = (history_rows, history_keys, history_chunks, files, alerts, console, system_metrics)
