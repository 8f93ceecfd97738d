"""The operator view of a queue entity's queue: numbers, dead letters, replay."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection

from qalx_server.api.errors import ApiError
from qalx_server.auth.principal import Principal
from qalx_server.queueing import Company, QueueBackend
from qalx_server.store.query import from_python

from .service import EntityService


def _date(when: dt.datetime | None) -> dict[str, Any] | None:
    return None if when is None else dict(from_python(when))


class QueueOperations:
    def __init__(self, entities: EntityService, backend: QueueBackend) -> None:
        self.entities = entities
        self.backend = backend

    def _queue(
        self, conn: Connection, who: Principal, guid: str, *, lock: bool = False
    ) -> tuple[Company, str]:
        """The caller's company and the name of its (live) queue entity `guid`."""
        stored = self.entities.load(conn, who, "queue", guid, lock=lock)
        if stored.archived:
            raise ApiError(404, "not_found", f"queue {guid!r} is archived: it has no messages")
        return Company(who.company_id, who.company_guid), str(stored.doc["name"])

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
            letters = self.backend.dead_letters(conn, *self._queue(conn, who, guid), limit=limit)
        return {
            "data": [
                {
                    "message_id": letter.message_id,
                    "body": letter.body,
                    "receive_count": letter.receive_count,
                    "sent": _date(letter.sent),
                    "first_received": _date(letter.first_received),
                    "group_id": letter.group_id,
                }
                for letter in letters
            ]
        }

    def replay(self, who: Principal, guid: str, body: dict[str, Any]) -> dict[str, Any]:
        ids = body.get("message_ids")
        if not body.get("all") and not ids:
            raise ApiError(400, "invalid", "say which dead letters to replay: message_ids or all")
        with self.entities.db.write() as conn:
            company, name = self._queue(conn, who, guid, lock=True)
            moved = self.backend.replay(
                conn, company, name, message_ids=None if body.get("all") else ids
            )
        return {"replayed": moved}
