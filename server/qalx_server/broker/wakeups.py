"""In-process wake-ups for long polling: a send wakes the receivers waiting on its queue.

Senders run in worker threads, receivers wait on the event loop, so a wake-up is handed over
with `call_soon_threadsafe`. It is sent after the sender's transaction commits, and a receiver
registers before it looks at the database, so no wake-up falls between the two. Sends made by
another server process are not seen here; receivers also re-read the database periodically.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager


class Waiter:
    def __init__(self, hub: WakeupHub, queue_id: int) -> None:
        self._hub = hub
        self.queue_id = queue_id
        self.loop = asyncio.get_running_loop()
        self.event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """True if woken, False when `timeout` seconds passed first."""
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        self._hub.forget(self)


class WakeupHub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[int, set[Waiter]] = {}

    def waiter(self, queue_id: int) -> Waiter:
        """Register interest in `queue_id` (call on the event loop; close it when done)."""
        waiter = Waiter(self, queue_id)
        with self._lock:
            self._waiters.setdefault(queue_id, set()).add(waiter)
        return waiter

    def forget(self, waiter: Waiter) -> None:
        with self._lock:
            waiting = self._waiters.get(waiter.queue_id)
            if waiting is not None:
                waiting.discard(waiter)
                if not waiting:
                    del self._waiters[waiter.queue_id]

    @contextmanager
    def deferred(self) -> Iterator[Callable[[int], None]]:
        """A `wake(queue_id)` whose receivers are woken when the block ends, and not if it
        raises. Open it around a transaction, so the wake-ups follow the commit."""
        queue_ids: set[int] = set()
        yield queue_ids.add
        self.wake(queue_ids)

    def wake(self, queue_ids: Iterable[int]) -> None:
        """Wake every receiver waiting on these queues (from any thread)."""
        with self._lock:
            woken = [w for q in queue_ids for w in self._waiters.get(q, ())]
        for waiter in woken:
            try:
                waiter.loop.call_soon_threadsafe(waiter.event.set)
            except RuntimeError:  # that loop has closed: nothing is waiting on it any more
                self.forget(waiter)
