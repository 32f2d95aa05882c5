"""The reader against damaged files: a torn tail at every byte of the last frame, a corrupted
CRC in the middle, a file that is not a run file; and the writer re-opening a torn file."""

from __future__ import annotations

import os

import pytest

from cairn.runlog import format as fmt
from cairn.runlog.reader import Scan, iter_history, read_records
from cairn.runlog.writer import RunWriter


def write_file(path, n=5) -> list[int]:
    """A run file with a RUN record and ``n`` single-row HISTORY batches; returns frame offsets."""
    w = RunWriter(path)
    w.put(fmt.RUN, {"id": "r", "start_time": 100.0})
    for i in range(n):
        w.put_row(i, 100.0 + i, {"x": i})
        w.flush()
    w.close()
    return [off for off, _, _ in Scan(path).frames()]


def test_clean_file_reads_to_the_end(tmp_path):
    p = tmp_path / "run.cairn"
    write_file(p)
    scan = Scan(p)
    recs = list(scan)
    assert scan.problem is None and scan.end == os.path.getsize(p)
    assert [r.kind for r in recs] == ["run", "keys"] + ["history"] * 5
    assert [r["x"] for r in iter_history(p)] == [0, 1, 2, 3, 4]


def test_torn_tail_at_every_byte_of_the_last_frame(tmp_path):
    p = tmp_path / "run.cairn"
    offsets = write_file(p)
    data = p.read_bytes()
    last = offsets[-1]
    for cut in range(last + 1, len(data)):
        torn = tmp_path / f"torn{cut}.cairn"
        torn.write_bytes(data[:cut])
        scan = Scan(torn)
        recs = list(scan)
        assert len(recs) == len(offsets) - 1
        assert scan.end == last
        assert scan.problem is not None and str(last) in scan.problem
        assert [r["x"] for r in iter_history(torn)] == [0, 1, 2, 3]


def test_corrupted_crc_in_the_middle_stops_there_and_names_the_offset(tmp_path):
    p = tmp_path / "run.cairn"
    offsets = write_file(p)
    data = bytearray(p.read_bytes())
    bad = offsets[4]  # the third HISTORY frame
    data[bad + fmt.FRAME_SIZE] ^= 0xFF  # flip a payload byte
    p.write_bytes(bytes(data))
    scan = Scan(p)
    recs = list(scan)
    assert len(recs) == 4
    assert scan.problem == f"CRC mismatch at offset {bad}"
    assert scan.end == bad
    assert [r["x"] for r in iter_history(p)] == [0, 1]


def test_absurd_length_is_reported_not_allocated(tmp_path):
    p = tmp_path / "run.cairn"
    offsets = write_file(p)
    data = bytearray(p.read_bytes())
    data[offsets[3] : offsets[3] + 4] = (2**31).to_bytes(4, "little")
    p.write_bytes(bytes(data))
    scan = Scan(p)
    assert len(list(scan)) == 3
    assert str(offsets[3]) in scan.problem


def test_incremental_scan_resumes_from_end(tmp_path):
    p = tmp_path / "run.cairn"
    offsets = write_file(p)
    first = Scan(p)
    head = [r for _, r in zip(range(3), first, strict=False)]
    rest = list(Scan(p, offset=offsets[3]))
    assert [r.offset for r in head + rest] == offsets


def test_not_a_run_file_raises_value_error(tmp_path):
    p = tmp_path / "x.cairn"
    p.write_bytes(b"NOTARUNFILE!and more")
    with pytest.raises(ValueError, match="not a Cairn run file"):
        list(read_records(p))


def test_newer_format_version_is_refused(tmp_path):
    p = tmp_path / "x.cairn"
    p.write_bytes(fmt.MAGIC + (fmt.VERSION + 1).to_bytes(2, "little") + b"\0\0")
    with pytest.raises(ValueError, match="newer"):
        list(read_records(p))


def test_empty_and_header_only_files_have_no_records(tmp_path):
    empty = tmp_path / "e.cairn"
    empty.write_bytes(b"")
    assert list(read_records(empty)) == []
    head = tmp_path / "h.cairn"
    head.write_bytes(fmt.HEADER)
    scan = Scan(head)
    assert list(scan) == [] and scan.problem is None and scan.end == fmt.HEADER_SIZE


def test_writer_reopening_a_torn_file_truncates_the_tail_and_appends(tmp_path):
    p = tmp_path / "run.cairn"
    write_file(p)
    with open(p, "ab") as f:
        f.write(b"\x10\x00\x00\x00garbage")
    w = RunWriter(p)
    w.put_row(5, 105.0, {"x": 5})  # same key set: reuses the schema id read back from the file
    w.put_row(6, 106.0, {"x": 6, "y": 1})
    w.close()
    scan = Scan(p)
    recs = list(scan)
    assert scan.problem is None
    assert [(r["_step"], r["x"]) for r in iter_history(p)] == [(i, i) for i in range(7)]
    assert sorted(r.data["schema"] for r in recs if r.type == fmt.KEYS) == [0, 1]


def test_writer_reopening_a_torn_header_starts_the_file_afresh(tmp_path):
    p = tmp_path / "run.cairn"
    p.write_bytes(fmt.HEADER[:5])
    w = RunWriter(p)
    w.put_row(0, 100.0, {"x": 0})
    w.close()
    scan = Scan(p)
    assert [r.type for r in scan] == [fmt.KEYS, fmt.HISTORY] and scan.problem is None


def test_writer_refuses_a_file_that_is_not_a_run_file_and_names_it(tmp_path):
    p = tmp_path / "x.cairn"
    p.write_bytes(b"NOTARUNFILE!and more")
    fds = len(os.listdir("/proc/self/fd"))
    with pytest.raises(ValueError, match=r"x\.cairn.*not a Cairn run file"):
        RunWriter(p)
    assert len(os.listdir("/proc/self/fd")) == fds  # the descriptor was closed
    assert p.read_bytes() == b"NOTARUNFILE!and more"


def test_writer_writes_nothing_after_a_timed_out_close(tmp_path):
    p = tmp_path / "run.cairn"
    w = RunWriter(p, flush_interval=60)
    w._closing = True  # as close() does; the thread is made to stop without writing
    w._q.clear()
    w._wake.set()
    w._thread.join(5)
    w._closing = False
    w.close(timeout=0)
    other = os.open(tmp_path / "other", os.O_WRONLY | os.O_CREAT, 0o644)  # may reuse the number
    try:
        w.put_row(0, 1.0, {"x": 1})
        w._drain()  # what a writer thread that outlived close() would do
    finally:
        os.close(other)
    assert (tmp_path / "other").read_bytes() == b""
    assert p.read_bytes() == fmt.HEADER and w.error is None
