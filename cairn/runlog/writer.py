"""The one append path of a run: a bounded queue drained by one background thread.

Callers (the SDK, in the training thread) hand over already-validated items with
:meth:`RunWriter.put_row` and :meth:`RunWriter.put`; both are O(1) and never touch the disk.
The writer thread wakes every ``flush_interval`` seconds (default 50 ms), encodes what is
queued in batches (each at most what was queued when it began, ~1 MiB) and appends each batch
with one ``write``, so a record logged at least ~100 ms before a crash or a SIGKILL is on disk.

Back-pressure: the queue holds about ``max_pending`` items. The bound is checked each time the
queue length reaches a multiple of 4096, which is also when a fast producer wakes the writer
early instead of waiting for the timer. A caller that finds the queue full sleeps in short
slices until the writer has drained it below half, so memory stays bounded and a producer
faster than the disk is slowed to the disk's pace.

Errors in the thread (a full disk, say) never raise in the training thread: the first one is
reported once as a warning, what was already written stays readable, and later items are
dropped (``RunWriter.error`` keeps the exception).
"""

from __future__ import annotations

import os
import threading
import time
import warnings
from collections import deque
from typing import Any

import msgpack

from cairn.runlog import format as fmt

_ROWS_PER_RECORD = 2048
_BATCH_BYTES = 1 << 20
_WAKE_MASK = 4095  # wake the writer early each time the queue reaches a multiple of 4096
_HISTORY = fmt.HISTORY  # a module global: put_row is on the training thread's hot path


