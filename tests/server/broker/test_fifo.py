"""FIFO semantics: order and blocking within a message group, deduplication, sequence numbers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from mypy_boto3_sqs import SQSClient

from qalx_server.store.tables import broker_dedup

from .conftest import BuiltinTarget, SqsTarget, Tenant
from .helpers import depth, receive, send


def test_order_within_a_group(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    for n in range(6):
        send(sqs, url, f"a{n}", group="A")
    got = receive(sqs, url)
    assert [m["Body"] for m in got] == [f"a{n}" for n in range(6)]


@pytest.mark.moto_differs("moto's SequenceNumbers are random, not increasing within a group")
def test_sequence_numbers_increase_within_a_group(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    for n in range(6):
        send(sqs, url, f"a{n}", group="A")
    sequences = [int(m["Attributes"]["SequenceNumber"]) for m in receive(sqs, url)]
    assert sequences == sorted(sequences) and len(set(sequences)) == 6


def test_a_group_with_a_message_in_flight_is_blocked(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
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
    target: SqsTarget,
) -> None:
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "a1", group="A")
    send(sqs, url, "a2", group="A")
    (first,) = receive(sqs, url, MaxNumberOfMessages=1)
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0
    )
    assert [m["Body"] for m in receive(sqs, url)] == ["a1", "a2"]


def test_a_duplicate_is_not_delivered(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "once", dedup="same")
    send(sqs, url, "twice", dedup="same")
    assert depth(sqs, url) == (1, 0)
    (got,) = receive(sqs, url)
    assert got["Body"] == "once"


@pytest.mark.moto_differs("moto answers a duplicate send with a new MessageId and SequenceNumber")
def test_deduplication_within_five_minutes(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
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


@pytest.mark.moto_differs(
    "moto forgets a deduplication id when its message is deleted, so a repeat is stored"
)
def test_deleting_does_not_end_the_deduplication_window(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "once", dedup="same")
    (got,) = receive(sqs, url)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got["ReceiptHandle"])
    send(sqs, url, "thrice", dedup="same")
    assert depth(sqs, url) == (0, 0)


def _end_the_window(tenant: Tenant, dedup_id: str) -> None:
    """Move the five-minute window back rather than wait for it."""
    with tenant.live.db.write() as conn:
        conn.execute(
            broker_dedup.update().where(broker_dedup.c.dedup_id == dedup_id).values(expires_ms=0)
        )


def test_the_deduplication_window_ends(tenant: Tenant, sqs: SQSClient) -> None:
    """Built-in only: moving the window back needs the broker's database."""
    url = tenant.queue()
    send(sqs, url, "once", dedup="same")
    _end_the_window(tenant, "same")
    send(sqs, url, "after the window", dedup="same")
    assert [m["Body"] for m in receive(sqs, url)] == ["once", "after the window"]
    # A window outlives its message's deletion, but not its own end.
    url = tenant.queue()
    send(sqs, url, "once", dedup="deleted")
    (got,) = receive(sqs, url)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got["ReceiptHandle"])
    send(sqs, url, "thrice", dedup="deleted")
    assert depth(sqs, url) == (0, 0)
    _end_the_window(tenant, "deleted")
    send(sqs, url, "after the window", dedup="deleted")
    assert [m["Body"] for m in receive(sqs, url)] == ["after the window"]


def test_content_based_deduplication(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue(content_based_dedup=True)
    sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
    sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="h")
    sqs.send_message(QueueUrl=url, MessageBody="other body", MessageGroupId="g")
    assert depth(sqs, url) == (2, 0)
    if isinstance(target, BuiltinTarget):  # the content digests are what the broker stored
        with target.tenant.live.db.read() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(broker_dedup)).scalar()
    assert sorted(m["Body"] for m in receive(sqs, url)) == ["other body", "same body"]


@pytest.mark.moto_differs("moto answers a duplicate send with a new MessageId")
def test_content_based_duplicate_answers_with_the_first_message(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue(content_based_dedup=True)
    one = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
    two = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="h")
    assert one["MessageId"] == two["MessageId"]
