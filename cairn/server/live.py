"""Live updates: ingest new run-file bytes as they appear and tell browsers which runs changed.

:class:`Watcher` stats every ``<root>/runs/*/run.cairn`` each tick (default 0.5 s) and calls
``Index.ingest(changed_ids)`` only for files whose size or mtime moved, so an idle root costs one
``stat`` per run and a busy one costs the new bytes only (ingest is incremental). Each change is
published to every subscriber queue as ``{"type": "runs", "run_ids": [...]}``; the SSE endpoint
turns queue items into ``text/event-stream`` messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator
from typing import Any

from cairn.server.jsonutil import dumps

log = logging.getLogger("cairn.server")


class Hub:
    """Fan-out of events to any number of subscribers; a slow subscriber drops old events.

    :meth:`close` ends every stream (``None`` is their end marker), so a server shutting down
    does not wait for browser tabs that keep an event stream open.
    """

    def __init__(self) -> None:
        self._subs: set[asyncio.Queue] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.closed = False

    def subscribe(self) -> asyncio.Queue:
        """A new queue of events for one client (already ended if the hub is closed)."""
        self._loop = asyncio.get_running_loop()
        q: asyncio.Queue = asyncio.Queue(maxsize=256)
        if self.closed:
            q.put_nowait(None)
        self._subs.add(q)
        return q

    def close(self) -> None:
        """End all streams; safe to call from any thread (a signal handler, say)."""
        self.closed = True
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._end_all)

    def _end_all(self) -> None:
        for q in list(self._subs):
            with contextlib.suppress(asyncio.QueueFull):
                if q.full():
                    q.get_nowait()
                q.put_nowait(None)

    def unsubscribe(self, q: asyncio.Queue) -> None:
        """Forget ``q`` (its client went away)."""
        self._subs.discard(q)

    def publish(self, event: dict) -> None:
        """Queue ``event`` for every subscriber; call on the event loop's thread."""
        for q in list(self._subs):
            if q.full():  # keep the newest events: the client refetches anyway
                with contextlib.suppress(asyncio.QueueEmpty):
                    q.get_nowait()
            q.put_nowait(event)

    @property
    def count(self) -> int:
        """The number of open event streams."""
        return len(self._subs)


def scan_sizes(root: str) -> dict[str, tuple[int, int]]:
    """``{run_id: (size, mtime_ns)}`` of every run file under ``root``."""
    out: dict[str, tuple[int, int]] = {}
    runs = os.path.join(root, "runs")
    try:
        entries = os.scandir(runs)
    except FileNotFoundError:
        return out
    with entries:
        for e in entries:
            try:
                st = os.stat(os.path.join(e.path, "run.cairn"))
            except OSError:
                continue
            out[e.name] = (st.st_size, st.st_mtime_ns)
    return out


class Watcher:
    """Polls run files and ingests what changed. One per app; runs as an asyncio task."""

    def __init__(self, index: Any, hub: Hub, interval: float = 0.5) -> None:
        self.index = index
        self.hub = hub
        self.interval = interval
        self.seen: dict[str, tuple[int, int]] = {}
        self.last_error: str | None = None
        self.ticks = 0

    def prime(self) -> None:
        """Ingest everything once (at start-up) and remember the sizes it covered.

        A failure is recorded like one of :meth:`run`'s (the server starts and serves what is
        indexed; every run counts as changed on the next tick, so it is retried).
        """
        sizes = scan_sizes(self.index.root)
        try:
            self.index.ingest()
        except Exception as e:
            self._failed(e)
            return
        self.seen = sizes
        self.index.projects()  # loads the index's runs cache now, not on the first page view

    def _failed(self, e: Exception) -> None:
        """Record an ingest error, logging it once rather than every tick."""
        msg = f"{type(e).__name__}: {e}"
        if msg != self.last_error:
            log.warning("cairn server: ingest failed: %s", msg)
        self.last_error = msg

    def tick(self) -> list[str]:
        """One poll: ingest changed runs; return their ids. Runs in a worker thread."""
        sizes = scan_sizes(self.index.root)
        changed = [rid for rid, sig in sizes.items() if self.seen.get(rid) != sig]
        if changed:
            self.index.ingest(changed)
        # Only after a successful ingest (a failed one is retried next tick); replacing the map
        # also forgets runs whose folder was removed.
        self.seen = sizes
        self.ticks += 1
        return changed

    async def run(self) -> None:
        """Loop forever (cancelled on shutdown). An ingest error is logged, never fatal."""
        while True:
            started = time.monotonic()
            try:
                changed = await asyncio.to_thread(self.tick)
                self.last_error = None
                if changed:
                    self.hub.publish({"type": "runs", "run_ids": changed, "time": time.time()})
            except Exception as e:  # keep serving what is already indexed
                self._failed(e)
            await asyncio.sleep(max(0.05, self.interval - (time.monotonic() - started)))


async def event_stream(hub: Hub, keepalive: float = 15.0) -> AsyncIterator[str]:
    """SSE messages for one client: a ``hello``, then every hub event, with keep-alive comments."""
    q = hub.subscribe()
    try:
        yield "retry: 1000\nevent: hello\ndata: {}\n\n"
        while True:
            try:
                ev = await asyncio.wait_for(q.get(), timeout=keepalive)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if ev is None:  # the hub closed: the server is stopping
                return
            yield f"event: {ev.get('type', 'message')}\ndata: {dumps(ev)}\n\n"
    finally:
        hub.unsubscribe(q)
