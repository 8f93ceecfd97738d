"""ReceiveMessage: what was asked for, one claim, and the messages as SQS shows them.

The waiting itself (long polling) is the broker's: it claims whenever `deliverable` says there
is something, until messages come or `WaitTimeSeconds` runs out, sleeping on a wake-up between.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from sqlalchemy import Connection

from qalx_server.queue_model import MAX_VISIBILITY, MAX_WAIT_SECONDS

from . import errors, messages, params
from .clock import now_ms
from .digests import md5_of_attributes
from .naming import account_id, queue_arn
from .operations import QUEUE_ATTRIBUTES, Answer, Call, Transaction
from .queues import Queue, load_queue
from .receipts import Receipt

SYSTEM_ATTRIBUTES = frozenset(
    {
        "SenderId",
        "SentTimestamp",
        "ApproximateReceiveCount",
        "ApproximateFirstReceiveTimestamp",
        "SequenceNumber",
        "MessageDeduplicationId",
        "MessageGroupId",
        "AWSTraceHeader",
        "DeadLetterQueueSourceArn",
    }
)


@attrs.frozen
class ReceivePlan:
    queue: Queue
    limit: int
    visibility_timeout: int
    wait_seconds: int
    system_attributes: frozenset[str]
    attribute_names: tuple[str, ...]


def plan(call: Call, conn: Connection, request: Mapping[str, Any]) -> ReceivePlan:
    """Check a ReceiveMessage request and find its queue."""
    queue = call.queue(conn, request)
    names = set(params.string_list(request, "AttributeNames"))
    names |= set(params.string_list(request, "MessageSystemAttributeNames"))
    unknown = names - SYSTEM_ATTRIBUTES - QUEUE_ATTRIBUTES
    if unknown:
        raise errors.invalid_attribute_name(sorted(unknown)[0])
    wanted = SYSTEM_ATTRIBUTES if "All" in names else frozenset(names & SYSTEM_ATTRIBUTES)
    return ReceivePlan(
        queue=queue,
        limit=params.integer(request, "MaxNumberOfMessages", 1, 10, default=1),
        visibility_timeout=params.integer(
            request, "VisibilityTimeout", 0, MAX_VISIBILITY, default=queue.visibility_timeout
        ),
        wait_seconds=params.integer(request, "WaitTimeSeconds", 0, MAX_WAIT_SECONDS, default=0),
        system_attributes=wanted,
        attribute_names=tuple(params.string_list(request, "MessageAttributeNames")),
    )


def deliverable(conn: Connection, receive: ReceivePlan) -> bool:
    """A cheap read before taking the write lock: is anything deliverable at all?"""
    return messages.any_deliverable(conn, receive.queue.id, now_ms())


@attrs.frozen
class Claim:
    """The messages one claim took, and the queues those that were dead-lettered came from."""

    claimed: list[messages.Claimed]
    sources: Mapping[int, Queue | None]


def claim(tx: Transaction, receive: ReceivePlan, *, locks_rows: bool) -> Claim:
    """Claim what is deliverable (maybe nothing), in a write transaction (`locks_rows`: see
    `Database.locks_rows`)."""
    claimed, dead_lettered = messages.claim(
        tx.conn,
        receive.queue,
        limit=receive.limit,
        visibility_timeout=receive.visibility_timeout,
        now=now_ms(),
        locks_rows=locks_rows,
    )
    sources: dict[int, Queue | None] = {}
    for message in claimed:
        source = message.dead_letter_source_id
        if source is not None and source not in sources:
            sources[source] = load_queue(tx.conn, source)
    if dead_lettered and receive.queue.dead_letter_queue_id is not None:
        tx.wake(receive.queue.dead_letter_queue_id)
    return Claim(claimed, sources)


def shown(call: Call, receive: ReceivePlan, taken: Claim) -> list[Answer]:
    """The claimed messages in ReceiveMessage's answer form (once the claim has committed)."""
    return [_shown(call, receive, message, taken.sources) for message in taken.claimed]


def _shown(
    call: Call,
    receive: ReceivePlan,
    message: messages.Claimed,
    sources: Mapping[int, Queue | None],
) -> Answer:
    queue = receive.queue
    answer: Answer = {
        "MessageId": message.message_id,
        "ReceiptHandle": call.receipts.issue(
            Receipt(queue.id, message.pk, message.receipt_token, now_ms())
        ),
        "MD5OfBody": message.body_md5,
        "Body": message.body,
    }
    system = _system_attributes(call, receive, message, sources)
    if system:
        answer["Attributes"] = system
    chosen = _chosen_attributes(message.attributes or {}, receive.attribute_names)
    if chosen:
        answer["MessageAttributes"] = chosen
        answer["MD5OfMessageAttributes"] = md5_of_attributes(chosen)
    return answer


def _system_attributes(
    call: Call,
    receive: ReceivePlan,
    message: messages.Claimed,
    sources: Mapping[int, Queue | None],
) -> dict[str, str]:
    queue = receive.queue
    values: dict[str, str] = {
        "SenderId": account_id(queue.company_guid),
        "SentTimestamp": str(message.sent_ms),
        "ApproximateReceiveCount": str(message.receive_count),
        "ApproximateFirstReceiveTimestamp": str(message.first_received_ms),
    }
    if queue.fifo:
        values["SequenceNumber"] = messages.sequence_number(message.pk)
        if message.group_id is not None:
            values["MessageGroupId"] = message.group_id
        if message.dedup_id is not None:
            values["MessageDeduplicationId"] = message.dedup_id
    trace = (message.system_attributes or {}).get("AWSTraceHeader")
    if isinstance(trace, Mapping) and "StringValue" in trace:
        values["AWSTraceHeader"] = str(trace["StringValue"])
    source = sources.get(message.dead_letter_source_id or -1)
    if source is not None:
        values["DeadLetterQueueSourceArn"] = queue_arn(
            call.region, source.company_guid, source.name
        )
    return {k: v for k, v in values.items() if k in receive.system_attributes}


def _chosen_attributes(attributes: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    if not attributes or not names:
        return {}
    if "All" in names or ".*" in names:
        return dict(attributes)
    prefixes = tuple(n[:-1] for n in names if n.endswith(".*"))
    exact = set(names)
    return {
        k: v for k, v in attributes.items() if k in exact or (prefixes and k.startswith(prefixes))
    }
