"""docs/formats/runfile.md against real run files: the header bytes, the frame layout, the
record type table, the RUN record's fields and the history row encoding."""

from __future__ import annotations

import os
import re
import struct
import sys
import zlib

import pytest

import cairn
from cairn.runlog import format as fmt
from cairn.runlog.reader import Scan, iter_history

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "formats", "runfile.md")


@pytest.fixture(scope="module")
def doc() -> str:
    with open(DOC, encoding="utf-8") as f:
        return f.read()


def section(doc: str, title: str) -> str:
    start = doc.index(title)
    nxt = re.search(r"\n#{2,3} ", doc[start + len(title):])
    return doc[start: start + len(title) + (nxt.start() if nxt else len(doc))]


def table_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not set(line) <= set("|- "):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows[1:]  # without the header row


@pytest.fixture
def real_file(isolated):
    run = cairn.init(project="doc", id="docrun", settings={"x_disable_stats": True})
    run.config.update({"lr": 0.1})
    run.define_metric("loss", summary="min")
    run.log({"loss": 1.0, "acc": 0.5})
    run.log({"loss": 0.5})
    run.summary["best"] = 1
    run.alert("title", "text")
    run.mark_preempting()
    print("a console line")
    run.finish()
    sys.stdout.flush()
    return os.path.join(isolated, "runs", "docrun", "run.cairn")


def test_documented_header_bytes_match_real_files(doc, real_file):
    hexline = re.search(r"In hex: `([0-9a-f ]+)`", doc).group(1)
    documented = bytes.fromhex(hexline)
    assert documented == fmt.HEADER
    with open(real_file, "rb") as f:
        assert f.read(len(documented)) == documented
    rows = table_rows(section(doc, "## Header"))
    assert sum(int(r[1]) for r in rows) == fmt.HEADER_SIZE == 12


def test_documented_frame_layout_matches_real_frames(doc, real_file):
    rows = table_rows(section(doc, "## Frames"))
    assert [(int(r[0]), int(r[1])) for r in rows[:3]] == [(0, 4), (4, 4), (8, 1)]
    assert rows[3][0] == "9" and fmt.FRAME_SIZE == 9
    with open(real_file, "rb") as f:
        data = f.read()
    off, n_frames = fmt.HEADER_SIZE, 0
    while off < len(data):  # walk every frame by the documented layout alone
        length, crc = struct.unpack_from("<II", data, off)
        rtype = data[off + 8]
        payload = data[off + 9: off + 9 + length]
        assert len(payload) == length
        assert zlib.crc32(bytes([rtype]) + payload) == crc
        off += 9 + length
        n_frames += 1
    assert off == len(data) and n_frames == len(list(Scan(real_file)))


def test_documented_example_frame(doc):
    payload_hex = re.search(r"\(payload `([0-9a-f ]+)`, 12 bytes\)", doc).group(1)
    payload = bytes.fromhex(payload_hex)
    assert payload == fmt.pack({"exit_code": 0})
    framed = fmt.frame(fmt.EXIT, payload)
    assert framed[:4] == bytes.fromhex("0c 00 00 00") and framed[8] == 0x0A and framed[9:] == payload


def test_record_type_table_matches_the_code(doc):
    rows = table_rows(section(doc, "## Record types"))
    assert {int(r[0]): r[1] for r in rows} == fmt.NAMES


def test_every_record_type_in_a_real_file_is_documented(doc, real_file):
    documented = {int(r[0]) for r in table_rows(section(doc, "## Record types"))}
    seen = {r.type for r in Scan(real_file)}
    assert {fmt.RUN, fmt.CONFIG, fmt.KEYS, fmt.HISTORY, fmt.SUMMARY, fmt.METRIC, fmt.ALERT,
            fmt.PREEMPTING, fmt.EXIT, fmt.OUTPUT} <= seen <= documented


def test_run_record_fields_are_the_documented_ones(doc, real_file):
    text = section(doc, "### run (1)")
    documented = set(re.findall(r"`([a-z_]+)`", text))
    run_rec = next(r.data for r in Scan(real_file) if r.type == fmt.RUN)
    assert set(run_rec) == documented - {"rewind_to"}  # rewind_to only on a resume_from start


def test_history_rows_decode_as_documented(real_file):
    recs = list(Scan(real_file))
    keys = {r.data["schema"]: r.data["keys"] for r in recs if r.type == fmt.KEYS}
    run_rec = next(r.data for r in recs if r.type == fmt.RUN)
    raw = [row for r in recs if r.type == fmt.HISTORY for row in r.data]
    decoded = list(iter_history(real_file))
    assert len(raw) == len(decoded) == 2
    for arr, row in zip(raw, decoded, strict=True):
        schema, step, t, *values = arr
        assert row["_step"] == step and row["_timestamp"] == t
        assert row["_runtime"] == t - run_rec["start_time"] + run_rec["runtime_offset"]
        assert {k: row[k] for k in keys[schema]} == dict(zip(keys[schema], values, strict=True))
    assert keys[raw[0][0]] == ["loss", "acc"] and keys[raw[1][0]] == ["loss"]
