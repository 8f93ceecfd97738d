"""Work a worker hands off its main loop: reporting its state and deleting finished messages.

Both used to be two requests on the critical path of every job (a PATCH when it started and
one when it ended, then a DeleteMessage), and together they were most of a trivial job's cost
on the server. Here each is gathered by a daemon thread and sent in one request: the state
as the latest value of each field (at most one PATCH every `REPORT_GAP_SECONDS`), the
deletes in batches of up to ten after waiting `DELETE_LINGER_SECONDS` for company. What is
pending when the worker ends is sent by `close` before it exits; only a SIGKILL loses it
(a finished job's message then reappears: delivery is at least once anyway).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from qalx.entities import Queue, QueueMessage

REPORT_GAP_SECONDS = 0.5
"""The shortest time between two state reports of a worker: its entity lags by at most this."""
DELETE_LINGER_SECONDS = 0.05
"""How long a finished message waits for others to share its delete request."""
DELETE_BATCH = 10
"""SQS deletes at most ten messages per request."""
DELETE_ATTEMPTS = 3
"""Tries of a batch delete the broker did not answer (then its messages reappear)."""
CLOSE_TIMEOUT_SECONDS = 30.0
"""How long `close` waits for a request in flight before sending what is left itself."""

P = TypeVar("P")


class _Flusher(threading.Thread, Generic[P]):
    """Collects work in `pending` and sends it from its own thread; `close` sends the rest."""

    pause = 0.0
    """After each send, wait this long so that more work gathers."""

    def __init__(self, name: str, log: logging.Logger) -> None:
        super().__init__(name=name, daemon=True)
        self.log = log
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()  # the last send (from close) comes after the others
        self._ready = threading.Event()
        self._closing = threading.Event()
        self._pending: P = self._empty()

    def _empty(self) -> P:
        raise NotImplementedError

    def _send(self, work: P) -> None:
        """Send `work`; log (never raise) what fails."""
        raise NotImplementedError

    def _gather(self) -> None:
        """Wait (if worth it) for more work before a send."""

    def _take(self) -> P:
        with self._lock:
            work, self._pending = self._pending, self._empty()
            self._ready.clear()
            return work

    def _flush(self) -> None:
        with self._send_lock:
            work = self._take()
            if work:
                self._send(work)

    def run(self) -> None:
        while not self._closing.is_set():
            self._ready.wait()
            if self._closing.is_set():
                return
            self._gather()
            self._flush()
            self._closing.wait(self.pause)

    def close(self) -> None:
        """Stop the thread and send what is pending, from the calling thread. Idempotent."""
        self._closing.set()
        self._ready.set()
        if self.is_alive() and self is not threading.current_thread():
            self.join(CLOSE_TIMEOUT_SECONDS)
        self._flush()


class StateReporter(_Flusher[dict[str, Any]]):
    """The worker's entity fields (state, job, counts, status): the latest value of each,
    PATCHed at most once every `REPORT_GAP_SECONDS`."""

    pause = REPORT_GAP_SECONDS

    def __init__(self, send: Callable[[Mapping[str, Any]], None], log: logging.Logger) -> None:
        super().__init__("qalx-state-reporter", log)
        self._patch = send

    def _empty(self) -> dict[str, Any]:
        return {}

    def report(self, **fields: Any) -> None:
        with self._lock:
            self._pending.update(fields)
            self._ready.set()

    def _send(self, work: dict[str, Any]) -> None:
        self._patch(work)


class MessageDeleter(_Flusher[list["QueueMessage"]]):
    """Finished jobs' messages, deleted in batches off the main loop."""

    def __init__(self, queue: Queue, log: logging.Logger) -> None:
        super().__init__("qalx-message-deleter", log)
        self.queue = queue

    def _empty(self) -> list[QueueMessage]:
        return []

    def delete(self, message: QueueMessage) -> None:
        with self._lock:
            self._pending.append(message)
            self._ready.set()

    def _gather(self) -> None:
        with self._lock:
            full = len(self._pending) >= DELETE_BATCH
        if not full:
            self._closing.wait(DELETE_LINGER_SECONDS)

    def _send(self, work: list[QueueMessage]) -> None:
        for attempt in range(DELETE_ATTEMPTS):
            try:
                refused = self.queue.delete_messages(work)
                break
            except Exception as exc:
                if attempt + 1 == DELETE_ATTEMPTS:  # the broker unreachable: they come back
                    self.log.warning("could not delete %d finished message(s): %s", len(work), exc)
                    return
                threading.Event().wait(0.5 * 2**attempt)
        if refused:
            self.log.warning(
                "the broker kept %d finished message(s) (their receipt expired): they will "
                "be received again",
                len(refused),
            )
