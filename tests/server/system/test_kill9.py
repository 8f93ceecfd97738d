"""kill -9 loses nothing: messages live in the database, not in the server process.

The server runs as `qalx server start`, on SQLite in its default data-directory layout and on
PostgreSQL, and is stopped with SIGKILL: no shutdown hooks, no connection cleanup. A bot's
view only: a queue entity over the REST API, then boto3 with the URL and credentials it hands
out, sending as pyqalx does (SendMessageBatch of 10, fresh group and deduplication ids).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest
from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.exceptions import HTTPClientError
from mypy_boto3_sqs import SQSClient
from mypy_boto3_sqs.type_defs import DeleteMessageBatchRequestEntryTypeDef

from tests.server.broker.helpers import depth
from tests.support.postgres import throwaway_database
from tests.support.queues import client_from_info, pyqalx_entries

from .processes import (
    Company,
    QueueEntity,
    ServerProcess,
    add_company,
    create_queue_entity,
)

MESSAGES = 1000
SENDERS = 4
T = TypeVar("T")
TRANSIENT = (BotoConnectionError, HTTPClientError)
"""What a client sees while the server is dead: refused, reset or timed-out connections."""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerProcess, Company]]:
    data_dir: Path = tmp_path_factory.mktemp(f"kill9-{request.param}") / "data"
    if request.param == "postgresql":
        with throwaway_database() as url:
            yield from _started(ServerProcess(data_dir, url))
    else:
        yield from _started(ServerProcess(data_dir))  # SQLite at <data dir>/qalx.db


def _started(server: ServerProcess) -> Iterator[tuple[ServerProcess, Company]]:
    server.start()
    try:
        yield server, add_company(server.resolved_database_url)
    finally:
        server.stop()


def _bodies(count: int) -> list[str]:
    return [
        json.dumps({"entity_type": "item", "entity_guid": str(uuid.uuid4()), "n": n})
        for n in range(count)
    ]


def _send_all(queue: QueueEntity, bodies: list[str]) -> dict[str, str]:
    """Send in batches of 10 from several bot threads; every send must succeed.
    Returns message id -> body."""
    chunks = [bodies[i : i + 10] for i in range(0, len(bodies), 10)]
    clients = [client_from_info(queue.info) for _ in range(SENDERS)]

    def send(job: tuple[int, list[str]]) -> dict[str, str]:
        n, chunk = job
        entries = pyqalx_entries(chunk)
        answer = clients[n % SENDERS].send_message_batch(QueueUrl=queue.url, Entries=entries)
        assert answer["Failed"] == [], answer["Failed"]
        by_entry = {e["Id"]: e["MessageBody"] for e in entries}
        return {s["MessageId"]: by_entry[s["Id"]] for s in answer["Successful"]}

    sent: dict[str, str] = {}
    try:
        with ThreadPoolExecutor(SENDERS) as pool:
            for part in pool.map(send, enumerate(chunks)):
                sent |= part
    finally:
        for client in clients:
            client.close()
    assert sorted(sent.values()) == sorted(bodies)
    return sent


def test_kill_9_with_1000_messages_queued_loses_none(
    server: tuple[ServerProcess, Company],
) -> None:
    process, company = server
    queue = create_queue_entity(
        process.base_url, company.token, f"k9-{uuid.uuid4().hex[:6]}", visibility_timeout=60
    )
    sent = _send_all(queue, _bodies(MESSAGES))
    process.kill9()  # at once: the last send's answer is the only promise there is
    process.start()

    sqs = client_from_info(queue.info)  # the credentials issued before the kill still work
    try:
        assert depth(sqs, queue.url) == (MESSAGES, 0)
        received: list[tuple[str, str]] = []
        deadline = time.monotonic() + 60
        while len(received) < MESSAGES and time.monotonic() < deadline:
            got = sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10).get(
                "Messages", []
            )
            if not got:
                break
            received += [(m["MessageId"], m["Body"]) for m in got]
            deleted = sqs.delete_message_batch(
                QueueUrl=queue.url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)
                ],
            )
            assert deleted["Failed"] == []
        assert sqs.receive_message(QueueUrl=queue.url).get("Messages", []) == []
        assert depth(sqs, queue.url) == (0, 0)
    finally:
        sqs.close()
    ids = Counter(message_id for message_id, _ in received)
    assert max(ids.values()) == 1, [k for k, v in ids.items() if v > 1]
    assert dict(received) == sent  # exactly the 1,000: same ids, same bodies, each once


class Consumer(threading.Thread):
    """A bot's receive/delete loop that rides out a dead server: on a connection error it
    waits and tries again, retrying a delete with the same receipt handles."""

    def __init__(self, queue: QueueEntity, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.queue = queue
        self.stop = stop
        self.sqs: SQSClient = client_from_info(queue.info)
        self.received: Counter[str] = Counter()
        self.deleted: set[str] = set()
        self.connection_errors = 0
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                received = self._retrying(
                    partial(
                        self.sqs.receive_message,
                        QueueUrl=self.queue.url,
                        MaxNumberOfMessages=10,
                        WaitTimeSeconds=1,
                    )
                )
                got = received.get("Messages", [])
                if not got:
                    continue
                self.received.update(m["Body"] for m in got)
                entries: list[DeleteMessageBatchRequestEntryTypeDef] = [
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)
                ]
                deleted = self._retrying(
                    partial(self.sqs.delete_message_batch, QueueUrl=self.queue.url, Entries=entries)
                )
                assert deleted["Failed"] == [], deleted["Failed"]
                self.deleted |= {got[int(s["Id"])]["Body"] for s in deleted["Successful"]}
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.failure = exc
        finally:
            self.sqs.close()

    def _retrying(self, call: Callable[[], T]) -> T:
        while True:
            try:
                return call()
            except TRANSIENT:
                self.connection_errors += 1
                if self.stop.wait(0.05):
                    raise


def test_kill_9_during_a_receive_and_delete_loop_loses_none(
    server: tuple[ServerProcess, Company],
) -> None:
    """Killed twice while two bots receive and delete: whatever a dead server had handed out
    (including ten messages a third bot took just before each kill and never deleted) comes
    back when its visibility runs out (2 s), and in the end every message has been received
    and deleted (at least once) and the queue is empty."""
    process, company = server
    queue = create_queue_entity(
        process.base_url, company.token, f"k9-{uuid.uuid4().hex[:6]}", visibility_timeout=2
    )
    bodies = _bodies(MESSAGES)
    _send_all(queue, bodies)
    stop = threading.Event()
    consumers = [Consumer(queue, stop) for _ in range(2)]
    for consumer in consumers:
        consumer.start()

    def deleted() -> set[str]:
        return set().union(*(c.deleted for c in consumers))

    def wait_for(count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(deleted()) < count and time.monotonic() < deadline:
            if any(c.failure for c in consumers):
                return
            time.sleep(0.01)

    sqs = client_from_info(queue.info)
    try:
        kills: list[int] = []
        held: list[str] = []
        for fraction in (0.3, 0.65):
            wait_for(int(MESSAGES * fraction), 30)
            # A third bot takes some and dies with the server: only visibility can return them.
            got = sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10)["Messages"]
            held += [m["Body"] for m in got]
            kills.append(len(deleted()))
            process.kill9()
            time.sleep(0.2)  # the bots meet a dead server
            process.start()
        wait_for(MESSAGES, 60)
        deadline = time.monotonic() + 15  # redelivered copies may still be in flight
        while depth(sqs, queue.url) != (0, 0) and time.monotonic() < deadline:
            time.sleep(0.1)
        remaining = depth(sqs, queue.url)
    finally:
        stop.set()
        for consumer in consumers:
            consumer.join(10)
        sqs.close()
    failures = [c.failure for c in consumers if c.failure is not None]
    assert not failures, failures
    assert all(0 < k < MESSAGES for k in kills), kills  # both kills hit a running loop
    assert deleted() == set(bodies)  # nothing lost
    assert remaining == (0, 0)
    received: Counter[str] = sum((c.received for c in consumers), Counter())
    assert set(received) == set(bodies)
    assert all(received[body] >= 1 for body in held)
    redelivered = sum(received.values()) + len(held) - MESSAGES
    assert len(held) == 20 and redelivered >= len(held)
    errors = sum(c.connection_errors for c in consumers)
    print(
        f"\n[{process.resolved_database_url.split(':')[0]}] kills after {kills} deletes; "
        f"{errors} connection errors seen by the bots; {redelivered} redeliveries"
    )
