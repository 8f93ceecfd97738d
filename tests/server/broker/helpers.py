"""Small helpers for broker tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_sqs import SQSClient
from mypy_boto3_sqs.type_defs import MessageTypeDef

HEARTBEAT_TEXT = "Message does not exist or is not available for visibility timeout change"


@contextmanager
def refused(code: str, status: int = 400) -> Iterator[list[ClientError]]:
    """Expect a ClientError with this `Error.Code` and HTTP status."""
    caught: list[ClientError] = []
    with pytest.raises(ClientError) as info:
        yield caught
    caught.append(info.value)
    error = info.value.response["Error"]
    assert error["Code"] == code, info.value.response
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def send(sqs: SQSClient, url: str, body: str, *, group: str | None = None, **extra: Any) -> str:
    """Send one FIFO message (fresh group and deduplication ids unless given)."""
    answer = sqs.send_message(
        QueueUrl=url,
        MessageBody=body,
        MessageGroupId=group or uuid.uuid4().hex,
        MessageDeduplicationId=extra.pop("dedup", None) or uuid.uuid4().hex,
        **extra,
    )
    return answer["MessageId"]


def receive(sqs: SQSClient, url: str, **kwargs: Any) -> list[MessageTypeDef]:
    kwargs.setdefault("MaxNumberOfMessages", 10)
    kwargs.setdefault("MessageSystemAttributeNames", ["All"])
    return list(sqs.receive_message(QueueUrl=url, **kwargs).get("Messages", []))


def attributes(sqs: SQSClient, url: str) -> dict[str, str]:
    found = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return {str(k): v for k, v in found.items()}


def depth(sqs: SQSClient, url: str) -> tuple[int, int]:
    """(ApproximateNumberOfMessages, ApproximateNumberOfMessagesNotVisible)."""
    found = attributes(sqs, url)
    return (
        int(found["ApproximateNumberOfMessages"]),
        int(found["ApproximateNumberOfMessagesNotVisible"]),
    )
