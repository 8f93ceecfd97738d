"""The operator view of a queue entity's queue: numbers, dead letters, replay."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qalx_server.api.errors import ApiError
from qalx_server.auth.principal import Principal
from qalx_server.queueing import Company, QueueBackend

from .service import EntityService


def _date(when: dt.datetime | None) -> dict[str, Any] | None:
    if when is None:
        return None
    return {"$date": int(when.timestamp() * 1000), "$zone": "UTC", "$offset": None}


class QueueOperations:
    def __init__(self, entities: EntityService, backend: QueueBackend) -> None:
        self.entities = entities
        self.backend = backend

    def _name(self, who: Principal, guid: str, stored_doc: dict[str, Any], archived: bool) -> str:
        if archived:
            raise ApiError(404, "not_found", f"queue {guid!r} is archived: it has no messages")
        name: str = stored_doc["name"]
        return name

    def stats(self, who: Principal, guid: str) -> dict[str, Any]:
        with self.entities.db.read() as conn:
            stored = self.entities.load(conn, who, "queue", guid)
            name = self._name(who, guid, stored.doc, stored.archived)
            found = self.backend.stats(conn, Company(who.company_id, who.company_guid), name)
        return {
            "depth": found.depth,
            "in_flight": found.in_flight,
            "dead_letters": found.dead_letters,
            "oldest_age_seconds": found.oldest_age_seconds,
        }

    def dead_letters(self, who: Principal, guid: str, limit: int) -> dict[str, Any]:
        with self.entities.db.read() as conn:
            stored = self.entities.load(conn, who, "queue", guid)
            name = self._name(who, guid, stored.doc, stored.archived)
            company = Company(who.company_id, who.company_guid)
            letters = self.backend.dead_letters(conn, company, name, limit=limit)
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
            stored = self.entities.load(conn, who, "queue", guid, lock=True)
            name = self._name(who, guid, stored.doc, stored.archived)
            company = Company(who.company_id, who.company_guid)
            moved = self.backend.replay(
                conn, company, name, message_ids=None if body.get("all") else ids
            )
        return {"replayed": moved}
