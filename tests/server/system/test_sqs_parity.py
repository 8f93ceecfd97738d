"""The core of the broker's boto3 suite, run against the built-in broker and against moto.

Each test is one of tests/server/broker's, written against `SqsTarget` (a boto3 client and a
queue factory) instead of the broker's database, with the same assertions. Where moto answers
one assertion differently, that assertion has a test of its own, a strict xfail on moto only
with what moto does as its reason, so everything else still runs against moto. A test that
needs the broker's database is skipped on moto; one where these tests found the built-in broker
departing from SQS is a strict xfail on the built-in broker (see its reason).
Authentication is not here: moto does not verify SigV4 signatures at all.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from moto.sqs.models import Message as MotoMessage
from mypy_boto3_sqs import SQSClient
from mypy_boto3_sqs.type_defs import MessageTypeDef

from qalx_server.broker.digests import md5_of_attributes, md5_of_body
from qalx_server.store.tables import broker_dedup
from tests.server.broker.helpers import HEARTBEAT_TEXT, attributes, depth, receive, refused, send

from .conftest import BuiltinTarget, SqsTarget

ATTRIBUTES: dict[str, dict[str, Any]] = {
    "kind": {"DataType": "String", "StringValue": "item"},
    "count": {"DataType": "Number", "StringValue": "42"},
    "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01binary\xff"},
    "note.custom": {"DataType": "String.custom", "StringValue": "héllo ✓"},
}


# ---- send, receive, delete -----------------------------------------------------------------


def test_send_receive_delete_with_digests(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    body = f'{{"entity_type": "item", "entity_guid": "{uuid.uuid4()}"}} ✓'
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody=body,
        MessageAttributes=ATTRIBUTES,  # type: ignore[arg-type]
        MessageGroupId="g",
        MessageDeduplicationId="d1",
    )
    assert sent["MD5OfMessageBody"] == md5_of_body(body)
    reference = MotoMessage("id", body)
    reference.message_attributes = {name: dict(value) for name, value in ATTRIBUTES.items()}
    assert sent["MD5OfMessageAttributes"] == reference.attribute_md5
    assert sent["SequenceNumber"].isdigit()

    (got,) = receive(sqs, url, MessageAttributeNames=["All"])
    assert got["MessageId"] == sent["MessageId"]
    assert got["Body"] == body
    assert got["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert got["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert got["MessageAttributes"]["blob"]["BinaryValue"] == b"\x00\x01binary\xff"
    system = got["Attributes"]
    assert system["ApproximateReceiveCount"] == "1"
    assert system["MessageGroupId"] == "g"
    assert system["MessageDeduplicationId"] == "d1"
    assert system["SequenceNumber"] == sent["SequenceNumber"]
    sent_ms = int(system["SentTimestamp"])
    assert sent_ms <= int(system["ApproximateFirstReceiveTimestamp"]) <= time.time() * 1000 + 1
    assert depth(sqs, url) == (0, 1)

    sqs.delete_message(QueueUrl=url, ReceiptHandle=got["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got["ReceiptHandle"])  # again: a no-op
    assert depth(sqs, url) == (0, 0)


def test_attribute_selection_on_receive(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "m", MessageAttributes=ATTRIBUTES)
    (got,) = receive(
        sqs,
        url,
        MessageAttributeNames=["note.*", "count"],
        MessageSystemAttributeNames=["ApproximateReceiveCount"],
        VisibilityTimeout=0,
    )
    assert set(got["MessageAttributes"]) == {"note.custom", "count"}
    chosen = {k: ATTRIBUTES[k] for k in ("note.custom", "count")}
    assert got["MD5OfMessageAttributes"] == md5_of_attributes(chosen)
    assert got["Attributes"] == {"ApproximateReceiveCount": "1"}
    (bare,) = receive(sqs, url, MessageSystemAttributeNames=[])
    assert "MessageAttributes" not in bare and "Attributes" not in bare


def test_send_validation(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    with refused("MissingParameter"):
        sqs.send_message(QueueUrl=url, MessageBody="no group", MessageDeduplicationId="d")
    with refused("InvalidParameterValue"):
        sqs.send_message(QueueUrl=url, MessageBody="no dedup", MessageGroupId="g")
    with refused("InvalidParameterValue"):
        send(sqs, url, "delayed", DelaySeconds=5)  # per-message delay: not on FIFO queues
    with refused("InvalidParameterValue"):
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=11)
    with refused("InvalidParameterValue"):
        sqs.receive_message(QueueUrl=url, WaitTimeSeconds=21)
    assert depth(sqs, url) == (0, 0)


@pytest.mark.moto_differs("moto stores a body with a NUL character (SQS: InvalidMessageContents)")
def test_invalid_characters_are_refused(target: SqsTarget) -> None:
    url = target.queue()
    with refused("InvalidMessageContents"):
        send(target.sqs, url, "bad \x00 char")


@pytest.mark.moto_differs(
    "moto ignores unknown MessageSystemAttributeNames (SQS: InvalidAttributeName)"
)
def test_unknown_attribute_names_are_refused(target: SqsTarget) -> None:
    url = target.queue()
    with refused("InvalidAttributeName"):
        target.sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["Bogus"])  # type: ignore[list-item]


def test_a_1_mib_message_is_accepted(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    body = "x" * 1_048_576
    send(sqs, url, body)
    (got,) = receive(sqs, url)
    assert got["Body"] == body
    with refused("InvalidParameterValue"):
        send(sqs, url, body + "x")


def test_standard_queue_with_delay(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue(fifo=False)
    assert not url.endswith(".fifo")
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=1)
    sqs.send_message(QueueUrl=url, MessageBody="now")
    assert [m["Body"] for m in receive(sqs, url)] == ["now"]
    assert sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesDelayed"]
    )["Attributes"] == {"ApproximateNumberOfMessagesDelayed": "1"}
    time.sleep(1.1)
    assert [m["Body"] for m in receive(sqs, url)] == ["later"]


@pytest.mark.moto_differs(
    "moto accepts a MessageDeduplicationId on a standard queue (SQS: InvalidParameterValue)"
)
def test_a_standard_queue_refuses_deduplication_ids(target: SqsTarget) -> None:
    url = target.queue(fifo=False)
    with refused("InvalidParameterValue"):
        target.sqs.send_message(QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")


# ---- visibility --------------------------------------------------------------------------


def test_visibility_expiry_redelivers(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue(visibility_timeout=1)
    message_id = send(sqs, url, "again")
    (first,) = receive(sqs, url)
    assert receive(sqs, url) == []  # in flight: invisible to everyone
    time.sleep(1.1)
    (second,) = receive(sqs, url)
    assert second["MessageId"] == message_id
    assert second["Attributes"]["ApproximateReceiveCount"] == "2"
    assert (
        second["Attributes"]["ApproximateFirstReceiveTimestamp"]
        == first["Attributes"]["ApproximateFirstReceiveTimestamp"]
    )
    assert second["ReceiptHandle"] != first["ReceiptHandle"]


def test_visibility_extension_and_release(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "held")
    (got,) = receive(sqs, url, VisibilityTimeout=1)
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=got["ReceiptHandle"], VisibilityTimeout=3
    )
    time.sleep(1.2)
    assert receive(sqs, url) == []  # extended beyond the original second
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=got["ReceiptHandle"], VisibilityTimeout=0
    )
    (again,) = receive(sqs, url)  # released at once
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"


def test_visibility_beyond_the_cap_is_refused(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "held")
    (got,) = receive(sqs, url)
    with refused("InvalidParameterValue"):
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=got["ReceiptHandle"], VisibilityTimeout=43_201
        )
    with refused("InvalidParameterValue"):
        sqs.receive_message(QueueUrl=url, VisibilityTimeout=43_201)


@pytest.mark.moto_differs(
    "moto counts the 43,200 s cap from the message's SentTimestamp, so 43,200 s asked a moment "
    "after the send is refused"
)
def test_visibility_at_the_cap_is_accepted(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "held")
    (got,) = receive(sqs, url)
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=got["ReceiptHandle"], VisibilityTimeout=43_200
    )


def test_visibility_cannot_reach_past_12_hours_after_the_receive(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "held")
    (got,) = receive(sqs, url, VisibilityTimeout=43_200)
    time.sleep(1.1)
    with refused("InvalidParameterValue"):
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=got["ReceiptHandle"], VisibilityTimeout=43_200
        )


@pytest.mark.moto_differs(
    "moto answers ReceiptHandleIsInvalid, without the text pyqalx's heartbeat looks for"
)
def test_heartbeat_on_a_deleted_message_gets_the_text_pyqalx_looks_for(
    target: SqsTarget,
) -> None:
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "done")
    (got,) = receive(sqs, url)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got["ReceiptHandle"])
    with refused("InvalidParameterValue") as caught:
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=got["ReceiptHandle"], VisibilityTimeout=60
        )
    assert HEARTBEAT_TEXT in caught[0].response["Error"]["Message"]
    assert HEARTBEAT_TEXT in str(caught[0])


@pytest.mark.moto_differs(
    "moto deletes a message, and re-times its current receive, through any receipt handle it "
    "ever had; SQS: a stale handle's delete succeeds but deletes nothing"
)
def test_stale_receipt_handles_behave_like_sqs(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "twice")
    (first,) = receive(sqs, url, VisibilityTimeout=0)
    (second,) = receive(sqs, url, VisibilityTimeout=30)
    # The first receipt is stale: deleting with it succeeds but deletes nothing...
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    assert depth(sqs, url) == (0, 1)
    # ...and it cannot change the visibility of the newer receive.
    with refused("InvalidParameterValue") as caught:
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0
        )
    assert HEARTBEAT_TEXT in caught[0].response["Error"]["Message"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=second["ReceiptHandle"])
    assert depth(sqs, url) == (0, 0)


def test_made_up_receipt_handles_are_refused(target: SqsTarget) -> None:
    """The implementation-neutral part of test_receipt_handles_cannot_be_forged."""
    sqs = target.sqs
    url = target.queue()
    other = target.queue()
    send(sqs, url, "mine")
    (got,) = receive(sqs, url)
    handle = got["ReceiptHandle"]
    forgeries = [
        "not-a-handle",
        handle[:-4] + ("AAAA" if not handle.endswith("AAAA") else "BBBB"),
        base64.urlsafe_b64encode(b"1:2:" + bytes(24)).decode(),
    ]
    for forged in forgeries:
        with refused("ReceiptHandleIsInvalid"):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=forged)
        with refused("ReceiptHandleIsInvalid"):
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=forged, VisibilityTimeout=5)
    # A genuine handle is bound to its queue.
    with refused("ReceiptHandleIsInvalid"):
        sqs.delete_message(QueueUrl=other, ReceiptHandle=handle)
    assert depth(sqs, url) == (0, 1)


# ---- batches -----------------------------------------------------------------------------


def _entry(n: int, **extra: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "Id": f"e{n}",
        "MessageBody": f"body {n}",
        "MessageGroupId": uuid.uuid4().hex,
        "MessageDeduplicationId": uuid.uuid4().hex,
    }
    entry.update(extra)
    return entry


@pytest.mark.moto_differs(
    "moto checks every entry before sending any: one without MessageGroupId fails the whole "
    "batch (MissingParameter), and a \\x01 body is accepted"
)
def test_send_batch_with_partial_failure(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    entries = [_entry(n) for n in range(10)]
    del entries[3]["MessageGroupId"]
    entries[7]["MessageBody"] = "bad \x01"
    answer = sqs.send_message_batch(QueueUrl=url, Entries=entries)  # type: ignore[arg-type]
    assert sorted(s["Id"] for s in answer["Successful"]) == sorted(
        f"e{n}" for n in range(10) if n not in (3, 7)
    )
    failed = {f["Id"]: f for f in answer["Failed"]}
    assert set(failed) == {"e3", "e7"}
    assert failed["e3"]["Code"] == "MissingParameter" and failed["e3"]["SenderFault"]
    assert failed["e7"]["Code"] == "InvalidMessageContents"
    assert depth(sqs, url) == (8, 0)
    for entry in answer["Successful"]:
        assert entry["MessageId"] and entry["MD5OfMessageBody"] and entry["SequenceNumber"]


def test_send_batch_with_a_delay_out_of_range(target: SqsTarget) -> None:
    """A partial failure both implementations report per entry (DelaySeconds above 900)."""
    sqs = target.sqs
    url = target.queue(fifo=False)
    entries = [{"Id": f"e{n}", "MessageBody": f"body {n}"} for n in range(4)]
    entries[2]["DelaySeconds"] = 901  # type: ignore[assignment]
    answer = sqs.send_message_batch(QueueUrl=url, Entries=entries)  # type: ignore[arg-type]
    assert sorted(s["Id"] for s in answer["Successful"]) == ["e0", "e1", "e3"]
    assert [(f["Id"], f["Code"], f["SenderFault"]) for f in answer["Failed"]] == [
        ("e2", "InvalidParameterValue", True)
    ]
    assert sorted(m["Body"] for m in receive(sqs, url)) == ["body 0", "body 1", "body 3"]


def test_whole_batch_errors(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    with refused("AWS.SimpleQueueService.TooManyEntriesInBatchRequest"):
        sqs.send_message_batch(QueueUrl=url, Entries=[_entry(n) for n in range(11)])  # type: ignore[misc]
    with refused("AWS.SimpleQueueService.BatchEntryIdsNotDistinct"):
        sqs.send_message_batch(QueueUrl=url, Entries=[_entry(1), _entry(1)])  # type: ignore[list-item]
    with refused("AWS.SimpleQueueService.EmptyBatchRequest"):
        sqs.send_message_batch(QueueUrl=url, Entries=[])
    with refused("AWS.SimpleQueueService.InvalidBatchEntryId"):
        sqs.send_message_batch(QueueUrl=url, Entries=[_entry(1, Id="bad id!")])  # type: ignore[list-item]
    with refused("AWS.SimpleQueueService.BatchRequestTooLong"):
        big = [_entry(n, MessageBody="x" * 110_000) for n in range(10)]  # over 1 MiB in all
        sqs.send_message_batch(QueueUrl=url, Entries=big)  # type: ignore[arg-type]
    assert depth(sqs, url) == (0, 0)


def test_delete_and_visibility_batches(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    for n in range(4):
        send(sqs, url, f"m{n}")
    got = receive(sqs, url)
    assert len(got) == 4
    handles = [m["ReceiptHandle"] for m in got]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=handles[0])

    changed = sqs.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "ok", "ReceiptHandle": handles[1], "VisibilityTimeout": 0},
            {"Id": "forged", "ReceiptHandle": "forged", "VisibilityTimeout": 60},
            {"Id": "toolong", "ReceiptHandle": handles[2], "VisibilityTimeout": 50_000},
        ],
    )
    assert [s["Id"] for s in changed["Successful"]] == ["ok"]
    failed = {f["Id"]: f for f in changed["Failed"]}
    assert failed["forged"]["Code"] == "ReceiptHandleIsInvalid"
    assert failed["toolong"]["Code"] == "InvalidParameterValue"
    assert depth(sqs, url) == (1, 2)

    deleted = sqs.delete_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "a", "ReceiptHandle": handles[2]},
            {"Id": "b", "ReceiptHandle": handles[3]},
            {"Id": "c", "ReceiptHandle": "forged"},
        ],
    )
    assert sorted(s["Id"] for s in deleted["Successful"]) == ["a", "b"]
    assert [(f["Id"], f["Code"]) for f in deleted["Failed"]] == [("c", "ReceiptHandleIsInvalid")]
    assert depth(sqs, url) == (1, 0)


@pytest.mark.moto_differs(
    "moto fails the entry with ReceiptHandleIsInvalid, without the text pyqalx looks for"
)
def test_visibility_batch_on_a_deleted_message(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "gone")
    (got,) = receive(sqs, url)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got["ReceiptHandle"])
    changed = sqs.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[{"Id": "deleted", "ReceiptHandle": got["ReceiptHandle"], "VisibilityTimeout": 60}],
    )
    assert changed["Successful"] == []
    (failed,) = changed["Failed"]
    assert failed["Code"] == "InvalidParameterValue"
    assert HEARTBEAT_TEXT in failed["Message"]


# ---- FIFO --------------------------------------------------------------------------------


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


@pytest.mark.builtin_only("moving the window back needs the broker's database")
def test_the_deduplication_window_ends(target: SqsTarget) -> None:
    assert isinstance(target, BuiltinTarget)
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "once", dedup="same")
    with target.tenant.live.db.write() as conn:
        conn.execute(
            broker_dedup.update().where(broker_dedup.c.dedup_id == "same").values(expires_ms=0)
        )
    send(sqs, url, "after the window", dedup="same")
    assert [m["Body"] for m in receive(sqs, url)] == ["once", "after the window"]


def test_content_based_deduplication(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue(content_based_dedup=True)
    sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
    sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="h")
    sqs.send_message(QueueUrl=url, MessageBody="other body", MessageGroupId="g")
    assert depth(sqs, url) == (2, 0)
    assert sorted(m["Body"] for m in receive(sqs, url)) == ["other body", "same body"]


@pytest.mark.moto_differs("moto answers a duplicate send with a new MessageId")
def test_content_based_duplicate_answers_with_the_first_message(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue(content_based_dedup=True)
    one = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
    two = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="h")
    assert one["MessageId"] == two["MessageId"]


# ---- long polling ------------------------------------------------------------------------


class Waiting:
    """A ReceiveMessage with WaitTimeSeconds running in another thread."""

    def __init__(self, sqs: SQSClient, url: str, wait: int = 20) -> None:
        self.messages: list[MessageTypeDef] = []
        self.returned_at = 0.0
        self._thread = threading.Thread(target=self._run, args=(sqs, url, wait))
        self._thread.start()

    def _run(self, sqs: SQSClient, url: str, wait: int) -> None:
        self.messages = receive(sqs, url, WaitTimeSeconds=wait)
        self.returned_at = time.monotonic()

    def join(self) -> None:
        self._thread.join(30)
        assert not self._thread.is_alive()


def _wake_latency(waiting: Waiting, act: Callable[[], object]) -> float:
    time.sleep(0.3)  # the receive is now waiting on the server
    assert waiting.returned_at == 0.0
    act()
    acted = time.monotonic()
    waiting.join()
    return waiting.returned_at - acted


def test_a_send_wakes_a_waiting_receive_at_once(target: SqsTarget) -> None:
    url = target.queue()
    sender = target.client()
    with target.only_wakeups():
        waiting = Waiting(target.sqs, url)
        latency = _wake_latency(waiting, lambda: send(sender, url, "wake up"))
    print(f"\n[{target.name}] long-poll wake-up after send returned: {latency * 1000:.1f} ms")
    assert [m["Body"] for m in waiting.messages] == ["wake up"]
    assert latency < 1.0


@pytest.mark.moto_differs(
    "moto snapshots the in-flight FIFO groups when a long poll starts, so a message released "
    "during the wait is not delivered to it"
)
def test_released_visibility_wakes_a_waiting_receive(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "released")
    (held,) = receive(sqs, url, VisibilityTimeout=600)
    waiting = Waiting(target.client(), url, wait=5)
    latency = _wake_latency(
        waiting,
        lambda: sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=held["ReceiptHandle"], VisibilityTimeout=0
        ),
    )
    assert [m["MessageId"] for m in waiting.messages] == [held["MessageId"]]
    assert latency < 1.0


def test_a_visibility_timeout_running_out_ends_a_wait(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "comes back")
    (first,) = receive(sqs, url, VisibilityTimeout=1)
    started = time.monotonic()
    (again,) = receive(sqs, url, WaitTimeSeconds=10)
    assert again["MessageId"] == first["MessageId"]
    assert time.monotonic() - started < 2.5


def test_an_empty_wait_lasts_its_wait_time(target: SqsTarget) -> None:
    url = target.queue()
    started = time.monotonic()
    assert receive(target.sqs, url, WaitTimeSeconds=1) == []
    assert 0.95 <= time.monotonic() - started < 2.0


# ---- queues ------------------------------------------------------------------------------


def test_get_queue_url_and_missing_queue(target: SqsTarget) -> None:
    sqs = target.sqs
    name = f"find-{uuid.uuid4().hex[:6]}"
    url = target.queue(name)
    assert sqs.get_queue_url(QueueName=name + ".fifo")["QueueUrl"] == url
    with refused("AWS.SimpleQueueService.NonExistentQueue") as caught:
        sqs.get_queue_url(QueueName="nope.fifo")
    # botocore maps the query-compatible code back to the modelled exception class.
    assert isinstance(caught[0], sqs.exceptions.QueueDoesNotExist)
    error: dict[str, Any] = dict(caught[0].response["Error"])
    assert error["QueryErrorCode"] == "QueueDoesNotExist"
    with refused("AWS.SimpleQueueService.NonExistentQueue"):
        sqs.receive_message(QueueUrl=url.replace(".fifo", "-x.fifo"))


def test_queue_attributes(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue(visibility_timeout=45, max_receive_count=7)
    found = attributes(sqs, url)
    assert found["VisibilityTimeout"] == "45"
    assert found["FifoQueue"] == "true"
    name = url.rsplit("/", 1)[1]
    assert found["QueueArn"].startswith("arn:aws:sqs:eu-west-2:")
    assert found["QueueArn"].endswith(":" + name)
    policy = json.loads(found["RedrivePolicy"])
    assert policy["maxReceiveCount"] == 7
    assert policy["deadLetterTargetArn"].endswith(":" + target.dead_letter_url(url).split("/")[-1])
    only = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "VisibilityTimeout"]
    )["Attributes"]
    assert only == {"ApproximateNumberOfMessages": "0", "VisibilityTimeout": "45"}

    for n in range(3):
        send(sqs, url, f"m{n}")
    assert depth(sqs, url) == (3, 0)
    assert len(receive(sqs, url, MaxNumberOfMessages=2)) == 2
    assert depth(sqs, url) == (1, 2)

    with refused("InvalidAttributeName"):
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Nonsense"])  # type: ignore[list-item]


def test_list_queues(target: SqsTarget) -> None:
    name = f"listed-{uuid.uuid4().hex[:6]}"
    url = target.queue(name)
    urls = target.sqs.list_queues(QueueNamePrefix=name)["QueueUrls"]
    assert url in urls and len(urls) == 2  # and its dead-letter companion


def test_purge_removes_everything(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    for n in range(4):
        send(sqs, url, f"m{n}")
    receive(sqs, url, MaxNumberOfMessages=1)
    assert depth(sqs, url) == (3, 1)
    sqs.purge_queue(QueueUrl=url)
    assert depth(sqs, url) == (0, 0)
    assert receive(sqs, url) == []


# ---- dead letters ------------------------------------------------------------------------


def test_redrive_after_max_receive_count(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue(max_receive_count=2)
    companion = target.dead_letter_url(url)
    message_id = send(sqs, url, "poison")
    receive(sqs, url, VisibilityTimeout=0)
    second = receive(sqs, url, VisibilityTimeout=0)[0]["Attributes"]
    assert second["ApproximateReceiveCount"] == "2"
    # The third delivery would exceed maxReceiveCount: the message moves to the companion.
    assert receive(sqs, url) == []
    assert depth(sqs, url) == (0, 0)
    assert depth(sqs, companion) == (1, 0)
    # The companion is an ordinary queue to boto3, and says where the letter came from.
    (dead,) = receive(sqs, companion, VisibilityTimeout=0)
    assert dead["MessageId"] == message_id
    assert dead["Body"] == "poison"
    assert dead["Attributes"]["ApproximateReceiveCount"] == "3"


@pytest.mark.moto_differs("moto gives a dead letter no DeadLetterQueueSourceArn attribute")
def test_a_dead_letter_says_where_it_came_from(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue(max_receive_count=1)
    send(sqs, url, "poison")
    assert receive(sqs, url, VisibilityTimeout=0)
    assert receive(sqs, url) == []
    (dead,) = receive(sqs, target.dead_letter_url(url), VisibilityTimeout=0)
    assert dead["Attributes"]["DeadLetterQueueSourceArn"].endswith(":" + url.rsplit("/", 1)[1])
