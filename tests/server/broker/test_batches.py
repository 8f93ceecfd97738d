"""Batch operations: whole-request errors, and partial failures reported per entry."""

from __future__ import annotations

import uuid

import pytest

from .conftest import SqsTarget
from .helpers import HEARTBEAT_TEXT, depth, receive, refused, send


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
            {"Id": "deleted", "ReceiptHandle": handles[0], "VisibilityTimeout": 60},
            {"Id": "ok", "ReceiptHandle": handles[1], "VisibilityTimeout": 0},
            {"Id": "forged", "ReceiptHandle": "forged", "VisibilityTimeout": 60},
            {"Id": "toolong", "ReceiptHandle": handles[2], "VisibilityTimeout": 50_000},
        ],
    )
    assert [s["Id"] for s in changed["Successful"]] == ["ok"]
    failed = {f["Id"]: f for f in changed["Failed"]}
    assert set(failed) == {"deleted", "forged", "toolong"}
    if not target.is_moto:  # moto's answer: test_visibility_batch_on_a_deleted_message
        assert failed["deleted"]["Code"] == "InvalidParameterValue"
        assert HEARTBEAT_TEXT in failed["deleted"]["Message"]
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
