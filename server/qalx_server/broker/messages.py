"""Storing, claiming, re-timing and deleting messages: the broker's delivery semantics.

A message is deliverable when `visible_ms <= now`. Receiving claims it: its visibility moves
`VisibilityTimeout` ahead, its receive count grows and it gets a fresh receipt token, all in
one write transaction, so no two receivers ever hold it within one visibility period. On
PostgreSQL candidates are locked with `FOR UPDATE SKIP LOCKED` (another process's claim is
skipped, not waited for); a FIFO receive first locks its queue row (`FOR NO KEY UPDATE`, which
senders' foreign-key checks do not conflict with) and then waits for, rather than skips, locked
messages, so a group's head is never passed over. On SQLite `Database.write()` takes the
database write lock (BEGIN IMMEDIATE), which serialises claims.

A message already received `maxReceiveCount` times is moved to the dead-letter companion when
it would be delivered again, keeping its receive count and first-receipt time.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from qalx_server.store.tables import broker_dedup, broker_messages, broker_queues

from .queues import Queue
from .receipts import new_token

DEDUP_WINDOW_MS = 5 * 60 * 1000
_CLAIM_ROUNDS = 4


@attrs.frozen
class Outgoing:
    """One message to store, already validated."""

    body: str
    body_md5: str
    attributes: Mapping[str, Any] | None = None
    system_attributes: Mapping[str, Any] | None = None
    group_id: str | None = None
    dedup_id: str | None = None
    delay_seconds: int = 0


@attrs.frozen
class Sent:
    message_id: str
    sequence: int


@attrs.frozen
class Claimed:
    pk: int
    message_id: str
    body: str
    body_md5: str
    attributes: Mapping[str, Any] | None
    system_attributes: Mapping[str, Any] | None
    group_id: str | None
    dedup_id: str | None
    sent_ms: int
    receive_count: int
    first_received_ms: int
    receipt_token: str
    dead_letter_source_id: int | None


def sequence_number(sequence: int) -> str:
    """SQS FIFO sequence numbers are 128-bit decimals; ours are row ids, zero-padded to 20."""
    return f"{sequence:020d}"


def _new_message_id() -> str:
    return str(uuid.uuid4())


def send(conn: Connection, queue: Queue, message: Outgoing, now: int) -> Sent:
    """Store one message; on a FIFO queue, a repeat of a deduplication id within five
    minutes is accepted and answered with the first message's id, but not stored again."""
    dedup_id = message.dedup_id
    if queue.fifo and dedup_id is None and queue.content_based_dedup:
        dedup_id = hashlib.sha256(message.body.encode("utf-8")).hexdigest()
    if queue.fifo and dedup_id is not None:
        earlier = _earlier(conn, queue.id, dedup_id, now)
        if earlier is not None:
            return earlier
        try:
            with conn.begin_nested():
                conn.execute(
                    broker_dedup.delete().where(
                        broker_dedup.c.queue_id == queue.id, broker_dedup.c.expires_ms <= now
                    )
                )
                sent = _insert(conn, queue, message, dedup_id, now)
                conn.execute(
                    broker_dedup.insert().values(
                        queue_id=queue.id,
                        dedup_id=dedup_id,
                        message_id=sent.message_id,
                        sequence=sent.sequence,
                        expires_ms=now + DEDUP_WINDOW_MS,
                    )
                )
                return sent
        except IntegrityError:
            # Another process sent the same deduplication id at the same moment.
            earlier = _earlier(conn, queue.id, dedup_id, now)
            if earlier is None:
                raise
            return earlier
    return _insert(conn, queue, message, dedup_id, now)


def _earlier(conn: Connection, queue_id: int, dedup_id: str, now: int) -> Sent | None:
    row = conn.execute(
        sa.select(broker_dedup.c.message_id, broker_dedup.c.sequence).where(
            broker_dedup.c.queue_id == queue_id,
            broker_dedup.c.dedup_id == dedup_id,
            broker_dedup.c.expires_ms > now,
        )
    ).first()
    return None if row is None else Sent(str(row.message_id), int(row.sequence))


def _insert(
    conn: Connection, queue: Queue, message: Outgoing, dedup_id: str | None, now: int
) -> Sent:
    message_id = _new_message_id()
    inserted = conn.execute(
        broker_messages.insert().values(
            queue_id=queue.id,
            message_id=message_id,
            body=message.body,
            body_md5=message.body_md5,
            attributes=dict(message.attributes) if message.attributes else None,
            system_attributes=(
                dict(message.system_attributes) if message.system_attributes else None
            ),
            group_id=message.group_id,
            dedup_id=dedup_id,
            sent_ms=now,
            visible_ms=now + message.delay_seconds * 1000,
            receive_count=0,
        )
    ).inserted_primary_key
    assert inserted is not None
    return Sent(message_id, int(inserted[0]))


# The statements of a worker's every job, built once: building one costs several times what
# SQLite takes to run it (SQLAlchemy's construction and cache key), and a receive runs four.
_m = broker_messages.c
_ANY_DELIVERABLE = (
    sa.select(_m.id)
    .where(_m.queue_id == sa.bindparam("queue_id"), _m.visible_ms <= sa.bindparam("now"))
    .limit(1)
)
_CLAIMED = (
    broker_messages.update()
    .where(_m.id == sa.bindparam("pk"))
    .values(
        receive_count=sa.bindparam("new_receive_count"),
        first_received_ms=sa.bindparam("first"),
        visible_ms=sa.bindparam("visible"),
        receipt_token=sa.bindparam("token"),
    )
)
_DELETE = broker_messages.delete().where(
    _m.id == sa.bindparam("pk"),
    _m.queue_id == sa.bindparam("queue_id"),
    _m.receipt_token == sa.bindparam("token"),
)


