"""Broker queues: creating (with a dead-letter companion), finding and deleting them.

Every source queue gets a companion named by `queue_model.dead_letter_name` and a redrive policy
(`max_receive_count`, default 5), as an SQS queue with a RedrivePolicy has.
"""

from __future__ import annotations

from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy import Connection

from qalx_server.queue_model import (
    DEFAULT_MAX_RECEIVE_COUNT,
    MAX_RECEIVE_COUNT,
    MAX_VISIBILITY,
    dead_letter_name,
)
from qalx_server.store.tables import broker_queues, companies

from .clock import now_ms
from .naming import broker_queue_name, queue_url


class QueueError(ValueError):
    """Queue parameters the broker cannot accept; the message says which and why."""


@attrs.frozen
class Queue:
    id: int
    company_id: int
    company_guid: str
    name: str
    fifo: bool
    content_based_dedup: bool
    visibility_timeout: int
    max_receive_count: int | None
    dead_letter_queue_id: int | None
    created_ms: int
    modified_ms: int


_COLUMNS = (*broker_queues.c, companies.c.guid.label("company_guid"))


def _queue(row: Any) -> Queue:
    return Queue(
        id=int(row.id),
        company_id=int(row.company_id),
        company_guid=str(row.company_guid),
        name=str(row.name),
        fifo=bool(row.fifo),
        content_based_dedup=bool(row.content_based_dedup),
        visibility_timeout=int(row.visibility_timeout),
        max_receive_count=None if row.max_receive_count is None else int(row.max_receive_count),
        dead_letter_queue_id=(
            None if row.dead_letter_queue_id is None else int(row.dead_letter_queue_id)
        ),
        created_ms=int(row.created_ms),
        modified_ms=int(row.modified_ms),
    )


def _select() -> sa.Select[Any]:
    return sa.select(*_COLUMNS).join(companies, companies.c.id == broker_queues.c.company_id)


# Built once: every SQS request looks its queue up.
_BY_NAME = _select().where(
    broker_queues.c.company_id == sa.bindparam("company_id"),
    broker_queues.c.name == sa.bindparam("name"),
)
_BY_ID = _select().where(broker_queues.c.id == sa.bindparam("queue_id"))


def find_queue(conn: Connection, company_id: int, name: str) -> Queue | None:
    """The broker queue with this SQS name in a company."""
    row = conn.execute(_BY_NAME, {"company_id": company_id, "name": name}).first()
    return None if row is None else _queue(row)


def load_queue(conn: Connection, queue_id: int) -> Queue | None:
    row = conn.execute(_BY_ID, {"queue_id": queue_id}).first()
    return None if row is None else _queue(row)


def _check(visibility_timeout: int, max_receive_count: int) -> None:
    if not 0 <= visibility_timeout <= MAX_VISIBILITY:
        raise QueueError(f"VisibilityTimeout must be between 0 and {MAX_VISIBILITY} seconds")
    if not 1 <= max_receive_count <= MAX_RECEIVE_COUNT:
        raise QueueError(f"maxReceiveCount must be between 1 and {MAX_RECEIVE_COUNT}")


def _upsert(
    conn: Connection,
    company_id: int,
    name: str,
    *,
    fifo: bool,
    visibility_timeout: int,
    max_receive_count: int | None,
    dead_letter_queue_id: int | None,
    content_based_dedup: bool,
) -> int:
    stamp = now_ms()
    values = {
        "visibility_timeout": visibility_timeout,
        "max_receive_count": max_receive_count,
        "dead_letter_queue_id": dead_letter_queue_id,
        "content_based_dedup": content_based_dedup,
        "modified_ms": stamp,
    }
    found = conn.execute(
        sa.select(broker_queues.c.id).where(
            broker_queues.c.company_id == company_id, broker_queues.c.name == name
        )
    ).scalar()
    if found is not None:
        conn.execute(broker_queues.update().where(broker_queues.c.id == found).values(**values))
        return int(found)
    inserted = conn.execute(
        broker_queues.insert().values(
            company_id=company_id, name=name, fifo=fifo, created_ms=stamp, **values
        )
    ).inserted_primary_key
    assert inserted is not None
    return int(inserted[0])


def create_queue(
    conn: Connection,
    company_id: int,
    company_guid: str,
    name: str,
    *,
    base_url: str,
    visibility_timeout: int,
    max_receive_count: int = DEFAULT_MAX_RECEIVE_COUNT,
    fifo: bool = True,
    content_based_dedup: bool = False,
) -> str:
    """Create (or update the settings of) the broker queue for qalx queue `name`; its URL.

    Idempotent: a second call with the same name changes the visibility timeout and redrive
    policy and keeps the messages.
    """
    _check(visibility_timeout, max_receive_count)
    broker_name = broker_queue_name(name, fifo=fifo)
    companion = _upsert(
        conn,
        company_id,
        dead_letter_name(broker_name),
        fifo=fifo,
        visibility_timeout=visibility_timeout,
        max_receive_count=None,
        dead_letter_queue_id=None,
        content_based_dedup=content_based_dedup,
    )
    _upsert(
        conn,
        company_id,
        broker_name,
        fifo=fifo,
        visibility_timeout=visibility_timeout,
        max_receive_count=max_receive_count,
        dead_letter_queue_id=companion,
        content_based_dedup=content_based_dedup,
    )
    return queue_url(base_url, company_guid, broker_name)


def delete_queue(conn: Connection, company_id: int, name: str, *, fifo: bool = True) -> bool:
    """Delete qalx queue `name`'s broker queue, its companion and all their messages."""
    broker_name = broker_queue_name(name, fifo=fifo)
    names = [broker_name, dead_letter_name(broker_name)]
    # Messages and deduplication ids go by ON DELETE CASCADE.
    result = conn.execute(
        broker_queues.delete().where(
            broker_queues.c.company_id == company_id, broker_queues.c.name.in_(names)
        )
    )
    return result.rowcount > 0


def qalx_queue_url(company_guid: str, name: str, *, base_url: str, fifo: bool = True) -> str:
    """The URL of qalx queue `name`'s broker queue (no database access)."""
    return queue_url(base_url, company_guid, broker_queue_name(name, fifo=fifo))
