"""Several receivers on two server processes' worth of engines: each message delivered once.

The second "process" is a second server with its own engine, connection pool and wake-up hub
on the same database, which is what the database-level guarantees (SKIP LOCKED on PostgreSQL,
BEGIN IMMEDIATE on SQLite) have to hold across.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter

import pytest
from mypy_boto3_sqs import SQSClient

from .conftest import Tenant, sqs_client
from .helpers import depth, receive

MESSAGES = 60


def _fill(sqs: SQSClient, url: str, fifo: bool) -> set[str]:
    ids: set[str] = set()
    for start in range(0, MESSAGES, 10):
        entries = []
        for n in range(start, start + 10):
            entry = {"Id": f"e{n}", "MessageBody": f"job {n}"}
            if fifo:
                entry |= {"MessageGroupId": uuid.uuid4().hex, "MessageDeduplicationId": f"d{n}"}
            entries.append(entry)
        answer = sqs.send_message_batch(QueueUrl=url, Entries=entries)  # type: ignore[arg-type]
        assert not answer["Failed"]
        ids |= {s["MessageId"] for s in answer["Successful"]}
    return ids


@pytest.mark.parametrize("fifo", [True, False], ids=["fifo", "standard"])
def test_no_message_goes_to_two_receivers(tenant: Tenant, sqs: SQSClient, fifo: bool) -> None:
    url = tenant.queue(visibility_timeout=120, fifo=fifo)
    sent = _fill(sqs, url, fifo)
    seen: Counter[str] = Counter()
    lock = threading.Lock()
    failures: list[BaseException] = []

    def consume(client: SQSClient) -> None:
        try:
            while True:
                got = receive(client, url, MaxNumberOfMessages=3)
                if not got:
                    return
                with lock:
                    seen.update(m["MessageId"] for m in got)
                client.delete_message_batch(
                    QueueUrl=url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(got)
                    ],
                )
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    with tenant.live.another_process() as other_base:
        credentials = tenant.credentials()
        clients = [tenant.client(credentials), tenant.client(credentials)]
        clients += [sqs_client(other_base, credentials) for _ in range(2)]
        threads = [threading.Thread(target=consume, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        for client in clients[2:]:
            client.close()
    assert not failures, failures
    assert set(seen) == sent
    assert max(seen.values()) == 1, [k for k, v in seen.items() if v > 1]
    assert depth(sqs, url) == (0, 0)


def test_messages_outlive_the_server_that_took_them(tenant: Tenant, sqs: SQSClient) -> None:
    """Stored, not held in memory: a fresh engine sees them, and receipts work across servers."""
    url = tenant.queue()
    ids = _fill(sqs, url, fifo=True)
    with tenant.live.another_process() as other_base:
        other = sqs_client(other_base, tenant.credentials())
        try:
            got = receive(other, url)
        finally:
            other.close()
    assert len(got) == 10 and {m["MessageId"] for m in got} <= ids
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    assert depth(sqs, url) == (MESSAGES - 10, 9)
