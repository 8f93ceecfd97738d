"""FIFO semantics: order and blocking within a message group, deduplication, sequence numbers."""

from __future__ import annotations

import sqlalchemy as sa
from mypy_boto3_sqs import SQSClient

from qalx_server.broker import create_queue
from qalx_server.store.tables import broker_dedup

from .conftest import Tenant
from .helpers import depth, receive, send


def test_order_within_a_group(tenant: Tenant, sqs: SQSClient) -> None:
    url = tenant.queue()
    for n in range(6):
        send(sqs, url, f"a{n}", group="A")
    got = receive(sqs, url)
    assert [m["Body"] for m in got] == [f"a{n}" for n in range(6)]
    sequences = [int(m["Attributes"]["SequenceNumber"]) for m in got]
    assert sequences == sorted(sequences) and len(set(sequences)) == 6


def test_a_group_with_a_message_in_flight_is_blocked(tenant: Tenant, sqs: SQSClient) -> None:
    url = tenant.queue()
    send(sqs, url, "a1", group="A")
    send(sqs, url, "a2", group="A")
    send(sqs, url, "b1", group="B")
    (first,) = receive(sqs, url, MaxNumberOfMessages=1)
    assert first["Body"] == "a1"
    # a2 waits behind a1, in flight; another receiver gets group B instead.
    assert [m["Body"] for m in receive(sqs, url)] == ["b1"]
    assert receive(sqs, url) == []
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    assert [m["Body"] for m in receive(sqs, url)] == ["a2"]


def test_returned_message_is_redelivered_before_the_rest_of_its_group(
    tenant: Tenant, sqs: SQSClient
) -> None:
    url = tenant.queue()
    send(sqs, url, "a1", group="A")
    send(sqs, url, "a2", group="A")
    (first,) = receive(sqs, url, MaxNumberOfMessages=1)
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0
    )
    assert [m["Body"] for m in receive(sqs, url)] == ["a1", "a2"]


def test_deduplication_within_five_minutes(tenant: Tenant, sqs: SQSClient) -> None:
    url = tenant.queue()
    first = sqs.send_message(
        QueueUrl=url, MessageBody="once", MessageGroupId="g", MessageDeduplicationId="same"
    )
    again = sqs.send_message(
        QueueUrl=url, MessageBody="twice", MessageGroupId="g", MessageDeduplicationId="same"
    )
    assert again["MessageId"] == first["MessageId"]
    assert again["SequenceNumber"] == first["SequenceNumber"]
    (got,) = receive(sqs, url)
    assert got["Body"] == "once"
    # Deleting does not end the window...
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got["ReceiptHandle"])
    send(sqs, url, "thrice", dedup="same")
    assert depth(sqs, url) == (0, 0)
    # ...five minutes do (the window is moved back rather than waited for).
    with tenant.live.db.write() as conn:
        conn.execute(
            broker_dedup.update().where(broker_dedup.c.dedup_id == "same").values(expires_ms=0)
        )
    send(sqs, url, "after the window", dedup="same")
    assert [m["Body"] for m in receive(sqs, url)] == ["after the window"]


def test_content_based_deduplication(tenant: Tenant, sqs: SQSClient) -> None:
    with tenant.live.db.write() as conn:
        url = create_queue(
            conn,
            tenant.company_id,
            tenant.company_guid,
            "content-dedup",
            base_url=tenant.live.base_url,
            visibility_timeout=30,
            content_based_dedup=True,
        )
    one = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
    two = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="h")
    sqs.send_message(QueueUrl=url, MessageBody="other body", MessageGroupId="g")
    assert one["MessageId"] == two["MessageId"]
    assert depth(sqs, url) == (2, 0)
    with tenant.live.db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(broker_dedup)).scalar()
