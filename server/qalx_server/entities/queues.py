"""The operator view of a queue entity's queue: numbers, dead letters (with the failures
workers recorded against them), replay; and the workers' failure records themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection

from qalx_server.auth.principal import Principal
from qalx_server.queueing import Company, QueueBackend
from qalx_server.store.query import from_python

from .errors import Invalid, NotFound
from .failures import Failure, JobFailures
from .service import EntityService


def _date(when: dt.datetime | None) -> dict[str, Any] | None:
    return None if when is None else dict(from_python(when))


def _failure(found: Failure) -> dict[str, Any]:
    """A `JobFailureRecord`: what the worker did not send stays absent."""
    when = dt.datetime.fromtimestamp(found.recorded_ms / 1000, dt.UTC)
    shown: dict[str, Any] = {"error": found.error, "at": _date(when)}
    optional = {"step": found.step, "attempt": found.attempt, "entity_type": found.entity_type}
    shown.update({k: v for k, v in optional.items() if v is not None})
    guids = {"entity_guid": found.entity_guid, "bot": found.bot_guid, "worker": found.worker_guid}
    shown.update({k: {"$uuid": v} for k, v in guids.items() if v is not None})
    return shown


class QueueOperations:
    def __init__(
        self, entities: EntityService, backend: QueueBackend, failures: JobFailures
    ) -> None:
        self.entities = entities
        self.backend = backend
        self.failures = failures

    def _queue(
        self, conn: Connection, who: Principal, guid: str, *, lock: bool = False
    ) -> tuple[Company, str]:
        """The caller's company and the name of its (live) queue entity `guid`."""
        company, name, _ = self._queue_row(conn, who, guid, lock=lock)
        return company, name

    def _queue_row(
        self, conn: Connection, who: Principal, guid: str, *, lock: bool = False
    ) -> tuple[Company, str, int]:
        """`_queue`, and the entity's row id (what failure records are kept under)."""
        stored = self.entities.load(conn, who, "queue", guid, lock=lock)
        if stored.archived:
            raise NotFound(f"queue {guid!r} is archived: it has no messages")
        return Company(who.company_id, who.company_guid), str(stored.doc["name"]), stored.id

    def stats(self, who: Principal, guid: str) -> dict[str, Any]:
        with self.entities.db.read() as conn:
            found = self.backend.stats(conn, *self._queue(conn, who, guid))
        return {
            "depth": found.depth,
            "in_flight": found.in_flight,
            "dead_letters": found.dead_letters,
            "oldest_age_seconds": found.oldest_age_seconds,
        }

    def dead_letters(self, who: Principal, guid: str, limit: int) -> dict[str, Any]:
        with self.entities.db.read() as conn:
            company, name, queue_id = self._queue_row(conn, who, guid)
            letters = self.backend.dead_letters(conn, company, name, limit=limit)
            recorded = self.failures.of(
                conn, company.id, queue_id, [letter.message_id for letter in letters]
            )
        data = []
        for letter in letters:
            shown: dict[str, Any] = {
                "message_id": letter.message_id,
                "body": letter.body,
                "receive_count": letter.receive_count,
                "sent": _date(letter.sent),
                "first_received": _date(letter.first_received),
                "group_id": letter.group_id,
                "failures": 0,
            }
            found = recorded.get(letter.message_id)
            if found is not None:
                shown["failures"] = found.failures
                shown["last_failure"] = _failure(found)
            data.append(shown)
        return {"data": data}

    def replay(self, who: Principal, guid: str, body: dict[str, Any]) -> dict[str, Any]:
        ids = body.get("message_ids")
        if not body.get("all") and not ids:
            raise Invalid("say which dead letters to replay: message_ids or all")
        with self.entities.db.write() as conn:
            company, name, queue_id = self._queue_row(conn, who, guid, lock=True)
            moved = self.backend.replay(
                conn, company, name, message_ids=None if body.get("all") else ids
            )
            # A replayed message starts again (as its receive count does; on Amazon SQS it
            # even gets a new id), so the failures recorded against it go with the replay.
            self.failures.forget(conn, company.id, queue_id, moved)
        return {"replayed": moved}

    def record_failure(self, who: Principal, guid: str, body: dict[str, Any]) -> None:
        with self.entities.db.write() as conn:
            _, _, queue_id = self._queue_row(conn, who, guid)
            self.failures.record(conn, who, queue_id, body)
        self.failures.sweeper.maybe_sweep()
