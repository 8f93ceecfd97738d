"""Job failures recorded against queue messages (`record_job_failure`, our extension).

A worker releases a failed job's message for another attempt; SQS cannot carry data on a
released message, so the failure is kept here, beside it, keyed by company, queue entity and
SQS message id, and the dead-letter listing joins it back by message id. Nothing here knows
the broker, so it works the same over the built-in one and Amazon SQS.

Bounded: one row per message, holding the newest failure and a count (earlier failures are in
the workers' logs). A row lasts `KEEP_MS` from its newest failure, the longest both brokers
keep a message; it goes sooner when its dead letter is replayed or its queue is archived or
deleted. Expired rows are skipped when read and swept now and then when written.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy import Connection

from qalx_server.auth.principal import Principal
from qalx_server.store.database import Database
from qalx_server.store.expiry import Sweeper, now_ms
from qalx_server.store.query.extjson import canonical
from qalx_server.store.tables import queue_failures as failures

log = logging.getLogger("qalx_server")

KEEP_MS = 14 * 24 * 3600 * 1000
"""14 days: SQS's longest message retention, and the built-in broker's."""
SWEEP_SECONDS = 60.0
MATCH_CHUNK = 500
"""Message ids per lookup (bound parameters stay well within every database's limit)."""

# One statement for a new failure and a repeat: the count goes up, the newest failure wins.
_RECORD = sa.text(
    "INSERT INTO queue_failures (company_id, queue_id, message_id, failures, error, step, "
    "attempt, entity_type, entity_guid, bot_guid, worker_guid, recorded_ms, expires_ms) "
    "VALUES (:company_id, :queue_id, :message_id, 1, :error, :step, :attempt, :entity_type, "
    ":entity_guid, :bot_guid, :worker_guid, :recorded_ms, :expires_ms) "
    "ON CONFLICT (company_id, queue_id, message_id) DO UPDATE SET "
    "failures = CASE WHEN queue_failures.expires_ms > excluded.recorded_ms "
    "THEN queue_failures.failures + 1 ELSE 1 END, "
    "error = excluded.error, step = excluded.step, attempt = excluded.attempt, "
    "entity_type = excluded.entity_type, entity_guid = excluded.entity_guid, "
    "bot_guid = excluded.bot_guid, worker_guid = excluded.worker_guid, "
    "recorded_ms = excluded.recorded_ms, expires_ms = excluded.expires_ms"
)


@attrs.frozen
class Failure:
    """The newest failure of one message, and how many were recorded."""

    failures: int
    error: str
    recorded_ms: int
    step: str | None
    attempt: int | None
    entity_type: str | None
    entity_guid: str | None
    bot_guid: str | None
    worker_guid: str | None


def _hex(value: Any) -> str | None:
    """32-hex form of a (checked) `Guid` body value; None when absent."""
    if value is None:
        return None
    return str(canonical(value)["$uuid"])


class JobFailures:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.sweeper = Sweeper(db, failures, SWEEP_SECONDS, "job failures")

    def record(
        self, conn: Connection, who: Principal, queue_id: int, body: Mapping[str, Any]
    ) -> None:
        """Count a failure against its message and keep it as the newest. A bot token
        records as itself, whatever bot the body names."""
        now = now_ms()
        conn.execute(
            _RECORD,
            {
                "company_id": who.company_id,
                "queue_id": queue_id,
                "message_id": body["message_id"],
                "error": body["error"],
                "step": body.get("step"),
                "attempt": body.get("attempt"),
                "entity_type": body.get("entity_type"),
                "entity_guid": _hex(body.get("entity_guid")),
                "bot_guid": who.guid if who.is_bot else _hex(body.get("bot")),
                "worker_guid": _hex(body.get("worker")),
                "recorded_ms": now,
                "expires_ms": now + KEEP_MS,
            },
        )

    def of(
        self, conn: Connection, company_id: int, queue_id: int, message_ids: Collection[str]
    ) -> dict[str, Failure]:
        """The live records of these messages, by message id."""
        found: dict[str, Failure] = {}
        ids = list(dict.fromkeys(message_ids))
        c = failures.c
        for start in range(0, len(ids), MATCH_CHUNK):
            rows = conn.execute(
                sa.select(failures).where(
                    (c.company_id == company_id)
                    & (c.queue_id == queue_id)
                    & c.message_id.in_(ids[start : start + MATCH_CHUNK])
                    & (c.expires_ms > now_ms())
                )
            ).all()
            for row in rows:
                found[row.message_id] = Failure(
                    failures=int(row.failures),
                    error=row.error,
                    recorded_ms=int(row.recorded_ms),
                    step=row.step,
                    attempt=row.attempt,
                    entity_type=row.entity_type,
                    entity_guid=row.entity_guid,
                    bot_guid=row.bot_guid,
                    worker_guid=row.worker_guid,
                )
        return found

    def forget(
        self,
        conn: Connection,
        company_id: int,
        queue_id: int,
        message_ids: Collection[str] | None = None,
    ) -> None:
        """Drop the records of these messages, or of the whole queue (None)."""
        c = failures.c
        mine = (c.company_id == company_id) & (c.queue_id == queue_id)
        if message_ids is None:
            conn.execute(sa.delete(failures).where(mine))
            return
        ids = list(message_ids)
        for start in range(0, len(ids), MATCH_CHUNK):
            chunk = ids[start : start + MATCH_CHUNK]
            conn.execute(sa.delete(failures).where(mine & c.message_id.in_(chunk)))
