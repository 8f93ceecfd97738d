"""The SQS operations: each reads its JSON request and answers as botocore's `sqs` model says.

Each runs in one `Transaction` the broker opens (and in which it checked the request's
signature): `call` says who makes the request, and a queue that gets deliverable messages is
passed to `tx.wake`, whose long-polling receivers the broker wakes once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import orjson
import sqlalchemy as sa
from sqlalchemy import Connection

from qalx_server.queue_model import MAX_VISIBILITY, RETENTION_SECONDS
from qalx_server.store.tables import broker_queues

from . import errors, messages, params
from .clock import now_ms
from .credentials import Grant
from .digests import md5_of_attributes, md5_of_body
from .naming import account_id, parse_queue_url, queue_arn, queue_url
from .queues import Queue, find_queue, load_queue
from .receipts import Receipt, ReceiptSigner

Answer = dict[str, Any]
MAX_DELAY = 900

QUEUE_ATTRIBUTES = frozenset(
    {
        "All", "Policy", "VisibilityTimeout", "MaximumMessageSize", "MessageRetentionPeriod",
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
        "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn",
        "ApproximateNumberOfMessagesDelayed", "DelaySeconds", "ReceiveMessageWaitTimeSeconds",
        "RedrivePolicy", "FifoQueue", "ContentBasedDeduplication", "KmsMasterKeyId",
        "KmsDataKeyReusePeriodSeconds", "DeduplicationScope", "FifoThroughputLimit",
        "RedriveAllowPolicy", "SqsManagedSseEnabled",
    }
)  # fmt: skip


@attrs.frozen
class Call:
    """Who makes one verified SQS request: the grant it acts under and the region it signed
    for; the base URL its queue URLs start with and the signer its receipt handles carry."""

    grant: Grant
    region: str
    base_url: str
    receipts: ReceiptSigner

    def queue(self, conn: Connection, request: Mapping[str, Any]) -> Queue:
        url = params.required_string(request, "QueueUrl")
        ref = parse_queue_url(url)
        if ref is None:
            raise errors.SqsError(
                "InvalidAddress", f"The address {url} is not valid for this endpoint."
            )
        if ref.company_guid != self.grant.company_guid:
            raise errors.access_denied(url)
        found = find_queue(conn, self.grant.company_id, ref.name)
        if found is None:
            raise errors.queue_does_not_exist()
        return found

    def receipt(self, queue: Queue, handle: str) -> Receipt:
        found = self.receipts.read(handle, queue.id)
        if found is None:
            raise errors.invalid_receipt_handle(handle)
        return found

    def arn(self, queue: Queue) -> str:
        return queue_arn(self.region, queue.company_guid, queue.name)


@attrs.frozen
class Transaction:
    """The database transaction an operation runs in, and `wake(queue_id)` for the queues it
    makes deliverable (their receivers are woken once it has committed)."""

    conn: Connection
    wake: Callable[[int], None]


Operation = Callable[[Call, Transaction, Mapping[str, Any]], Answer]

# ---- queues -----------------------------------------------------------------------


def get_queue_url(call: Call, tx: Transaction, request: Mapping[str, Any]) -> Answer:
    name = params.required_string(request, "QueueName")
    owner = params.string(request, "QueueOwnerAWSAccountId")
    if owner is not None and owner != account_id(call.grant.company_guid):
        raise errors.queue_does_not_exist()
    found = find_queue(tx.conn, call.grant.company_id, name)
    if found is None:
        raise errors.queue_does_not_exist()
    return {"QueueUrl": queue_url(call.base_url, found.company_guid, found.name)}


def list_queues(call: Call, tx: Transaction, request: Mapping[str, Any]) -> Answer:
    prefix = params.string(request, "QueueNamePrefix") or ""
    limit = params.integer(request, "MaxResults", 1, 1000, default=1000)
    names = tx.conn.execute(
        sa.select(broker_queues.c.name)
        .where(broker_queues.c.company_id == call.grant.company_id)
        .order_by(broker_queues.c.name)
    ).scalars()
    chosen = [n for n in names if n.startswith(prefix)][:limit]
    urls = [queue_url(call.base_url, call.grant.company_guid, n) for n in chosen]
    return {"QueueUrls": urls} if urls else {}


def get_queue_attributes(call: Call, tx: Transaction, request: Mapping[str, Any]) -> Answer:
    names = set(params.string_list(request, "AttributeNames"))
    unknown = names - QUEUE_ATTRIBUTES
    if unknown:
        raise errors.invalid_attribute_name(sorted(unknown)[0])
    queue = call.queue(tx.conn, request)
    found = messages.counts(tx.conn, queue.id, now_ms())
    companion = (
        load_queue(tx.conn, queue.dead_letter_queue_id)
        if queue.dead_letter_queue_id is not None
        else None
    )
    values: dict[str, str] = {
        "ApproximateNumberOfMessages": str(found.visible),
        "ApproximateNumberOfMessagesNotVisible": str(found.in_flight),
        "ApproximateNumberOfMessagesDelayed": str(found.delayed),
        "VisibilityTimeout": str(queue.visibility_timeout),
        "QueueArn": call.arn(queue),
        "CreatedTimestamp": str(queue.created_ms // 1000),
        "LastModifiedTimestamp": str(queue.modified_ms // 1000),
        "DelaySeconds": "0",
        "MaximumMessageSize": str(params.MAX_MESSAGE_BYTES),
        "MessageRetentionPeriod": str(RETENTION_SECONDS),
        "ReceiveMessageWaitTimeSeconds": "0",
        "SqsManagedSseEnabled": "false",
    }
    if queue.fifo:
        values |= {
            "FifoQueue": "true",
            "ContentBasedDeduplication": "true" if queue.content_based_dedup else "false",
            "DeduplicationScope": "queue",
            "FifoThroughputLimit": "perQueue",
        }
    if companion is not None and queue.max_receive_count is not None:
        policy = {"deadLetterTargetArn": call.arn(companion)}
        policy["maxReceiveCount"] = queue.max_receive_count  # type: ignore[assignment]
        values["RedrivePolicy"] = orjson.dumps(policy).decode()
    if "All" not in names:
        values = {k: v for k, v in values.items() if k in names}
    return {"Attributes": values} if values else {}


def purge_queue(call: Call, tx: Transaction, request: Mapping[str, Any]) -> Answer:
    messages.purge(tx.conn, call.queue(tx.conn, request).id)
    return {}


# ---- sending ----------------------------------------------------------------------


def _outgoing(queue: Queue, entry: Mapping[str, Any]) -> tuple[messages.Outgoing, int]:
    body = params.body(entry)
    attributes, attributes_size = params.message_attributes(entry.get("MessageAttributes"))
    system, _ = params.message_attributes(entry.get("MessageSystemAttributes"), system=True)
    size = len(body.encode("utf-8")) + attributes_size
    if size > params.MAX_MESSAGE_BYTES:
        raise errors.invalid_parameter(
            "One or more parameters are invalid. Reason: Message must be shorter than "
            f"{params.MAX_MESSAGE_BYTES} bytes."
        )
    group_id = params.fifo_id(entry, "MessageGroupId")
    dedup_id = params.fifo_id(entry, "MessageDeduplicationId")
    delay = params.integer(entry, "DelaySeconds", 0, MAX_DELAY, default=0)
    if queue.fifo:
        if group_id is None:
            raise errors.missing_parameter("MessageGroupId")
        if dedup_id is None and not queue.content_based_dedup:
            raise errors.invalid_parameter(
                "The queue should either have ContentBasedDeduplication enabled or "
                "MessageDeduplicationId provided explicitly"
            )
        if delay:
            raise errors.invalid_value(
                "DelaySeconds",
                delay,
                "The request include parameter that is not valid for this queue type",
            )
    elif dedup_id is not None:
        raise errors.invalid_value(
            "MessageDeduplicationId",
            dedup_id,
            "The request include parameter that is not valid for this queue type",
        )
    outgoing = messages.Outgoing(
        body=body,
        body_md5=md5_of_body(body),
        attributes=attributes or None,
        system_attributes=system or None,
        group_id=group_id,
        dedup_id=dedup_id,
        delay_seconds=delay,
    )
    return outgoing, size


def _sent(queue: Queue, outgoing: messages.Outgoing, sent: messages.Sent) -> Answer:
    answer: Answer = {"MessageId": sent.message_id, "MD5OfMessageBody": outgoing.body_md5}
    if outgoing.attributes:
        answer["MD5OfMessageAttributes"] = md5_of_attributes(outgoing.attributes)
    if outgoing.system_attributes:
        answer["MD5OfMessageSystemAttributes"] = md5_of_attributes(outgoing.system_attributes)
    if queue.fifo:
        answer["SequenceNumber"] = messages.sequence_number(sent.sequence)
    return answer


def send_message(call: Call, tx: Transaction, request: Mapping[str, Any]) -> Answer:
    queue = call.queue(tx.conn, request)
    outgoing, _ = _outgoing(queue, request)
    sent = messages.send(tx.conn, queue, outgoing, now_ms())
    tx.wake(queue.id)
    return _sent(queue, outgoing, sent)


def send_message_batch(call: Call, tx: Transaction, request: Mapping[str, Any]) -> Answer:
    entries = params.entries(request, "Entries", "SendMessage")
    successful: list[Answer] = []
    failed: list[Any] = []
    queue = call.queue(tx.conn, request)
    checked: list[tuple[str, messages.Outgoing | errors.SqsError]] = []
    total = 0
    for entry in entries:
        try:
            outgoing, size = _outgoing(queue, entry)
            total += size
            checked.append((entry["Id"], outgoing))
        except errors.SqsError as exc:
            checked.append((entry["Id"], exc))
    if total > params.MAX_MESSAGE_BYTES:
        raise errors.batch_too_long(total, params.MAX_MESSAGE_BYTES)
    now = now_ms()
    for entry_id, item in checked:
        if isinstance(item, errors.SqsError):
            failed.append(item.entry(entry_id))
            continue
        sent = messages.send(tx.conn, queue, item, now)
        successful.append({"Id": entry_id, **_sent(queue, item, sent)})
    if successful:
        tx.wake(queue.id)
    return {"Successful": successful, "Failed": failed}


# ---- acting on received messages ---------------------------------------------------


def _change(call: Call, tx: Transaction, queue: Queue, entry: Mapping[str, Any], now: int) -> None:
    handle = params.required_string(entry, "ReceiptHandle")
    value = entry.get("VisibilityTimeout")
    if value is None:
        raise errors.missing_parameter("VisibilityTimeout")
    timeout = params.integer(entry, "VisibilityTimeout", 0, MAX_VISIBILITY, default=0)
    receipt = call.receipt(queue, handle)
    # SQS: at most 12 hours from the receive, counted in whole seconds elapsed.
    if receipt.received_ms is not None and (
        (now - receipt.received_ms) // 1000 + timeout > MAX_VISIBILITY
    ):
        raise errors.invalid_value(
            "VisibilityTimeout",
            timeout,
            f"Total VisibilityTimeout for the message is beyond the limit [{MAX_VISIBILITY} "
            "seconds]",
        )
    if not messages.change_visibility(
        tx.conn, queue.id, receipt.message_pk, receipt.token, timeout, now
    ):
        raise errors.not_available_for_visibility(handle)
    if timeout == 0:
        tx.wake(queue.id)


def change_message_visibility(call: Call, tx: Transaction, request: Mapping[str, Any]) -> Answer:
    _change(call, tx, call.queue(tx.conn, request), request, now_ms())
    return {}


def change_message_visibility_batch(
    call: Call, tx: Transaction, request: Mapping[str, Any]
) -> Answer:
    entries = params.entries(request, "Entries", "ChangeMessageVisibility")
    queue = call.queue(tx.conn, request)
    now = now_ms()
    return _batch(entries, lambda entry: _change(call, tx, queue, entry, now))


def _delete(call: Call, tx: Transaction, queue: Queue, entry: Mapping[str, Any]) -> None:
    receipt = call.receipt(queue, params.required_string(entry, "ReceiptHandle"))
    messages.delete(tx.conn, queue.id, receipt.message_pk, receipt.token)


def delete_message(call: Call, tx: Transaction, request: Mapping[str, Any]) -> Answer:
    _delete(call, tx, call.queue(tx.conn, request), request)
    return {}


def delete_message_batch(call: Call, tx: Transaction, request: Mapping[str, Any]) -> Answer:
    entries = params.entries(request, "Entries", "DeleteMessage")
    queue = call.queue(tx.conn, request)
    return _batch(entries, lambda entry: _delete(call, tx, queue, entry))


def _batch(entries: list[dict[str, Any]], act: Callable[[Mapping[str, Any]], None]) -> Answer:
    successful: list[Answer] = []
    failed: list[Any] = []
    for entry in entries:
        try:
            act(entry)
        except errors.SqsError as exc:
            failed.append(exc.entry(entry["Id"]))
        else:
            successful.append({"Id": entry["Id"]})
    return {"Successful": successful, "Failed": failed}
