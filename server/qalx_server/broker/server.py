"""The broker as the server runs it: the `/sqs` endpoint, authentication and long polling.

One `Broker` per server process holds the broker secret (receipt handles and derived
credential secrets), the wake-up hub for long polling and the database. `routes()` gives the
Starlette routes to mount: `POST /sqs` (boto3's `endpoint_url` is `<server base>sqs`), and
the same on `/sqs/` and on queue URLs `/sqs/<company guid>/<queue name>`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from qalx_server.keyfiles import MIN_SECRET_BYTES, load_or_create_secret
from qalx_server.queue_model import QueueCredentials
from qalx_server.settings import Settings
from qalx_server.store.database import Database

from . import errors, receiving
from .credentials import DEFAULT_LIFETIME, forget_expired, issue_credentials
from .naming import endpoint_url
from .operations import Answer, Call
from .receipts import ReceiptSigner
from .sigv4 import IncomingRequest, verify
from .wakeups import WakeupHub

log = logging.getLogger("qalx_server.broker")
CLEANUP_INTERVAL = 3600.0
"""Seconds between sweeps of long-expired credentials."""

MAX_REQUEST_BYTES = 2 * 1024 * 1024
KEY_FILE = "broker-signing.key"
T = TypeVar("T")

Operation = Callable[[Call, Mapping[str, Any]], Answer]
OPERATIONS: dict[str, Operation] = {
    "GetQueueUrl": Call.get_queue_url,
    "ListQueues": Call.list_queues,
    "GetQueueAttributes": Call.get_queue_attributes,
    "PurgeQueue": Call.purge_queue,
    "SendMessage": Call.send_message,
    "SendMessageBatch": Call.send_message_batch,
    "ChangeMessageVisibility": Call.change_message_visibility,
    "ChangeMessageVisibilityBatch": Call.change_message_visibility_batch,
    "DeleteMessage": Call.delete_message,
    "DeleteMessageBatch": Call.delete_message_batch,
}
RECEIVE = "ReceiveMessage"
UNSUPPORTED = frozenset(
    {
        "AddPermission", "CancelMessageMoveTask", "CreateQueue", "DeleteQueue",
        "ListDeadLetterSourceQueues", "ListMessageMoveTasks", "ListQueueTags",
        "RemovePermission", "SetQueueAttributes", "StartMessageMoveTask", "TagQueue",
        "UntagQueue",
    }
)  # fmt: skip


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

    # ---- HTTP -------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/sqs", self.handle, methods=["POST"]),
            Route("/sqs/", self.handle, methods=["POST"]),
            Route("/sqs/{company}/{queue}", self.handle, methods=["POST"]),
        ]

    async def handle(self, request: Request) -> Response:
        request_id = str(uuid.uuid4())
        try:
            answer = await self._answer(request)
        except errors.SqsError as exc:
            return exc.response(request_id)
        except Exception:
            log.exception("broker failed on %s", request.headers.get("x-amz-target", "?"))
            return errors.internal_failure().response(request_id)
        return Response(
            orjson.dumps(answer),
            media_type=errors.CONTENT_TYPE,
            headers={"x-amzn-RequestId": request_id},
        )

    async def _answer(self, request: Request) -> Answer:
        target = request.headers.get("x-amz-target", "")
        service, _, name = target.partition(".")
        if service != "AmazonSQS" or not name:
            raise errors.invalid_action(target)
        incoming = await _incoming(request)
        payload = _payload(incoming.body)
        if "QueueUrl" not in payload and "company" in request.path_params:
            payload["QueueUrl"] = str(request.url.replace(query=""))
        base_url = self.public_url or str(request.base_url)
        if name == RECEIVE:
            return await self._receive(request, incoming, payload, base_url)
        operation = OPERATIONS.get(name)
        if operation is None:
            if name in UNSUPPORTED:
                raise errors.unsupported_operation(name)
            raise errors.invalid_action(target)
        return await self._in_thread(self._run, operation, incoming, payload, base_url)

    def _call(self, incoming: IncomingRequest, base_url: str) -> Call:
        with self.db.read() as conn:
            return self._verified(conn, incoming, base_url)

    def _verified(self, conn: Connection, incoming: IncomingRequest, base_url: str) -> Call:
        verified = verify(conn, self._key, incoming, now=dt.datetime.now(dt.UTC))
        return Call(self.db, self.receipts, verified.grant, verified.region, base_url)

    def _run(
        self,
        operation: Operation,
        incoming: IncomingRequest,
        payload: Mapping[str, Any],
        base_url: str,
    ) -> Answer:
        call = self._call(incoming, base_url)
        try:
            return retrying(lambda: operation(call, payload))
        finally:
            self.hub.wake(call.wake)

    async def _receive(
        self, request: Request, incoming: IncomingRequest, payload: Mapping[str, Any], base: str
    ) -> Answer:
        def first() -> tuple[Call, receiving.ReceivePlan, list[Answer]]:
            # One thread hop and one read for the signature, the queue and whether anything is
            # waiting: a busy queue's receive (a worker's every job) costs no more than that
            # and the claim.
            with self.db.read() as conn:
                call = self._verified(conn, incoming, base)
                plan = receiving.plan(call, conn, payload)
                ready = receiving.deliverable(conn, plan)
            return call, plan, retrying(lambda: receiving.claim(call, plan)) if ready else []

        call, plan, found = await self._in_thread(first)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + plan.wait_seconds
        while True:
            self.hub.wake(call.wake)
            call.wake.clear()
            remaining = deadline - loop.time()
            if found or remaining <= 0:
                return {"Messages": found} if found else {}
            waiter = self.hub.waiter(plan.queue.id)
            try:  # attempt again once waiting: a message sent since the last one wakes it
                found = await self._in_thread(retrying, lambda: receiving.attempt(call, plan))
                if not found:
                    await waiter.wait(min(self.poll_interval, remaining))
            finally:
                waiter.close()
            if not found and await request.is_disconnected():
                return {}


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


async def _incoming(request: Request) -> IncomingRequest:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_REQUEST_BYTES:
            raise _too_large()
        chunks.append(chunk)
    return IncomingRequest(
        method=request.method,
        path=request.url.path,
        query=request.scope.get("query_string", b"").decode("latin-1"),
        headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
        body=b"".join(chunks),
    )


def _payload(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise errors.malformed_body("The request body is not valid JSON.") from None
    if not isinstance(parsed, dict):
        raise errors.malformed_body("The request body must be a JSON object.")
    return parsed


def _too_large() -> errors.SqsError:
    return errors.SqsError(
        "RequestEntityTooLarge",
        f"Requests to the broker must be at most {MAX_REQUEST_BYTES} bytes.",
        status=413,
        namespace=errors.CORAL_NAMESPACE,
    )
