"""Where each notification's e-mail is: the `notification_deliveries` rows and their changes.

States:

- `outbox`: made while no SMTP server was configured; waits for a server that has one (any
  server process with SMTP sends it, including this one after a restart with SMTP settings).
- `queued`: to be sent at `next_attempt_ms` (at once when new, later after a transient
  failure).
- `sending`: claimed by one sender. The claim is a random token plus a lease; a sender
  records the outcome only while its token is still on the row.
- `sent`: the SMTP server took it (`sent_ms`); `last_error` lists recipients it refused, if
  it refused some and took the rest.
- `failed`: a permanent failure (5xx reply, TLS or configuration error), or transient ones
  `notification_max_attempts` times, or a send interrupted by its server process dying.

Two server processes never send one notification twice: claiming is one transaction that
moves the row to `sending` (PostgreSQL skips rows another process is claiming, `FOR UPDATE
SKIP LOCKED`; SQLite's write lock makes the claim atomic). A row whose lease ran out (its
process died mid-send) is marked `failed`, not sent again, because the e-mail may have gone
out before the process died; `qalx server notifications retry` sends it again if wanted.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import attrs
import sqlalchemy as sa
from sqlalchemy import Connection

from qalx_server.store.query import from_python
from qalx_server.store.tables import companies, entities, notification_deliveries

State = Literal["queued", "sending", "sent", "failed", "outbox"]
STATES: tuple[State, ...] = ("queued", "sending", "sent", "failed", "outbox")
WAITING: tuple[State, ...] = ("queued", "outbox")
"""States a sender picks notifications up from."""
RETRYABLE: tuple[State, ...] = ("failed", "outbox")
"""States an operator's `retry` requeues."""

INTERRUPTED = (
    "interrupted: the server process sending it stopped before the outcome was recorded, so "
    "it may or may not have been delivered; not sent again automatically"
)

d = notification_deliveries.c


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def _date(ms: int | None) -> dict[str, Any] | None:
    if ms is None:
        return None
    stamp: dict[str, Any] = from_python(dt.datetime.fromtimestamp(ms / 1000, dt.UTC))
    return stamp


def add(conn: Connection, entity_id: int, *, outbox: bool, now: int) -> None:
    conn.execute(
        notification_deliveries.insert().values(
            entity_id=entity_id,
            state="outbox" if outbox else "queued",
            attempts=0,
            next_attempt_ms=now,
            created_ms=now,
        )
    )


_RENDER = sa.select(
    d.state, d.attempts, d.last_error, d.sent_ms, d.next_attempt_ms, d.lease_until_ms
).where(d.entity_id == sa.bindparam("entity_id"))


def wire(row: Any) -> dict[str, Any]:
    """The spec's `NotificationDelivery` for a row."""
    return {
        "state": row.state,
        "attempts": int(row.attempts),
        "last_error": row.last_error,
        "sent_at": _date(row.sent_ms),
        "next_attempt_at": _date(row.next_attempt_ms) if row.state in WAITING else None,
    }


def render(conn: Connection, entity_id: int) -> dict[str, Any] | None:
    row = conn.execute(_RENDER, {"entity_id": entity_id}).first()
    return None if row is None else wire(row)


@attrs.frozen
class Claim:
    """One notification a sender holds: it alone may record how sending it went."""

    delivery_id: int
    token: str
    attempts: int
    """Including this one."""
    guid: str
    doc: dict[str, Any]


def abandon_expired(conn: Connection, now: int) -> int:
    """Fail the sends whose process died holding them (see the module docstring)."""
    result = conn.execute(
        notification_deliveries.update()
        .where(d.state == "sending", d.lease_until_ms < now)
        .values(state="failed", claim_token=None, lease_until_ms=None, last_error=INTERRUPTED)
    )
    return int(result.rowcount or 0)


def claim_next(conn: Connection, *, now: int, lease_ms: int, locks_rows: bool) -> Claim | None:
    """Claim the notification due longest ago, if any is due."""
    query = (
        sa.select(d.id, d.attempts, entities.c.guid, entities.c.doc)
        .join(entities, entities.c.id == d.entity_id)
        .where(d.state.in_(WAITING), d.next_attempt_ms <= now)
        .order_by(d.next_attempt_ms, d.id)
        .limit(1)
    )
    if locks_rows:
        query = query.with_for_update(skip_locked=True, of=notification_deliveries)
    row = conn.execute(query).first()
    if row is None:
        return None
    token = secrets.token_hex(16)
    attempts = int(row.attempts) + 1
    conn.execute(
        notification_deliveries.update()
        .where(d.id == row.id)
        .values(
            state="sending", attempts=attempts, claim_token=token, lease_until_ms=now + lease_ms
        )
    )
    return Claim(int(row.id), token, attempts, str(row.guid), dict(row.doc))