class RunWriter:
    """Owns one run file open for appending. Not shared between processes."""

    def __init__(
        self,
        path: str | os.PathLike,
        flush_interval: float = 0.05,
        max_pending: int = 8192,
    ) -> None:
        self.path = os.fspath(path)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self._fd_lock = threading.Lock()  # close() must not free the fd under a write in flight
        self._fd_open = True
        self._q: deque = deque()
        self._flush_interval = flush_interval
        self._max_pending = max_pending
        self._wake = threading.Event()
        self._idle = threading.Condition()
        self._closing = False
        self._busy = False
        self.error: BaseException | None = None
        self.bytes_written = 0
        self._schemas: dict[tuple, int] = {}
        # the same bytes as fmt.pack, without building a packer per record (writer thread only;
        # a Packer empties its buffer when packing raises, so the _sanitize retry starts clean)
        self._packer = msgpack.Packer(use_bin_type=True)
        try:
            if os.fstat(self._fd).st_size == 0:
                self._write(fmt.HEADER)
            else:
                self._load_schemas()
        except OSError as e:  # e.g. a full disk: reported like any later write error
            self._fail(e)
        except BaseException:  # not a run file: refuse it, without leaking the descriptor
            os.close(self._fd)
            raise
        self._thread = threading.Thread(target=self._run, name="cairn-writer", daemon=True)
        self._thread.start()

    # -- producer side (caller's thread) -------------------------------------------------

    def put_row(self, step: int, t: float, row: dict) -> None:
        """Queue one committed history row. ``row`` must not be mutated afterwards."""
        q = self._q
        q.append((_HISTORY, step, t, row))
        n = len(q)
        if not n & _WAKE_MASK:  # every 4096 items: a fast producer need not wait for the timer
            if n > self._max_pending:
                self._backpressure()
            else:
                self._wake.set()

    def put(self, rtype: int, payload: Any) -> None:
        """Queue one record of type ``rtype``; ``payload`` must be msgpack-encodable."""
        q = self._q
        q.append((rtype, payload))
        n = len(q)
        if not n & _WAKE_MASK:
            if n > self._max_pending:
                self._backpressure()
            else:
                self._wake.set()

    def _backpressure(self) -> None:
        self._wake.set()
        low = self._max_pending // 2
        while len(self._q) > low and self._thread.is_alive() and self.error is None:
            time.sleep(0.0005)

    def flush(self, timeout: float | None = None) -> bool:
        """Block until everything queued so far is written. Returns False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._idle:
            self._wake.set()
            while (self._q or self._busy) and self._thread.is_alive():
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._idle.wait(0.01 if left is None else min(left, 0.01))
                self._wake.set()
        return True

    def close(self, timeout: float = 30.0) -> None:
        """Write everything queued, ``fsync`` and close. Bounded by ``timeout`` seconds (plus
        at most 1 s): what the thread has not written by then is dropped, and it writes
        nothing after the close."""
        if self._closing:
            return
        self._closing = True
        self._wake.set()
        self._thread.join(timeout)
        self._fd_open = False
        if not self._fd_lock.acquire(timeout=1.0):
            return  # a write blocked in the kernel still uses the fd: leave it open, stay bounded
        try:
            os.fsync(self._fd)
        except OSError:
            pass
        finally:
            os.close(self._fd)
            self._fd_lock.release()

    # -- writer thread -------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            self._wake.wait(self._flush_interval)
            self._wake.clear()
            closing = self._closing
            self._drain()
            if closing:
                self._drain()
                return

    def _drain(self) -> None:
        """Encode and append what is queued, in batches of at most what was queued when the
        batch began (and at most ~1 MiB), so a producer that keeps the queue full cannot hold
        written-but-unflushed data in memory for long: latency stays one batch."""
        q = self._q
        if not q or self.error is not None:
            q.clear()  # after a write error nothing more can be appended: drop, stay bounded
            with self._idle:
                self._idle.notify_all()
            return
        self._busy = True
        popleft = q.popleft
        schemas = self._schemas
        history = _HISTORY
        # Rows mostly repeat the previous key list: comparing with it is cheaper than hashing
        # the tuple for the schema lookup (a tuple does not cache its hash).
        last_keys: tuple | None = None
        sid = 0
        try:
            while q:
                out = bytearray()
                rows: list = []
                for _ in range(len(q)):
                    item = popleft()
                    if item[0] == history:
                        row = item[3]
                        keys = tuple(row)
                        if keys != last_keys:
                            sid = schemas.get(keys)
                            if sid is None:
                                if rows:
                                    out += self._encode_rows(rows)
                                    rows = []
                                sid = len(schemas)
                                schemas[keys] = sid
                                out += fmt.frame(fmt.KEYS, self._pack({"schema": sid, "keys": list(keys)}))
                            last_keys = keys
                        rows.append([sid, item[1], item[2], *row.values()])  # msgpack packs lists faster than tuples
                        if len(rows) >= _ROWS_PER_RECORD:
                            out += self._encode_rows(rows)
                            rows = []
                            if len(out) > _BATCH_BYTES:
                                break
                    else:
                        if rows:
                            out += self._encode_rows(rows)
                            rows = []
                        out += fmt.frame(item[0], self._pack(item[1]))
                        if len(out) > _BATCH_BYTES:
                            break
                if rows:
                    out += self._encode_rows(rows)
                if out:
                    self._write(out)
        except BaseException as e:  # never let the thread die silently
            self._fail(e)
        finally:
            self._busy = False
            with self._idle:
                self._idle.notify_all()

    def _encode_rows(self, rows: list) -> bytes:
        return fmt.frame(fmt.HISTORY, self._pack(rows))

    def _pack(self, obj: Any) -> bytes:
        try:
            return self._packer.pack(obj)
        except (OverflowError, TypeError, ValueError):
            return self._packer.pack(_sanitize(obj))

    def _write(self, data: bytes | bytearray) -> None:
        if self.error is not None:
            return
        view = memoryview(data)
        with self._fd_lock:
            if not self._fd_open:  # close() timed out: the number may already name another file
                return
            while view:
                n = os.write(self._fd, view)
                view = view[n:]
                self.bytes_written += n

    def _fail(self, e: BaseException) -> None:
        if self.error is None:
            self.error = e
            warnings.warn(
                f"cairn: writing {self.path} failed ({e!r}); records before this point are "
                "intact, later ones are dropped",
                RuntimeWarning,
                stacklevel=2,
            )
        self._q.clear()

    def _load_schemas(self) -> None:
        """On re-open (resume), keep schema ids unique by reading the existing KEYS records."""
        from cairn.runlog.reader import Scan

        scan = Scan(self.path)
        try:
            for _off, rtype, payload in scan.frames():
                if rtype == fmt.KEYS:
                    data = fmt.unpack(payload)
                    self._schemas[tuple(data["keys"])] = data["schema"]
        except ValueError as e:  # bad magic or a newer format: appending would corrupt it
            raise ValueError(f"{self.path}: {e}") from None
        if scan.problem is not None:
            # Drop a torn tail (or a torn header) before appending, so new frames are not
            # hidden behind it.
            os.truncate(self.path, scan.end)
            if scan.end < fmt.HEADER_SIZE:
                self._write(fmt.HEADER)


def _sanitize(obj: Any) -> Any:
    """Make a value msgpack-encodable: out-of-range ints become floats, unknowns strings."""
    if isinstance(obj, dict):
        return {str(k): _sanitize(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_sanitize(v) for v in obj]
    if isinstance(obj, bool) or obj is None or isinstance(obj, (str, float, bytes)):
        return obj
    if isinstance(obj, int):
        return obj if -(1 << 63) <= obj < (1 << 64) else float(obj)
    return str(obj)
