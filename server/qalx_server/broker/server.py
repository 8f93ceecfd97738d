"""The broker as the server runs it: the SQS actions, authentication and long polling.

One `Broker` per server process holds the broker secret (receipt handles and derived
credential secrets), the wake-up hub for long polling and the database. `OPERATIONS` says how
it answers each action: every one but ReceiveMessage in one thread hop and one transaction,
the signature check included; `endpoint.SqsEndpoint` serves them over HTTP.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from concurrent.futures import Executor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import attrs
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool

from qalx_server.keyfiles import MIN_SECRET_BYTES, load_or_create_secret
from qalx_server.queue_model import QueueCredentials
from qalx_server.settings import Settings
from qalx_server.store.database import Database

from . import operations, receiving
from .credentials import DEFAULT_LIFETIME, forget_expired, issue_credentials
from .naming import endpoint_url
from .operations import Answer, Call, Operation, Transaction
from .receipts import ReceiptSigner
from .sigv4 import IncomingRequest, verify
from .wakeups import WakeupHub

CLEANUP_INTERVAL = 3600.0
"""Seconds between sweeps of long-expired credentials."""

KEY_FILE = "broker-signing.key"
T = TypeVar("T")


@attrs.frozen
class SqsRequest:
    """One SQS request as the endpoint read it: as signed, its JSON payload, the base URL its
    queue URLs start with, and whether the client has gone (for a long poll to stop)."""

    signed: IncomingRequest
    payload: Mapping[str, Any]
    base_url: str
    disconnected: Callable[[], Awaitable[bool]]


Answering = Callable[["Broker", SqsRequest], Awaitable[Answer]]
"""How a broker answers one action (an entry of `OPERATIONS`)."""


class Broker:
    """The built-in SQS-compatible broker of one server process."""

    def __init__(
        self,
        db: Database,
        key: bytes,
        *,
        public_url: str | None = None,
        region: str = "eu-west-2",
        poll_interval: float = 0.5,
        credential_lifetime: dt.timedelta = DEFAULT_LIFETIME,
        executor: Executor | None = None,
    ) -> None:
        self.db = db
        self.executor = executor
        self._key = bytes(key)
        self._next_cleanup = 0.0  # sweep expired credentials at the first issue
        self.receipts = ReceiptSigner(self._key)
        self.public_url = public_url
        self.region = region
        self.poll_interval = poll_interval
        self.credential_lifetime = credential_lifetime
        self.hub = WakeupHub()

    @classmethod
    def from_settings(
        cls, settings: Settings, db: Database, executor: Executor | None = None
    ) -> Broker:
        return cls(
            db,
            _key(settings),
            public_url=settings.public_url,
            region=settings.broker_region,
            poll_interval=settings.broker_poll_interval,
            credential_lifetime=dt.timedelta(seconds=settings.broker_credential_lifetime),
            executor=executor,
        )

    # ---- service API ------------------------------------------------------------------

    def issue_credentials(
        self,
        conn: Connection,
        company_id: int,
        *,
        bot_guid: str | None = None,
        lifetime: dt.timedelta | None = None,
    ) -> QueueCredentials:
        """Temporary credentials for the queues of one company (optionally tied to a bot).
        Every queue answer issues some, so rows of long-expired ones are cleared here too."""
        if time.monotonic() >= self._next_cleanup:
            self._next_cleanup = time.monotonic() + CLEANUP_INTERVAL
            forget_expired(conn)
        return issue_credentials(
            conn,
            company_id,
            key=self._key,
            bot_guid=bot_guid,
            lifetime=lifetime or self.credential_lifetime,
        )

    @staticmethod
    def endpoint_url(base_url: str) -> str:
        return endpoint_url(base_url)

    async def _in_thread(self, work: Callable[..., T], *args: Any) -> T:
        """Run blocking database work off the event loop (the server's executor if given)."""
        if self.executor is None:
            return await run_in_threadpool(work, *args)
        return await asyncio.get_running_loop().run_in_executor(self.executor, work, *args)

    # ---- answering --------------------------------------------------------------------

    async def transact(self, operation: Operation, request: SqsRequest, *, writes: bool) -> Answer:
        """Answer with `operation` in one thread hop and one transaction (a write if `writes`),
        the signature check included: one read covers the credentials and the queue."""
        return await self._in_thread(retrying, lambda: self._run(operation, request, writes))

    @contextmanager
    def _transaction(self, *, writes: bool) -> Iterator[Transaction]:
        with self.hub.deferred() as wake, self.db.write() if writes else self.db.read() as conn:
            yield Transaction(conn, wake)

    def _verified(self, conn: Connection, request: SqsRequest) -> Call:
        verified = verify(conn, self._key, request.signed, now=dt.datetime.now(dt.UTC))
        return Call(verified.grant, verified.region, request.base_url, self.receipts)

    def _run(self, operation: Operation, request: SqsRequest, writes: bool) -> Answer:
        with self._transaction(writes=writes) as tx:
            return operation(self._verified(tx.conn, request), tx, request.payload)

    async def receive_message(self, request: SqsRequest) -> Answer:
        """ReceiveMessage, the one action answered on the event loop: it may long-poll."""

        def first() -> tuple[Call, receiving.ReceivePlan, list[Answer]]:
            # One thread hop and one read for the signature, the queue and whether anything is
            # waiting: a busy queue's receive (a worker's every job) costs no more than that
            # and the claim.
            with self.db.read() as conn:
                call = self._verified(conn, request)
                plan = receiving.plan(call, conn, request.payload)
                ready = receiving.deliverable(conn, plan)
            return call, plan, self._claim(call, plan) if ready else []

        call, plan, found = await self._in_thread(first)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + plan.wait_seconds
        while True:
            remaining = deadline - loop.time()
            if found or remaining <= 0:
                return {"Messages": found} if found else {}
            waiter = self.hub.waiter(plan.queue.id)
            try:  # attempt again once waiting: a message sent since the last one wakes it
                found = await self._in_thread(self._attempt, call, plan)
                if not found:
                    await waiter.wait(min(self.poll_interval, remaining))
            finally:
                waiter.close()
            if not found and await request.disconnected():
                return {}

    def _attempt(self, call: Call, plan: receiving.ReceivePlan) -> list[Answer]:
        with self.db.read() as conn:
            if not receiving.deliverable(conn, plan):
                return []  # an idle long poll never takes the write lock
        return self._claim(call, plan)

    def _claim(self, call: Call, plan: receiving.ReceivePlan) -> list[Answer]:
        def claim() -> receiving.Claim:
            with self._transaction(writes=True) as tx:
                return receiving.claim(tx, plan, locks_rows=self.db.locks_rows)

        return receiving.shown(call, plan, retrying(claim))


def in_transaction(operation: Operation, *, writes: bool) -> Answering:
    """An action the broker answers with `Broker.transact`."""

    async def answer(broker: Broker, request: SqsRequest) -> Answer:
        return await broker.transact(operation, request, writes=writes)

    return answer


OPERATIONS: dict[str, Answering] = {
    "GetQueueUrl": in_transaction(operations.get_queue_url, writes=False),
    "ListQueues": in_transaction(operations.list_queues, writes=False),
    "GetQueueAttributes": in_transaction(operations.get_queue_attributes, writes=False),
    "PurgeQueue": in_transaction(operations.purge_queue, writes=True),
    "SendMessage": in_transaction(operations.send_message, writes=True),
    "SendMessageBatch": in_transaction(operations.send_message_batch, writes=True),
    "ChangeMessageVisibility": in_transaction(operations.change_message_visibility, writes=True),
    "ChangeMessageVisibilityBatch": in_transaction(
        operations.change_message_visibility_batch, writes=True
    ),
    "DeleteMessage": in_transaction(operations.delete_message, writes=True),
    "DeleteMessageBatch": in_transaction(operations.delete_message_batch, writes=True),
    "ReceiveMessage": Broker.receive_message,  # the one async entry: it may long-poll
}
UNSUPPORTED = frozenset(
    {
        "AddPermission", "CancelMessageMoveTask", "CreateQueue", "DeleteQueue",
        "ListDeadLetterSourceQueues", "ListMessageMoveTasks", "ListQueueTags",
        "RemovePermission", "SetQueueAttributes", "StartMessageMoveTask", "TagQueue",
        "UntagQueue",
    }
)  # fmt: skip


def _key(settings: Settings) -> bytes:
    if settings.broker_key:
        try:
            key = bytes.fromhex(settings.broker_key)
        except ValueError:
            raise ValueError("broker_key must be hex digits (e.g. 64 for 32 bytes)") from None
        if len(key) < MIN_SECRET_BYTES:
            raise ValueError(
                f"broker_key must be at least {MIN_SECRET_BYTES} bytes "
                f"({2 * MIN_SECRET_BYTES} hex digits)"
            )
        return key
    return load_or_create_secret(Path(settings.data_dir) / KEY_FILE)


RETRYABLE = {"40P01", "40001"}
"""PostgreSQL deadlock and serialization failure: the transaction was rolled back whole."""


def retrying(work: Callable[[], T], attempts: int = 4) -> T:
    """Run one operation's transaction again when PostgreSQL aborted it to break a deadlock
    (e.g. two batches inserting the same deduplication ids in opposite orders)."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as exc:
            code = getattr(exc.orig, "sqlstate", None)
            if code not in RETRYABLE or attempt == attempts:
                raise
            time.sleep(random.uniform(0.005, 0.05) * attempt)
    raise AssertionError("unreachable")