def next_due_ms(conn: Connection) -> int | None:
    """When the soonest waiting notification is due (None: nothing waits)."""
    found = conn.execute(sa.select(sa.func.min(d.next_attempt_ms)).where(d.state.in_(WAITING)))
    value = found.scalar()
    return None if value is None else int(value)


def _finish(conn: Connection, claim: Claim, **values: Any) -> bool:
    result = conn.execute(
        notification_deliveries.update()
        .where(d.id == claim.delivery_id, d.claim_token == claim.token)
        .values(claim_token=None, lease_until_ms=None, **values)
    )
    return bool(result.rowcount)


def record_sent(conn: Connection, claim: Claim, *, now: int, note: str | None) -> bool:
    return _finish(conn, claim, state="sent", sent_ms=now, last_error=note, next_attempt_ms=None)


def record_failure(conn: Connection, claim: Claim, *, error: str, retry_at: int | None) -> bool:
    """A failed attempt: queued again for `retry_at`, or failed for good when None."""
    if retry_at is None:
        return _finish(conn, claim, state="failed", last_error=error, next_attempt_ms=None)
    return _finish(conn, claim, state="queued", last_error=error, next_attempt_ms=retry_at)


# ---- operators (`qalx server notifications ...`) -------------------------------------------


@attrs.frozen
class Listed:
    guid: str
    company: str
    created_ms: int
    state: str
    attempts: int
    last_error: str | None
    sent_ms: int | None
    next_attempt_ms: int | None
    subject: str
    to: list[str]


def listing(conn: Connection, states: Sequence[str] = (), limit: int = 100) -> list[Listed]:
    """Notifications of every company, newest first."""
    query = (
        sa.select(
            entities.c.guid,
            companies.c.name,
            entities.c.doc,
            d.created_ms,
            d.state,
            d.attempts,
            d.last_error,
            d.sent_ms,
            d.next_attempt_ms,
        )
        .join(entities, entities.c.id == d.entity_id)
        .join(companies, companies.c.id == entities.c.company_id)
        .order_by(d.created_ms.desc(), d.id.desc())
        .limit(limit)
    )
    if states:
        query = query.where(d.state.in_(list(states)))
    return [
        Listed(
            guid=str(row.guid),
            company=str(row.name),
            created_ms=int(row.created_ms),
            state=str(row.state),
            attempts=int(row.attempts),
            last_error=row.last_error,
            sent_ms=row.sent_ms,
            next_attempt_ms=row.next_attempt_ms if row.state in WAITING else None,
            subject=str(row.doc.get("subject", "")),
            to=[str(entry) for entry in row.doc.get("to") or []],
        )
        for row in conn.execute(query)
    ]


@attrs.frozen
class Requeued:
    requeued: list[str]
    """Guids moved to `queued`."""
    skipped: dict[str, str]
    """Guid given -> why it was left alone."""


def requeue(conn: Connection, guids: Iterable[str] | None, *, now: int) -> Requeued:
    """Queue `failed` and `outbox` notifications (all of them when `guids` is None) for a
    fresh set of attempts."""
    query = sa.select(d.id, d.state, entities.c.guid).join(entities, entities.c.id == d.entity_id)
    wanted = None if guids is None else list(dict.fromkeys(guids))
    if wanted is None:
        query = query.where(d.state.in_(RETRYABLE))
    else:
        query = query.where(entities.c.guid.in_(wanted))
    rows = {str(row.guid): row for row in conn.execute(query)}
    skipped: dict[str, str] = {}
    ids: list[int] = []
    requeued: list[str] = []
    for guid in wanted if wanted is not None else list(rows):
        row = rows.get(guid)
        if row is None:
            skipped[guid] = "no such notification"
        elif row.state not in RETRYABLE:
            skipped[guid] = f"it is {row.state}"
        else:
            ids.append(int(row.id))
            requeued.append(guid)
    if ids:
        conn.execute(
            notification_deliveries.update()
            .where(d.id.in_(ids), d.state.in_(RETRYABLE))
            .values(state="queued", attempts=0, next_attempt_ms=now, last_error=None)
        )
    return Requeued(requeued, skipped)
