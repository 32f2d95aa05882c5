"""Byte layout of a run file (documented in ``docs/formats/runfile.md``, version 1).

A file starts with a 12-byte header: the magic ``b"CAIRNRUN"``, a little-endian uint16 format
version and a uint16 of flags (0). Then frames follow back to back::

    uint32 LE  payload length
    uint32 LE  CRC-32 (zlib/IEEE) of the type byte followed by the payload
    uint8      record type
    payload    msgpack, ``length`` bytes

A frame is complete once all its bytes are on disk; a reader that meets a short or
CRC-mismatching frame at the end of the file treats it as a torn tail.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

import msgpack

MAGIC = b"CAIRNRUN"
VERSION = 1
HEADER = MAGIC + struct.pack("<HH", VERSION, 0)
HEADER_SIZE = len(HEADER)
FRAME = struct.Struct("<IIB")
FRAME_SIZE = FRAME.size
MAX_PAYLOAD = 1 << 30

# Record types. Numbers are part of the format: never renumber, only add.
RUN = 1  # run start (or resume): identity, metadata, initial config
CONFIG = 2  # {"update": {key: value}, "remove": [key]}
KEYS = 3  # {"schema": id, "keys": [key, ...]}: interns the key set of history rows
HISTORY = 4  # [[schema, step, time, v1, ..., vn], ...]: a batch of committed rows
SUMMARY = 5  # {"update": {key: value}, "nested": [[path, value]], "remove": [path], "final": {...}}
METRIC = 6  # a define_metric definition
FILES = 7  # {"files": [{"path", "policy", ...}]}
ALERT = 8  # {"title", "text", "level", "wait_duration", "time"} (wait_duration in ms)
PREEMPTING = 9  # {"time"}
EXIT = 10  # {"exit_code", "runtime", "time"}
RUN_UPDATE = 11  # {"name"?, "notes"?, "tags"?, ...}: changed run attributes
ARTIFACT = 12  # a logged artifact version: manifest, aliases, digest, finalize flag
USE_ARTIFACT = 13  # an artifact used as input
OUTPUT = 14  # console output lines {"stream", "lines", "time"}
STATS = 15  # system metrics {"time", "values": {...}}
LINK_ARTIFACT = 16  # an artifact linked to a registry collection
TELEMETRY = 17  # environment metadata (host, python, program, git ...)
TABLE = 18  # incremental table rows

NAMES = {
    RUN: "run",
    CONFIG: "config",
    KEYS: "keys",
    HISTORY: "history",
    SUMMARY: "summary",
    METRIC: "metric",
    FILES: "files",
    ALERT: "alert",
    PREEMPTING: "preempting",
    EXIT: "exit",
    RUN_UPDATE: "run_update",
    ARTIFACT: "artifact",
    USE_ARTIFACT: "use_artifact",
    OUTPUT: "output",
    STATS: "stats",
    LINK_ARTIFACT: "link_artifact",
    TELEMETRY: "telemetry",
    TABLE: "table",
}


def pack(obj: Any) -> bytes:
    """Encode a payload. NaN and ±inf survive (msgpack stores IEEE doubles)."""
    return msgpack.packb(obj, use_bin_type=True)


def unpack(data: bytes) -> Any:
    """Decode a payload written by :func:`pack`."""
    return msgpack.unpackb(data, raw=False, strict_map_key=False)


def frame(rtype: int, payload: bytes) -> bytes:
    """Return one complete frame for ``payload`` of record type ``rtype``."""
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"record of {len(payload)} bytes exceeds the {MAX_PAYLOAD}-byte limit")
    crc = zlib.crc32(payload, zlib.crc32(bytes((rtype,))))
    return FRAME.pack(len(payload), crc, rtype) + payload


def check_header(data: bytes) -> int:
    """Validate a file header; return its version. Raises ``ValueError`` if it is not a run file."""
    if len(data) < HEADER_SIZE or data[:8] != MAGIC:
        raise ValueError("not a Cairn run file (bad magic)")
    version, _flags = struct.unpack_from("<HH", data, 8)
    if version > VERSION:
        raise ValueError(f"run file format version {version} is newer than this reader ({VERSION})")
    return version
