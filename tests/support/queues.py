"""Reaching a queue as a bot does: a plain boto3 SQS client built only from what a queue
entity hands out, and messages sent the way pyqalx's `add_to_queue` sends them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

import boto3
from botocore.config import Config
from mypy_boto3_sqs import SQSClient
from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

from qalx_server.queue_model import QueueCredentials
from qalx_server.queueing import QueueAccess

NO_RETRIES = Config(
    retries={"total_max_attempts": 1, "mode": "standard"}, read_timeout=30, connect_timeout=2
)
"""No retries at all, so no failure is hidden. (botocore's `max_attempts` counts retries, so
`max_attempts: 1` would still retry a 500 or a dropped connection once.)"""


def client_from_info(info: Mapping[str, Any], config: Config | None = NO_RETRIES) -> SQSClient:
    """A client from a queue entity's `info`: its endpoint, region and credentials."""
    credentials = info["credentials"]
    return boto3.client(
        "sqs",
        endpoint_url=info.get("endpoint_url"),
        region_name=info["region"],
        aws_access_key_id=credentials["ACCESS_KEY_ID"],
        aws_secret_access_key=credentials["SECRET_ACCESS_KEY"],
        aws_session_token=credentials["SESSION_TOKEN"],
        config=config,
    )


def client_from_access(access: QueueAccess, config: Config | None = NO_RETRIES) -> SQSClient:
    """The same client from a queue backend's answer, before the API shows it as `info`."""
    return client_with(access.endpoint_url, access.region, access.credentials, config)


def client_with(
    endpoint_url: str | None,
    region: str,
    credentials: QueueCredentials,
    config: Config | None = NO_RETRIES,
    **overrides: Any,
) -> SQSClient:
    """A client with issued credentials (`overrides` replace any of boto3's key arguments)."""
    keys: dict[str, Any] = {
        "aws_access_key_id": credentials.access_key_id,
        "aws_secret_access_key": credentials.secret_access_key,
        "aws_session_token": credentials.session_token,
        **overrides,
    }
    return boto3.client("sqs", endpoint_url=endpoint_url, region_name=region, config=config, **keys)


def job_body(entity_guid: str, entity_type: str = "item") -> str:
    """A job message's body, as `add_to_queue` writes it."""
    return json.dumps({"entity_type": entity_type, "entity_guid": entity_guid})


def pyqalx_entries(bodies: list[str]) -> list[SendMessageBatchRequestEntryTypeDef]:
    """SendMessageBatch entries as pyqalx's add_to_queue makes them: fresh ids every message."""
    return [
        {
            "Id": str(uuid.uuid4()),
            "MessageBody": body,
            "MessageGroupId": str(uuid.uuid4()),
            "MessageDeduplicationId": str(uuid.uuid4()),
        }
        for body in bodies
    ]


def send_like_pyqalx(sqs: SQSClient, url: str, *bodies: str) -> None:
    """`add_to_queue`: batches of ten, every message sent or the test fails here."""
    entries = pyqalx_entries(list(bodies))
    for start in range(0, len(entries), 10):
        sent = sqs.send_message_batch(QueueUrl=url, Entries=entries[start : start + 10])
        assert not sent.get("Failed"), sent
