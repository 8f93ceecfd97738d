"""Creating, changing, archiving and deleting entities.

Each write runs in one transaction with its type's hooks (entities.hooks), which may refuse
it; what must happen only once it has committed (waking the notification sender, deleting a
replaced file) happens after.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection

from qalx_server.auth.principal import Principal
from qalx_server.guids import new_guid, wire

from . import shaping
from .errors import Forbidden, Refused
from .kinds import KINDS, Kind
from .records import Rendering, Stored
from .rows import EntityRows

ITEM = KINDS["item"]


class EntityWrites(EntityRows):
    @contextmanager
    def _writing(self, conn: Connection | None) -> Iterator[Connection]:
        """The caller's transaction (an idempotent create's), or a new one."""
        if conn is not None:
            yield conn
            return
        with self.db.write() as fresh:
            yield fresh

    def create(
        self,
        principal: Principal,
        entity_type: str,
        body: dict[str, Any],
        base_url: str,
        conn: Connection | None = None,
    ) -> dict[str, Any]:
        kind = KINDS[entity_type]
        if principal.is_bot and not kind.bots_may_create:
            raise Forbidden(f"bots cannot create {kind.name}s: use a user token")
        hooks = self.hooks_for(kind)
        with self._writing(conn) as conn:
            stored = self._prepared(principal, kind, body)
            self.insert(conn, principal, kind, stored)
            extra = hooks.inserted(conn, principal, stored, base_url)
            shown = hooks.info(conn, principal, stored, base_url)
            info = {**(shown or {}), **(extra or {})}
        hooks.committed(stored)
        how = Rendering(base_url, shaping.names_file(kind, body), extra_info=info)
        return self.render(kind, stored, how)

    def _prepared(
        self,
        principal: Principal,
        kind: Kind,
        body: dict[str, Any],
        made: dict[str, Any] | None = None,
    ) -> Stored:
        """The stored form of a new entity, not yet written; `made`: its creation stamp (one
        for a whole bulk create)."""
        guid = new_guid()
        doc = kind.fresh()
        doc.update({k: v for k, v in body.items() if k in kind.create_keys})
        made = made or shaping.stamp(principal)
        info = {"created": made, "modified": made, "archived": False}
        doc = {"guid": wire(guid), "info": info, **shaping.normalise(kind, doc)}
        kind.settle(doc)
        stored = Stored(0, guid, doc, None, False)
        shaping.apply_file(kind, stored, body, principal)
        return stored

    def bulk_create(
        self,
        principal: Principal,
        items: Sequence[tuple[int, dict[str, Any]]],
        shared_tags: list[dict[str, str]] | None,
        base_url: str,
        conn: Connection | None = None,
    ) -> tuple[list[dict[str, Any]], dict[int, Refused]]:
        """Items already checked against `ItemCreate`, each with its index in the request:
        the answers of those created, in order, and the refusal of each index refused."""
        refused: dict[int, Refused] = {}
        ready: list[tuple[Stored, dict[str, Any]]] = []
        made = shaping.stamp(principal)
        for index, item in items:
            if "tags" not in item and shared_tags is not None:
                item = {**item, "tags": shared_tags}
            try:
                ready.append((self._prepared(principal, ITEM, item, made), item))
            except Refused as exc:
                refused[index] = exc
        with self._writing(conn) as conn:
            if ready:
                self.insert_many(conn, principal, ITEM, [stored for stored, _ in ready])
        created = [
            self.render(ITEM, stored, Rendering(base_url, shaping.names_file(ITEM, item)))
            for stored, item in ready
        ]
        return created, refused

    def update(
        self,
        principal: Principal,
        entity_type: str,
        guid: str,
        body: dict[str, Any],
        base_url: str,
    ) -> dict[str, Any]:
        kind = KINDS[entity_type]
        hooks = self.hooks_for(kind)
        with self.db.write() as conn:
            stored = self.load(conn, principal, entity_type, guid, lock=True)
            before = dict(stored.doc)
            changes = {k: v for k, v in body.items() if k in kind.update_keys}
            if kind.file_field:
                changes.pop(kind.file_field, None)  # handled by apply_file
            stored.doc.update(shaping.normalise(kind, changes))
            kind.settle(stored.doc)
            stored.doc["info"] = {**stored.doc["info"], "modified": shaping.stamp(principal)}
            old_key = stored.file_key
            shaping.apply_file(kind, stored, body, principal)
            hooks.updating(conn, principal, before, stored, base_url)
            self.save(conn, kind, stored)
            info = hooks.info(conn, principal, stored, base_url)
        if old_key and old_key != stored.file_key:
            self.files.delete(old_key)
        how = Rendering(base_url, shaping.names_file(kind, body), extra_info=info)
        return self.render(kind, stored, how)

    def archive(
        self, principal: Principal, entity_type: str, guid: str, base_url: str
    ) -> dict[str, Any]:
        kind = KINDS[entity_type]
        with self.db.write() as conn:
            stored = self.load(conn, principal, entity_type, guid, lock=True)
            self.hooks_for(kind).removing(conn, principal, stored, deleting=False)
            stored.archived = True
            stored.doc["info"] = {
                **stored.doc["info"],
                "archived": True,
                "modified": shaping.stamp(principal),
            }
            self.save(conn, kind, stored)
        return self.render(kind, stored, Rendering(base_url))

    def delete(self, principal: Principal, entity_type: str, guid: str) -> None:
        with self.db.write() as conn:
            stored = self.load(conn, principal, entity_type, guid, lock=True)
            self.hooks_for(KINDS[entity_type]).removing(conn, principal, stored, deleting=True)
            self.remove(conn, stored)
        if stored.file_key:
            self.files.delete(stored.file_key)
