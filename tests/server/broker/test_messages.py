"""Sending, receiving, visibility, deleting, digests and receipt handles."""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any

import pytest
from moto.sqs.models import Message as MotoMessage

from qalx_server.broker.digests import md5_of_attributes, md5_of_body

from .conftest import BuiltinTarget, SqsTarget
from .helpers import HEARTBEAT_TEXT, depth, receive, refused, send

ATTRIBUTES: dict[str, dict[str, Any]] = {
    "kind": {"DataType": "String", "StringValue": "item"},
    "count": {"DataType": "Number", "StringValue": "42"},
    "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01binary\xff"},
    "note.custom": {"DataType": "String.custom", "StringValue": "héllo ✓"},
}


def test_digests_agree_with_an_independent_implementation() -> None:
    reference = MotoMessage("id", "body ✓")
    reference.message_attributes = {name: dict(value) for name, value in ATTRIBUTES.items()}
    wire = {
        name: (
            {"DataType": v["DataType"], "BinaryValue": base64.b64encode(v["BinaryValue"]).decode()}
            if "BinaryValue" in v
            else dict(v)
        )
        for name, v in ATTRIBUTES.items()
    }
    assert md5_of_attributes(wire) == reference.attribute_md5
    assert md5_of_body("body ✓") == reference.body_md5


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


def test_receipt_handles_cannot_be_forged(target: SqsTarget) -> None:
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
    if isinstance(target, BuiltinTarget):
        # The built-in broker's handles are `queue:message:token:received|MAC`: the right ids
        # with a guessed MAC, or another message's id under this MAC.
        raw = base64.urlsafe_b64decode(handle)
        payload, _, mac = raw.partition(b"|")
        queue_id, pk, token, received = payload.decode().split(":")
        forgeries += [
            base64.urlsafe_b64encode(payload + b"|" + bytes(len(mac))).decode(),
            base64.urlsafe_b64encode(
                f"{queue_id}:{int(pk) + 1}:{token}:{received}".encode() + b"|" + mac
            ).decode(),
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
