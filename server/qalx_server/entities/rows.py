"""Entity rows: finding, inserting and saving them, always within the caller's company.

Another company's guid is answered exactly like a missing one. The reads and the writes of
the service both stand on this.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from qalx_server.auth.principal import Principal
from qalx_server.files.base import FileStore
from qalx_server.store.bulk import insert_entities
from qalx_server.store.database import Database
from qalx_server.store.tables import entities

from . import shaping
from .errors import Conflict, NotFound
from .hooks import Hooks
from .kinds import Kind
from .records import Rendering, Stored

# Built once: the entity lookup runs on nearly every request. It finds the row by guid alone,
# and `load` then checks the company and type, so the guid's unique index is the only one
# the statement can use. With `company_id = ? AND entity_type = ?` in the WHERE as well,
# PostgreSQL without fresh statistics (a new database, or one grown by bulk creates since its
# last ANALYZE) guesses those two match about one row, and may pick the (company_id,
# entity_type, ...) indexes instead: a walk over every item of the company, whose plan
# psycopg's prepared statements then keep for good (36 ops/s at 100k items, not 850).
_LOAD = sa.select(
    entities.c.id,
    entities.c.company_id,
    entities.c.entity_type,
    entities.c.doc,
    entities.c.file_key,
    entities.c.archived,
).where(entities.c.guid == sa.bindparam("guid"))
_LOAD_FOR_UPDATE = _LOAD.with_for_update()
_SAVE = (
    entities.update()
    .where(entities.c.id == sa.bindparam("pk"))
    .values(
        doc=sa.bindparam("new_doc", type_=entities.c.doc.type),
        file_key=sa.bindparam("new_file_key"),
        archived=sa.bindparam("new_archived"),
    )
)
_SAVE_NAMED = _SAVE.values(unique_name=sa.bindparam("new_unique_name"))
_INSERT = entities.insert()


class EntityRows:
    """The database, the file store and each type's hooks, shared by reads and writes."""

    def __init__(
        self, db: Database, files: FileStore, hooks: Mapping[str, Hooks] | None = None
    ) -> None:
        self.db = db
        self.files = files
        self.hooks = dict(hooks or {})
        self._no_hooks = Hooks()

    def hooks_for(self, kind: Kind) -> Hooks:
        return self.hooks.get(kind.name, self._no_hooks)

    def load(
        self,
        conn: Connection,
        principal: Principal,
        entity_type: str,
        guid: str,
        *,
        lock: bool = False,
    ) -> Stored:
        query = _LOAD_FOR_UPDATE if lock and self.db.locks_rows else _LOAD
        row = conn.execute(query, {"guid": guid}).first()
        if row is None or row.company_id != principal.company_id or row.entity_type != entity_type:
            # Another company's guid (or another type's) is answered exactly like a missing one.
            raise NotFound.entity(entity_type, guid)
        return Stored(row.id, guid, row.doc, row.file_key, row.archived)

    def insert(self, conn: Connection, principal: Principal, kind: Kind, stored: Stored) -> None:
        with _name_clash(kind, stored.doc):
            # The statement is the same every time (compiled once); the row is its parameters.
            inserted = conn.execute(_INSERT, _row(principal, kind, stored)).inserted_primary_key
        assert inserted is not None
        stored.id = int(inserted[0])

    def insert_many(
        self, conn: Connection, principal: Principal, kind: Kind, prepared: list[Stored]
    ) -> None:
        """Insert unnamed entities with one statement (one round trip per batch, not one
        savepoint and insert per row), their ids read back in order."""
        rows = [
            (s.guid, shaping.held_name(kind, s.doc, archived=False), s.file_key, s.doc)
            for s in prepared
        ]
        ids = insert_entities(conn, principal.company_id, kind.name, rows)
        for stored, row_id in zip(prepared, ids, strict=True):
            stored.id = row_id

    def save(self, conn: Connection, kind: Kind, stored: Stored) -> None:
        values: dict[str, Any] = {
            "new_doc": stored.doc,
            "new_file_key": stored.file_key,
            "new_archived": stored.archived,
        }
        if kind.unique_name:
            named = shaping.held_name(kind, stored.doc, archived=stored.archived)
            values["new_unique_name"] = named
        with _name_clash(kind, stored.doc):
            conn.execute(_SAVE_NAMED if kind.unique_name else _SAVE, {**values, "pk": stored.id})

    def remove(self, conn: Connection, stored: Stored) -> None:
        conn.execute(entities.delete().where(entities.c.id == stored.id))

    def render(self, kind: Kind, stored: Stored, how: Rendering) -> dict[str, Any]:
        return shaping.render(self.files, self.hooks_for(kind), kind, stored, how)


def _row(principal: Principal, kind: Kind, stored: Stored) -> dict[str, Any]:
    """The `entities` row of a new entity."""
    return {
        "company_id": principal.company_id,
        "entity_type": kind.name,
        "guid": stored.guid,
        "unique_name": shaping.held_name(kind, stored.doc, archived=False),
        "archived": False,
        "file_key": stored.file_key,
        "doc": stored.doc,
    }


@contextmanager
def _name_clash(kind: Kind, doc: Mapping[str, Any]) -> Iterator[None]:
    try:
        yield
    except IntegrityError:
        if kind.unique_name:
            raise Conflict(f"a {kind.name} named {doc.get('name')!r} already exists") from None
        raise
