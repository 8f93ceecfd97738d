"""Queue-level operations, naming, the schema, and queue lifecycle through the service API."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from mypy_boto3_sqs import SQSClient

from qalx_server.broker import (
    broker_queue_name,
    dead_letter_name,
    delete_queue,
    qalx_queue_url,
    queue_stats,
)
from qalx_server.store.tables import schema_differences

from .conftest import BuiltinTarget, LiveBroker, SqsTarget, Tenant
from .helpers import attributes, depth, receive, refused, send


def test_migrations_match_the_tables(live: LiveBroker) -> None:
    with live.db.engine.connect() as conn:
        assert schema_differences(conn) == []


@pytest.mark.parametrize(
    ("qalx", "broker"),
    [
        ("jobs", "jobs.fifo"),
        ("my-queue_2", "my-queue_2.fifo"),
        ("my queue", "my_queue-ab921efd.fifo"),
        ("jobs-dlq", "jobs-dlq-ba35da9a.fifo"),  # never a companion's name
        ("x" * 200, "x" * 62 + "-aa20c23e.fifo"),
    ],
)
def test_broker_queue_names(qalx: str, broker: str) -> None:
    assert broker_queue_name(qalx) == broker
    assert len(dead_letter_name(broker)) <= 80
    assert broker_queue_name("a b") != broker_queue_name("a_b")
    assert broker_queue_name("jobs", fifo=False) == "jobs"


def test_get_queue_url_and_missing_queue(target: SqsTarget) -> None:
    sqs = target.sqs
    name = f"find-{uuid.uuid4().hex[:6]}"
    url = target.queue(name)
    assert sqs.get_queue_url(QueueName=name + ".fifo")["QueueUrl"] == url
    if isinstance(target, BuiltinTarget):  # a qalx queue name that is not an SQS one
        tenant = target.tenant
        mangled = target.queue("find me")
        base_url = tenant.live.base_url
        assert mangled == qalx_queue_url(tenant.company_guid, "find me", base_url=base_url)
        assert sqs.get_queue_url(QueueName=broker_queue_name("find me"))["QueueUrl"] == mangled
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
    assert policy["deadLetterTargetArn"].endswith(":" + dead_letter_name(name))
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


def test_create_is_idempotent_and_delete_removes_messages(tenant: Tenant, sqs: SQSClient) -> None:
    url = tenant.queue("lifecycle", visibility_timeout=30)
    send(sqs, url, "kept")
    assert tenant.queue("lifecycle", visibility_timeout=60) == url
    assert attributes(sqs, url)["VisibilityTimeout"] == "60"
    with tenant.live.db.read() as conn:
        stats = queue_stats(conn, tenant.company_id, "lifecycle")
    assert (stats.depth, stats.in_flight, stats.dead_letters) == (1, 0, 0)
    assert stats.oldest_age_seconds is not None

    with tenant.live.db.write() as conn:
        assert delete_queue(conn, tenant.company_id, "lifecycle")
    with refused("AWS.SimpleQueueService.NonExistentQueue"):
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    # Re-created, it starts empty: the old messages went with the queue.
    assert tenant.queue("lifecycle") == url
    assert depth(sqs, url) == (0, 0)


def test_unsupported_operations_say_so(tenant: Tenant, sqs: SQSClient) -> None:
    with refused("AWS.SimpleQueueService.UnsupportedOperation"):
        sqs.create_queue(QueueName="made-by-boto.fifo")
