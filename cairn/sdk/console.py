"""Console capture: what the program prints to ``sys.stdout``/``sys.stderr`` becomes OUTPUT
records (and ``files/output.log``), while still reaching the terminal.

``start(run)`` replaces both streams with a tee that passes every write through unchanged and
keeps complete lines (time-stamped when their newline arrives) in memory; a daemon thread
hands them to the run every ``interval`` seconds as one OUTPUT record per stream change::

    {"stream": "stdout" | "stderr", "lines": [str, ...], "times": [float, ...], "time": float}

and appends them to ``files/output.log``. A carriage return rewrites the current line, as a
terminal does, so progress bars leave their final state rather than every frame. ``stop``
(called by ``finish``) restores the streams, records a last unterminated line and flushes.
Cost per write: one lock and a string split; ``log()`` is untouched. Only Python-level writes
are seen (not output written to file descriptors 1/2 directly by C code or subprocesses).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

from cairn.runlog import format as fmt

_MAX_PARTIAL = 1 << 16  # a line longer than this without a newline is cut


def _overwrite(s: str) -> str:
    """A carriage return rewrites the line: keep what follows the last one (a trailing one
    stays pending, so the text before it is kept until something overwrites it)."""
    if "\r" not in s:
        return s
    body = s.rstrip("\r")
    return body[body.rfind("\r") + 1 :] + ("\r" if s.endswith("\r") else "")


class _Tee:
    """Stands in for a text stream: writes go to the stream and to the capture."""

    def __init__(self, stream: Any, name: str, capture: ConsoleCapture) -> None:
        self._stream = stream
        self._name = name
        self._capture = capture
        self._on = True

    def write(self, s: str) -> int:
        n = self._stream.write(s)
        if self._on and s:
            self._capture.feed(self._name, s)
        return n

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, k: str) -> Any:  # encoding, isatty, fileno, buffer ... of the real stream
        return getattr(self._stream, k)


class ConsoleCapture:
    """One run's capture of both streams; see the module docstring."""

    def __init__(self, run: Any, interval: float = 1.0) -> None:
        self._run = run
        self._interval = interval
        self._lock = threading.RLock()  # reentrant: a signal handler may print mid-write
        self._partial = {"stdout": "", "stderr": ""}
        self._lines: list[tuple[str, float, str]] = []
        self._log_path = os.path.join(run.dir, "output.log")
        self._stop = threading.Event()
        self._tees = {"stdout": _Tee(sys.stdout, "stdout", self), "stderr": _Tee(sys.stderr, "stderr", self)}
        sys.stdout = self._tees["stdout"]
        sys.stderr = self._tees["stderr"]
        self._thread = threading.Thread(target=self._loop, name="cairn-console", daemon=True)
        self._thread.start()

    def feed(self, name: str, s: str) -> None:
        with self._lock:
            buf = self._partial[name] + s
            if "\n" not in buf:
                self._partial[name] = _overwrite(buf)[-_MAX_PARTIAL:]
                return
            parts = buf.split("\n")
            self._partial[name] = _overwrite(parts.pop())[-_MAX_PARTIAL:]
            now = time.time()
            for p in parts:
                self._lines.append((name, now, _overwrite(p).rstrip("\r")))

    def flush(self) -> None:
        """Hand the complete lines gathered so far to the run and to output.log."""
        with self._lock:
            lines, self._lines = self._lines, []
        if not lines or self._run._finished:
            return
        i = 0
        while i < len(lines):
            j = i
            while j < len(lines) and lines[j][0] == lines[i][0]:
                j += 1
            group = lines[i:j]
            self._run._emit(fmt.OUTPUT, {
                "stream": group[0][0], "lines": [g[2] for g in group],
                "times": [g[1] for g in group], "time": group[0][1],
            })
            i = j
        try:
            with open(self._log_path, "a", encoding="utf-8", errors="replace") as f:
                f.write("".join(text + "\n" for _, _, text in lines))
        except OSError:
            pass  # output.log is a view; the OUTPUT records are what counts

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.flush()
            except Exception:
                pass  # never let capture disturb the program

    def stop(self) -> None:
        """Restore the streams, keep a last unterminated line, flush. Idempotent."""
        if self._stop.is_set():
            return
        self._stop.set()
        for name, tee in self._tees.items():
            tee._on = False
            if getattr(sys, name) is tee:  # if someone wrapped us since, leave theirs in place
                setattr(sys, name, tee._stream)
        with self._lock:
            now = time.time()
            for name, rest in self._partial.items():
                if rest.strip("\r"):
                    self._lines.append((name, now, rest.rstrip("\r")))
            self._partial = {"stdout": "", "stderr": ""}
        self._thread.join(1.0)
        self.flush()


def start(run: Any, interval: float = 1.0) -> ConsoleCapture:
    """Begin capturing for ``run``; the run stops it at ``finish``."""
    cap = ConsoleCapture(run, interval)
    run._services.append(cap)
    return cap
