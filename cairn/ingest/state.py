"""What ingest remembers about a run between passes (stored msgpacked in ``runs.decoder``).

With this state and the byte offset reached, a later pass reads only the new bytes of the run
file and continues exactly where the previous pass stopped: key schemas and the session clock
(``start_time``/``runtime_offset``) decode new rows; the summary state and metric definitions
continue the summary replay with the SDK's own rules; counters give sequence numbers to new
rows of each per-run table.
"""

from __future__ import annotations

from typing import Any

from cairn.runlog import format as fmt
from cairn.sdk.metrics import MetricDefs
from cairn.sdk.summary_state import SummaryState


class RunState:
    """Decoder and summary state of one run, plus its identity fields for the ``runs`` row."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.schemas: dict[int, list[str]] = {}
        self.t0 = 0.0
        self.rt_off = 0.0
        self.info: dict[str, Any] = {}  # project, entity, name, notes, tags, group, job_type, ...
        self.config: dict = {}
        self.defs_log: list[dict] = []  # define_metric definitions in the order applied
        self.defs = MetricDefs()
        self.summary = SummaryState(self.defs)
        self.finished_summary = False  # latest came from a final SUMMARY record
        self.state = "running"
        self.exit_code: int | None = None
        self.created_at: float | None = None
        self.heartbeat_at = 0.0
        self.runtime = 0.0
        self.last_step: int | None = None
        self.host = ""
        self.pid: int | None = None
        self.metadata: dict = {}
        self.rewinds: list[list] = []  # [file offset of the RUN record, cut step]
        self.seq: dict[str, int] = {}  # next sequence number per table
        self.key_chunks: dict[str, int] = {}  # numeric chunks written per key
        self.key_tail: dict[str, tuple[int, int]] = {}  # first partial tail chunk, its points

    def define(self, d: dict) -> None:
        self.defs.define(d)
        self.defs_log.append(d)

    def next_seq(self, table: str, n: int = 1) -> int:
        s = self.seq.get(table, 0)
        self.seq[table] = s + n
        return s

    def to_bytes(self) -> bytes:
        s = self.summary
        return fmt.pack(
            {
                "schemas": list(self.schemas.items()),
                "t0": self.t0,
                "rt_off": self.rt_off,
                "info": self.info,
                "config": self.config,
                "defs": self.defs_log,
                "latest": s.latest,
                "agg": s._agg,
                "plain": sorted(s._plain),
                "finished_summary": self.finished_summary,
                "state": self.state,
                "exit_code": self.exit_code,
                "created_at": self.created_at,
                "heartbeat_at": self.heartbeat_at,
                "runtime": self.runtime,
                "last_step": self.last_step,
                "host": self.host,
                "pid": self.pid,
                "metadata": self.metadata,
                "rewinds": self.rewinds,
                "seq": self.seq,
                "key_chunks": self.key_chunks,
                "key_tail": self.key_tail,
            }
        )

    @classmethod
    def from_bytes(cls, run_id: str, data: bytes) -> RunState:
        d = fmt.unpack(data)
        st = cls(run_id)
        st.schemas = {int(k): v for k, v in d["schemas"]}
        st.t0, st.rt_off = d["t0"], d["rt_off"]
        st.info, st.config = d["info"], d["config"]
        for m in d["defs"]:
            st.define(m)
        st.summary.latest = d["latest"]
        st.summary._agg = d["agg"]
        st.summary._plain = set(d["plain"])
        for k in (
            "finished_summary",
            "state",
            "exit_code",
            "created_at",
            "heartbeat_at",
            "runtime",
            "last_step",
            "host",
            "pid",
            "metadata",
            "rewinds",
            "seq",
            "key_chunks",
        ):
            setattr(st, k, d[k])
        st.key_tail = {k: tuple(v) for k, v in d.get("key_tail", {}).items()}
        return st
