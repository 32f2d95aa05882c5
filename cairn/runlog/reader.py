"""Read a run file: every complete record, in order, stopping cleanly at a torn tail.

Cost: one sequential read of the bytes after ``offset``; memory is one record at a time
(the file is read in 1 MiB blocks). A short or CRC-mismatching frame ends the scan without
raising; :attr:`Scan.end` then says where the last complete record ended (the offset an
incremental reader resumes from) and :attr:`Scan.problem` says why it stopped early.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from typing import Any

from cairn.runlog import format as fmt


class Record:
    """One decoded record: its byte offset in the file, its type number and its payload.

    A plain slotted class rather than a dataclass: importing ``dataclasses`` costs more than
    ``cairn.init`` itself."""

    __slots__ = ("offset", "type", "data")

    def __init__(self, offset: int, type: int, data: Any) -> None:  # noqa: A002 - the record's type
        self.offset = offset
        self.type = type
        self.data = data

    @property
    def kind(self) -> str:
        """The record type's name ("history", "run" ...; "type<N>" for an unknown one)."""
        return fmt.NAMES.get(self.type, f"type{self.type}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return (self.offset, self.type, self.data) == (other.offset, other.type, other.data)

    __hash__ = None  # type: ignore[assignment]  # mutable payloads: not hashable

    def __repr__(self) -> str:
        return f"Record(offset={self.offset}, type={self.type}, data={self.data!r})"


class Scan:
    """Iterates the frames of one run file from a byte offset.

    ``end`` is the offset just past the last complete frame yielded so far; ``problem`` is
    ``None`` after a clean end of file, else a message naming the offset of the torn or
    corrupt frame. ``Scan`` never raises for damage after the header.
    """

    def __init__(self, path: str | os.PathLike, offset: int = 0, chunk: int = 1 << 20) -> None:
        self.path = os.fspath(path)
        self.start = offset
        self.end = offset
        self.problem: str | None = None
        self._chunk = chunk

    def frames(self) -> Iterator[tuple[int, int, bytes]]:
        """Yield ``(offset, type, payload bytes)`` for each complete frame."""
        with open(self.path, "rb") as f:
            if self.start < fmt.HEADER_SIZE:
                head = f.read(fmt.HEADER_SIZE)
                if len(head) < fmt.HEADER_SIZE:
                    self.problem = "header incomplete" if head else None
                    self.end = 0
                    return
                fmt.check_header(head)
                self.start = self.end = fmt.HEADER_SIZE
            f.seek(self.start)
            buf = b""
            pos = 0  # index into buf of the next frame
            base = self.start  # file offset of buf[0]
            eof = False
            while True:
                if len(buf) - pos < fmt.FRAME_SIZE:
                    if eof:
                        break
                    more = f.read(self._chunk)
                    eof = not more
                    buf = buf[pos:] + more
                    base += pos
                    pos = 0
                    continue
                length, crc, rtype = fmt.FRAME.unpack_from(buf, pos)
                if length > fmt.MAX_PAYLOAD:
                    self.problem = f"corrupt frame at offset {base + pos}: length {length}"
                    return
                need = fmt.FRAME_SIZE + length
                if len(buf) - pos < need:
                    if eof:
                        break
                    more = f.read(max(self._chunk, need))
                    eof = not more
                    buf = buf[pos:] + more
                    base += pos
                    pos = 0
                    continue
                start = pos + fmt.FRAME_SIZE
                payload = buf[start : start + length]
                if zlib.crc32(payload, zlib.crc32(bytes((rtype,)))) != crc:
                    self.problem = f"CRC mismatch at offset {base + pos}"
                    return
                offset = base + pos
                pos += need
                self.end = base + pos
                yield offset, rtype, payload
            if len(buf) - pos > 0:
                self.problem = f"torn frame at offset {base + pos} ({len(buf) - pos} bytes)"

    def __iter__(self) -> Iterator[Record]:
        for offset, rtype, payload in self.frames():
            try:
                data = fmt.unpack(payload)
            except Exception as e:  # a CRC-valid but undecodable payload: report, stop
                self.problem = f"undecodable record at offset {offset}: {e}"
                self.end = offset
                return
            yield Record(offset, rtype, data)


def read_records(path: str | os.PathLike, offset: int = 0) -> Iterator[Record]:
    """Yield every complete record of the run file at ``path`` (see :class:`Scan`)."""
    yield from Scan(path, offset)


class HistoryDecoder:
    """Turns HISTORY payloads back into wandb-shaped rows.

    Feed it every KEYS and RUN record (``observe``) before the HISTORY records that follow
    them; ``rows`` then yields dicts with ``_step``, ``_runtime`` and ``_timestamp`` first and
    the user's keys after, in logged order. A user ``_timestamp`` wins over the SDK clock, as
    in wandb.
    """

    def __init__(self) -> None:
        self.schemas: dict[int, list[str]] = {}
        self.start_time = 0.0
        self.runtime_offset = 0.0

    def observe(self, rec: Record) -> None:
        """Take note of a KEYS (schema) or RUN (clock) record; other types are ignored."""
        if rec.type == fmt.KEYS:
            self.schemas[rec.data["schema"]] = rec.data["keys"]
        elif rec.type == fmt.RUN:
            self.start_time = rec.data.get("start_time", 0.0)
            self.runtime_offset = rec.data.get("runtime_offset", 0.0)

    def rows(self, batch: list) -> Iterator[dict]:
        """Decode one HISTORY payload. Raises ``KeyError`` for a schema not yet observed."""
        schemas, t0, off = self.schemas, self.start_time, self.runtime_offset
        for item in batch:
            keys = schemas[item[0]]
            t = item[2]
            row = {"_step": item[1], "_runtime": t - t0 + off, "_timestamp": t}
            row.update(zip(keys, item[3:], strict=False))
            yield row


def run_file(root: str | os.PathLike, run_id: str) -> str:
    """Where the run file of ``run_id`` lives under a Cairn root."""
    return os.path.join(os.fspath(root), "runs", run_id, "run.cairn")


def rewinds(path: str | os.PathLike) -> list[tuple[int, float]]:
    """``(offset, rewind_to)`` of every RUN record that rewinds the run (``resume_from``).

    Cost: one scan that decodes only RUN records.
    """
    out = []
    for off, rtype, payload in Scan(path).frames():
        if rtype == fmt.RUN:
            cut = fmt.unpack(payload).get("rewind_to")
            if cut is not None:
                out.append((off, cut))
    return out


def rewind_limit(cuts: list[tuple[int, float]], offset: int) -> float | None:
    """The highest step a HISTORY record at ``offset`` may keep: the tightest rewind recorded
    after it (``cuts`` from :func:`rewinds`), or None when no later rewind bounds it."""
    later = [c for off, c in cuts if off > offset]
    return min(later) if later else None


def iter_history(path: str | os.PathLike) -> Iterator[dict]:
    """Yield every live history row of a run file, in order.

    A row logged before a rewind (a RUN record with ``rewind_to = N``) whose step is above N
    is not yielded: the rewound run continues from N + 1. Cost: a first pass over RUN records
    (see :func:`rewinds`) when the file has any, then one pass; memory O(number of rewinds).
    """
    cuts = rewinds(path)
    dec = HistoryDecoder()
    for rec in read_records(path):
        if rec.type == fmt.HISTORY:
            limit = rewind_limit(cuts, rec.offset) if cuts else None
            for row in dec.rows(rec.data):
                if limit is None or row["_step"] <= limit:
                    yield row
        else:
            dec.observe(rec)
