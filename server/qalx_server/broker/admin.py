"""What an operator sees and does: queue statistics, dead letters, and replaying them.

These work on qalx queue names (the REST layer's and CLI's vocabulary) within one company.
Replay moves a dead letter back to its source queue as a fresh delivery: its receive count and
first-receipt time start again, its message id, body, attributes and group stay.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from qalx_server.queue_model import DeadLetter, QueueStats
from qalx_server.store.tables import broker_messages

from .clock import now_ms, to_datetime
from .messages import counts
from .naming import broker_queue_name
from .queues import Queue, find_queue


class UnknownQueue(LookupError):
    """No broker queue for this qalx queue name in this company."""


def _queues(conn: Connection, company_id: int, qalx_name: str, fifo: bool) -> tuple[Queue, int]:
    queue = find_queue(conn, company_id, broker_queue_name(qalx_name, fifo=fifo))
    if queue is None or queue.dead_letter_queue_id is None:
        raise UnknownQueue(qalx_name)
    return queue, queue.dead_letter_queue_id


def queue_stats(
    conn: Connection, company_id: int, qalx_name: str, *, fifo: bool = True
) -> QueueStats:
    queue, companion = _queues(conn, company_id, qalx_name, fifo)
    now = now_ms()
    found = counts(conn, queue.id, now)
    dead = conn.execute(
        sa.select(sa.func.count()).where(broker_messages.c.queue_id == companion)
    ).scalar_one()
    oldest = None
    if found.oldest_sent_ms is not None:
        oldest = max(0, now - found.oldest_sent_ms) / 1000
    return QueueStats(found.visible, found.in_flight, int(dead), oldest)


def list_dead_letters(
    conn: Connection, company_id: int, qalx_name: str, *, limit: int = 1000, fifo: bool = True
) -> list[DeadLetter]:
    """The dead letters of a qalx queue, oldest first."""
    _, companion = _queues(conn, company_id, qalx_name, fifo)
    m = broker_messages.c
    rows = conn.execute(
        sa.select(broker_messages).where(m.queue_id == companion).order_by(m.id).limit(limit)
    ).all()
    return [_letter(row) for row in rows]


def replay_dead_letters(
    conn: Connection,
    company_id: int,
    qalx_name: str,
    *,
    message_ids: Collection[str] | None = None,
    where: Callable[[DeadLetter], bool] | None = None,
    everything: bool = False,
    fifo: bool = True,
) -> list[str]:
    """Move dead letters back to the source queue: all of them (`everything`), those with the
    given `message_ids`, and/or those `where` accepts. Returns the replayed message ids."""
    if not everything and message_ids is None and where is None:
        raise ValueError("say which dead letters to replay: message_ids, where or everything")
    queue, companion = _queues(conn, company_id, qalx_name, fifo)
    m = broker_messages.c
    query = sa.select(broker_messages).where(m.queue_id == companion).order_by(m.id)
    if message_ids is not None and not everything:
        query = query.where(m.message_id.in_(list(message_ids)))
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    chosen: list[tuple[int, str]] = []
    for row in conn.execute(query).all():
        if where is not None and not everything:
            letter = _letter(row)
            if not where(letter):
                continue
        chosen.append((int(row.id), str(row.message_id)))
    if chosen:
        conn.execute(
            broker_messages.update()
            .where(m.id.in_([pk for pk, _ in chosen]))
            .values(
                queue_id=queue.id,
                visible_ms=now_ms(),
                receive_count=0,
                first_received_ms=None,
                receipt_token=None,
                dead_letter_source_id=None,
                dead_lettered_ms=None,
            )
        )
    return [message_id for _, message_id in chosen]


def _letter(row: Any) -> DeadLetter:
    return DeadLetter(
        message_id=row.message_id,
        body=row.body,
        attributes=row.attributes,
        group_id=row.group_id,
        receive_count=int(row.receive_count),
        first_received=(
            None if row.first_received_ms is None else to_datetime(row.first_received_ms)
        ),
        sent=to_datetime(row.sent_ms),
    )