@functools.cache
def _candidates(fifo: bool, locks_rows: bool) -> sa.Select[Any]:
    """Deliverable messages of a queue, oldest first, at most `:wanted` of them."""
    query = sa.select(broker_messages).where(
        _m.queue_id == sa.bindparam("queue_id"), _m.visible_ms <= sa.bindparam("now")
    )
    if fifo:
        in_flight = sa.select(_m.group_id).where(
            _m.queue_id == sa.bindparam("queue_id"),
            _m.receive_count > 0,
            _m.visible_ms > sa.bindparam("now"),
            _m.group_id.is_not(None),
        )
        query = query.where(sa.or_(_m.group_id.is_(None), _m.group_id.not_in(in_flight)))
    query = query.order_by(_m.id).limit(sa.bindparam("wanted", type_=sa.Integer))
    if locks_rows:
        query = query.with_for_update(skip_locked=not fifo)
    return query


def any_deliverable(conn: Connection, queue_id: int, now: int) -> bool:
    """A cheap read before taking the write lock: is anything deliverable at all?"""
    return conn.execute(_ANY_DELIVERABLE, {"queue_id": queue_id, "now": now}).first() is not None


def claim(
    conn: Connection,
    queue: Queue,
    *,
    limit: int,
    visibility_timeout: int,
    now: int,
    locks_rows: bool,
) -> tuple[list[Claimed], bool]:
    """Claim up to `limit` deliverable messages; also whether any went to the dead letters."""
    if locks_rows and queue.fifo:
        conn.execute(
            sa.select(broker_queues.c.id)
            .where(broker_queues.c.id == queue.id)
            .with_for_update(key_share=True)
        )
    claimed: list[Claimed] = []
    dead_lettered = False
    for _ in range(_CLAIM_ROUNDS):
        wanted = limit - len(claimed)
        if wanted <= 0:
            break
        rows = conn.execute(
            _candidates(queue.fifo, locks_rows),
            {"queue_id": queue.id, "now": now, "wanted": wanted},
        ).all()
        if not rows:
            break
        retired = [
            row.id
            for row in rows
            if queue.max_receive_count is not None
            and queue.dead_letter_queue_id is not None
            and row.receive_count >= queue.max_receive_count
        ]
        if retired:
            _dead_letter(conn, queue, retired, now)
            dead_lettered = True
        for row in rows:
            if row.id in retired:
                continue
            token = new_token()
            first = row.first_received_ms if row.first_received_ms is not None else now
            conn.execute(
                _CLAIMED,
                {
                    "pk": row.id,
                    "new_receive_count": row.receive_count + 1,
                    "first": first,
                    "visible": now + visibility_timeout * 1000,
                    "token": token,
                },
            )
            claimed.append(
                Claimed(
                    pk=int(row.id),
                    message_id=str(row.message_id),
                    body=str(row.body),
                    body_md5=str(row.body_md5),
                    attributes=row.attributes,
                    system_attributes=row.system_attributes,
                    group_id=row.group_id,
                    dedup_id=row.dedup_id,
                    sent_ms=int(row.sent_ms),
                    receive_count=int(row.receive_count) + 1,
                    first_received_ms=int(first),
                    receipt_token=token,
                    dead_letter_source_id=row.dead_letter_source_id,
                )
            )
        if not retired:
            break  # nothing moved out of the way: a further round would find nothing new
    return claimed, dead_lettered


def _dead_letter(conn: Connection, queue: Queue, pks: Sequence[int], now: int) -> None:
    conn.execute(
        broker_messages.update()
        .where(broker_messages.c.id.in_(pks))
        .values(
            queue_id=queue.dead_letter_queue_id,
            visible_ms=now,
            receipt_token=None,
            dead_letter_source_id=queue.id,
            dead_lettered_ms=now,
        )
    )


def change_visibility(
    conn: Connection, queue_id: int, pk: int, token: str, timeout: int, now: int
) -> bool:
    """Re-time the receive `token` names; False if the message is gone or was re-received."""
    m = broker_messages.c
    result = conn.execute(
        broker_messages.update()
        .where(m.id == pk, m.queue_id == queue_id, m.receipt_token == token)
        .values(visible_ms=now + timeout * 1000)
    )
    return result.rowcount > 0


def delete(conn: Connection, queue_id: int, pk: int, token: str) -> bool:
    """Delete the message `token` names; a stale or repeated delete changes nothing."""
    result = conn.execute(_DELETE, {"pk": pk, "queue_id": queue_id, "token": token})
    return result.rowcount > 0


def purge(conn: Connection, queue_id: int) -> int:
    """Delete every message of a queue, in flight or not."""
    result = conn.execute(broker_messages.delete().where(broker_messages.c.queue_id == queue_id))
    return int(result.rowcount)


@attrs.frozen
class Counts:
    visible: int
    in_flight: int
    delayed: int
    oldest_sent_ms: int | None


def counts(conn: Connection, queue_id: int, now: int) -> Counts:
    m = broker_messages.c
    visible = sa.func.coalesce(sa.func.sum(sa.case((m.visible_ms <= now, 1), else_=0)), 0)
    waiting = m.visible_ms > now
    in_flight = sa.func.coalesce(
        sa.func.sum(sa.case((sa.and_(waiting, m.receive_count > 0), 1), else_=0)), 0
    )
    delayed = sa.func.coalesce(
        sa.func.sum(sa.case((sa.and_(waiting, m.receive_count == 0), 1), else_=0)), 0
    )
    row = conn.execute(
        sa.select(visible, in_flight, delayed, sa.func.min(m.sent_ms)).where(m.queue_id == queue_id)
    ).one()
    return Counts(int(row[0]), int(row[1]), int(row[2]), None if row[3] is None else int(row[3]))
