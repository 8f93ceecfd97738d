"""Long-polled signal reads: a worker waits for its signal to change without holding a thread.

A waiting read is a coroutine on the event loop, parked on an `asyncio.Event`; it uses a
handler thread only to read the database, when it starts, when it is woken and when its wait
runs out. Two things wake it:
- a PATCH of the worker's signal through this process (`SignalWatch.changed`, called after
  the write commits, from the handler thread, handed over with `call_soon_threadsafe`);
- the process's one poller, which while anything waits re-reads every waited-on bot's
  workers in one query each `poll_interval`, and wakes the readers whose worker's
  `signal_version` is no longer the one they hold (a change through another server process
  sharing the database), or whose worker or bot is gone.
A reader registers before its first read, so no in-process change falls between the two.
So 1,000 idle workers waiting 20 s each cost 1,000 parked coroutines, two queries a second
and one read per worker per 20 s, whatever their number.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import Executor
from typing import Any, TypeVar

import sqlalchemy as sa

from qalx_server.store.database import Database
from qalx_server.store.tables import entities

log = logging.getLogger("qalx_server.signals")
T = TypeVar("T")
Key = tuple[str, str]
"""(bot guid, worker guid), 32 hex digits each."""

DISCONNECT_CHECK = 5.0
"""Seconds between checks that a waiting reader's client is still connected."""

_VERSIONS = sa.select(entities.c.guid, entities.c.doc["workers"].label("workers")).where(
    entities.c.entity_type == "bot",
    entities.c.guid.in_(sa.bindparam("guids", expanding=True)),
)


class Waiter:
    def __init__(self, watch: SignalWatch, key: Key) -> None:
        self._watch = watch
        self.key = key
        self.version: int | None = None
        """The signal version the reader holds (None until its first read)."""
        self.loop = asyncio.get_running_loop()
        self.event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """True if woken, False when `timeout` seconds passed first."""
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        except TimeoutError:
            return False
        self.event.clear()
        return True

    def wake(self) -> None:
        try:
            self.loop.call_soon_threadsafe(self.event.set)
        except RuntimeError:  # that loop has closed: nothing waits on it any more
            self._watch.forget(self)

    def close(self) -> None:
        self._watch.forget(self)


class SignalWatch:
    """The signal readers waiting in one server process."""

    def __init__(self, db: Database, executor: Executor, poll_interval: float = 0.5) -> None:
        self.db = db
        self.executor = executor
        self.poll_interval = poll_interval
        self._lock = threading.Lock()
        self._waiters: dict[Key, set[Waiter]] = {}
        self._poller: asyncio.Task[None] | None = None

    @property
    def waiting(self) -> int:
        with self._lock:
            return sum(len(w) for w in self._waiters.values())

    def waiter(self, bot_guid: str, worker_guid: str) -> Waiter:
        """Register a reader (on the event loop; close it when done)."""
        waiter = Waiter(self, (bot_guid, worker_guid))
        with self._lock:
            self._waiters.setdefault(waiter.key, set()).add(waiter)
            if self._poller is None or self._poller.done():
                self._poller = waiter.loop.create_task(self._poll(), name="qalx-signal-poller")
        return waiter

    def forget(self, waiter: Waiter) -> None:
        with self._lock:
            waiting = self._waiters.get(waiter.key)
            if waiting is not None:
                waiting.discard(waiter)
                if not waiting:
                    del self._waiters[waiter.key]

    def changed(self, bot_guid: str, worker_guids: Iterable[str]) -> None:
        """Wake the readers of these workers (from any thread, after the change committed)."""
        with self._lock:
            woken = [w for g in worker_guids for w in self._waiters.get((bot_guid, g), ())]
        for waiter in woken:
            waiter.wake()

    async def _in_thread(self, work: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, work, *args)

    # ---- waiting -----------------------------------------------------------------------

    async def read(
        self,
        bot_guid: str,
        worker_guid: str,
        *,
        since: int | None,
        wait: float,
        first: Callable[[], dict[str, Any]],
        again: Callable[[], dict[str, Any]],
        disconnected: Callable[[], Awaitable[bool]],
    ) -> dict[str, Any]:
        """The answer `first()` gives at once, unless its `version` is `since`: then the
        answer of `again()` once the signal changed or `wait` seconds have passed."""
        if since is None or wait <= 0:
            return await self._in_thread(first)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        waiter = self.waiter(bot_guid, worker_guid)
        try:
            answer = await self._in_thread(first)
            waiter.version = answer["version"]
            while answer["version"] == since:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return await self._in_thread(again)  # the newest, though unchanged
                if await waiter.wait(min(remaining, DISCONNECT_CHECK)):
                    answer = await self._in_thread(again)
                    waiter.version = answer["version"]
                elif await disconnected():
                    return answer  # nobody is listening; no need to read again
            return answer
        finally:
            waiter.close()

    # ---- other processes' changes ------------------------------------------------------

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.poll_interval)
            with self._lock:
                if not self._waiters:
                    self._poller = None
                    return
                held = [(k, w, w.version) for k, ws in self._waiters.items() for w in ws]
            bots = sorted({key[0] for key, _, version in held if version is not None})
            if not bots:
                continue
            try:
                versions = await self._in_thread(self._versions, bots)
            except Exception:  # a database hiccup: in-process wakes still work; try again
                log.exception("reading signal versions failed")
                continue
            for (bot, worker), waiter, version in held:
                if version is not None and versions.get(bot, {}).get(worker) != version:
                    waiter.wake()

    def _versions(self, bots: list[str]) -> dict[str, dict[str, int]]:
        """Bot guid -> worker guid -> signal version, for the bots that still exist."""
        found: dict[str, dict[str, int]] = {}
        with self.db.read(snapshot=False) as conn:
            for row in conn.execute(_VERSIONS, {"guids": bots}):
                workers = row.workers if isinstance(row.workers, list) else []
                found[row.guid] = {
                    w["guid"]["$uuid"]: int(w.get("signal_version", 0))
                    for w in workers
                    if isinstance(w, dict) and isinstance(w.get("guid"), dict)
                }
        return found
