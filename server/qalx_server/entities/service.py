"""Creating, reading, changing and listing entities, always within the caller's company.

Documents are stored as they are answered, minus what is computed per answer: signed file
URLs and a new bot's token. Another company's guid is answered exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from qalx_server.api.errors import ApiError, bad_request, conflict, forbidden, not_found
from qalx_server.api.schemas import problems, validator
from qalx_server.auth.admin import revoke_bot_tokens
from qalx_server.auth.principal import Principal
from qalx_server.files.base import FileStore, object_key
from qalx_server.guids import new_guid, parse_guid, wire
from qalx_server.store.database import Database
from qalx_server.store.query import from_python
from qalx_server.store.query.aggregate import MAX_DOCUMENTS
from qalx_server.store.tables import entities

from . import querying
from .hooks import Hooks
from .kinds import KINDS, Kind
from .listing import envelope
from .records import Rendering, Stored

MAX_BULK = 1000


def now_date() -> dict[str, Any]:
    stamp: dict[str, Any] = from_python(dt.datetime.now(dt.UTC))
    return stamp


def stamp(principal: Principal) -> dict[str, Any]:
    return {"on": now_date(), "by": principal.actor()}


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


class EntityService:
    def __init__(
        self, db: Database, files: FileStore, hooks: Mapping[str, Hooks] | None = None
    ) -> None:
        self.db = db
        self.files = files
        self.hooks = dict(hooks or {})
        self._no_hooks = Hooks()

    def hooks_for(self, kind: Kind) -> Hooks:
        return self.hooks.get(kind.name, self._no_hooks)

    def _info(
        self, conn: Connection, kind: Kind, who: Principal, stored: Stored, base_url: str
    ) -> Mapping[str, Any] | None:
        return self.hooks_for(kind).info(conn, who, stored, base_url)

    # ---- reading rows -------------------------------------------------------------------

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
            raise not_found(entity_type, guid)
        return Stored(row.id, guid, row.doc, row.file_key, row.archived)

    def save(self, conn: Connection, kind: Kind, stored: Stored) -> None:
        values: dict[str, Any] = {
            "new_doc": stored.doc,
            "new_file_key": stored.file_key,
            "new_archived": stored.archived,
        }
        if kind.unique_name:
            values["new_unique_name"] = _held_name(kind, stored.doc, archived=stored.archived)
        with _name_clash(kind, stored.doc):
            conn.execute(_SAVE_NAMED if kind.unique_name else _SAVE, {**values, "pk": stored.id})

    # ---- answering -------------------------------------------------------------------------

    def render(self, kind: Kind, stored: Stored, how: Rendering) -> dict[str, Any]:
        doc = dict(stored.doc)
        field = kind.file_field
        if field and stored.file_key and doc.get(field, {}).get("name"):
            record = dict(doc[field])
            record["url"] = self.files.get_url(
                stored.file_key, base_url=how.base_url, filename=record["name"]
            )
            if how.put_url:
                record["put_url"] = self.files.put_url(stored.file_key, base_url=how.base_url)
            doc[field] = record
        if how.extra_info:
            doc["info"] = {**doc["info"], **how.extra_info}
        doc = self.hooks_for(kind).shown(doc)
        project = querying.projector(how.fields, kind.required)
        return project(doc) if project else doc

    # ---- writes ----------------------------------------------------------------------------

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
        if entity_type == "bot" and principal.is_bot:
            raise forbidden("bots cannot create bots: use a user token")
        hooks = self.hooks_for(kind)
        with self._writing(conn) as conn:
            stored = self._insert(conn, principal, kind, body)
            extra = hooks.inserted(conn, principal, stored, base_url)
            info = {**(self._info(conn, kind, principal, stored, base_url) or {}), **(extra or {})}
        hooks.committed(stored)
        return self.render(kind, stored, Rendering(base_url, _names_file(kind, body), (), info))

    def _insert(
        self, conn: Connection, principal: Principal, kind: Kind, body: dict[str, Any]
    ) -> Stored:
        stored = self._prepared(principal, kind, body)
        with _name_clash(kind, stored.doc):
            # The statement is the same every time (compiled once); the row is its parameters.
            inserted = conn.execute(_INSERT, _row(principal, kind, stored)).inserted_primary_key
        assert inserted is not None
        stored.id = int(inserted[0])
        return stored

    def _insert_many(
        self, conn: Connection, principal: Principal, kind: Kind, prepared: list[Stored]
    ) -> None:
        """Insert unnamed entities with one statement (one round trip per batch, not one
        savepoint and insert per row), their ids read back in order."""
        statement = entities.insert().returning(entities.c.id, sort_by_parameter_order=True)
        ids = conn.execute(statement, [_row(principal, kind, s) for s in prepared]).scalars()
        for stored, row_id in zip(prepared, ids, strict=True):
            stored.id = int(row_id)

    def _prepared(self, principal: Principal, kind: Kind, body: dict[str, Any]) -> Stored:
        """The stored form of a new entity, not yet written."""
        guid = new_guid()
        doc = kind.fresh()
        doc.update({k: v for k, v in body.items() if k in kind.create_keys})
        made = stamp(principal)
        info = {"created": made, "modified": made, "archived": False}
        doc = {"guid": wire(guid), "info": info, **_normalise(kind, doc)}
        if kind.name == "blueprint":
            _blueprint_entity_type(doc)
        stored = Stored(0, guid, doc, None, False)
        self._apply_file(kind, stored, body, principal)
        return stored

    def bulk_create(
        self,
        principal: Principal,
        body: dict[str, Any],
        base_url: str,
        conn: Connection | None = None,
    ) -> dict[str, Any]:
        kind = KINDS["item"]
        items = body["items"]
        shared_tags = body.get("tags")
        created: list[dict[str, Any]] = []
        errors: dict[str, Any] = {}
        item_check = validator("ItemCreate")
        ready: list[tuple[Stored, dict[str, Any]]] = []
        for index, item in enumerate(items):
            if not item_check.is_valid(item):
                found = problems(item_check, item, f"items.{index}")
                errors[str(index)] = {
                    "detail": f"{found[0]['field']}: {found[0]['detail']}",
                    "code": "invalid",
                    "errors": found,
                }
                continue
            if "tags" not in item and shared_tags is not None:
                item = {**item, "tags": shared_tags}
            try:
                ready.append((self._prepared(principal, kind, item), item))
            except ApiError as exc:
                errors[str(index)] = exc.document()
        with self._writing(conn) as conn:
            if ready:
                self._insert_many(conn, principal, kind, [stored for stored, _ in ready])
        for stored, item in ready:
            how = Rendering(base_url, put_url=_names_file(kind, item))
            created.append(self.render(kind, stored, how))
        return {
            "items": created,
            "errors": errors,
            "items_created": len(created),
            "items_errored": len(errors),
        }

    def update(
        self,
        principal: Principal,
        entity_type: str,
        guid: str,
        body: dict[str, Any],
        base_url: str,
    ) -> dict[str, Any]:
        kind = KINDS[entity_type]
        with self.db.write() as conn:
            stored = self.load(conn, principal, entity_type, guid, lock=True)
            before = dict(stored.doc)
            changes = {k: v for k, v in body.items() if k in kind.update_keys}
            if kind.file_field:
                changes.pop(kind.file_field, None)  # handled by _apply_file
            stored.doc.update(_normalise(kind, changes))
            if kind.name == "blueprint":
                _blueprint_entity_type(stored.doc)
            stored.doc["info"] = {**stored.doc["info"], "modified": stamp(principal)}
            old_key = stored.file_key
            self._apply_file(kind, stored, body, principal)
            self.hooks_for(kind).updating(conn, principal, before, stored, base_url)
            self.save(conn, kind, stored)
            info = self._info(conn, kind, principal, stored, base_url)
        if old_key and old_key != stored.file_key:
            self.files.delete(old_key)
        return self.render(kind, stored, Rendering(base_url, _names_file(kind, body), (), info))

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
                "modified": stamp(principal),
            }
            self.save(conn, kind, stored)
        return self.render(kind, stored, Rendering(base_url))

    def delete(self, principal: Principal, entity_type: str, guid: str) -> None:
        with self.db.write() as conn:
            stored = self.load(conn, principal, entity_type, guid, lock=True)
            self.hooks_for(KINDS[entity_type]).removing(conn, principal, stored, deleting=True)
            conn.execute(entities.delete().where(entities.c.id == stored.id))
            if entity_type == "bot":
                revoke_bot_tokens(conn, guid)
        if stored.file_key:
            self.files.delete(stored.file_key)

    def _apply_file(
        self, kind: Kind, stored: Stored, body: Mapping[str, Any], principal: Principal
    ) -> None:
        """Set, change or clear the entity's file record from a write's `file`/`plan` dict."""
        field = kind.file_field
        if field is None or field not in body:
            return
        given = body[field]
        current = stored.doc.get(field) or {}
        if not given:  # `{}`: no file
            stored.doc[field] = {}
            stored.file_key = None
            return
        record = {k: given[k] for k in ("name", "keyfile", "as_file") if k in given}
        name = record.get("name", current.get("name"))
        if name is None:  # flags for a file the entity does not have: nothing to record
            return
        record["name"] = name
        if stored.file_key is None or name != current.get("name"):
            stored.file_key = object_key(principal.company_guid, stored.guid, name)
        stored.doc[field] = {
            **{k: current[k] for k in ("keyfile", "as_file") if k in current},
            **record,
        }

    # ---- reads -----------------------------------------------------------------------------

    def get(
        self,
        principal: Principal,
        entity_type: str,
        guid: str,
        fields: list[str],
        base_url: str,
    ) -> dict[str, Any]:
        kind = KINDS[entity_type]
        hooks = self.hooks_for(kind)
        with self.db.write() if hooks.writes_on_read else self.db.read(snapshot=False) as conn:
            stored = self.load(conn, principal, entity_type, guid)
            info = hooks.info(conn, principal, stored, base_url)
        return self.render(kind, stored, Rendering(base_url, fields=tuple(fields), extra_info=info))

    def list(
        self, principal: Principal, entity_type: str, params: dict[str, Any], base_url: str
    ) -> dict[str, Any]:
        kind = KINDS[entity_type]
        filt = querying.parse_query_text(params.get("query"))
        conditions = [
            entities.c.company_id == principal.company_id,
            entities.c.entity_type == entity_type,
        ]
        if not querying.mentions_archived(filt):
            conditions.append(entities.c.archived.is_(False))
        if filt:
            conditions.append(querying.compile_filter(filt, entities.c.doc, self.db.dialect))
        order = querying.order_by(
            params.get("sort") or [], entities.c.doc, self.db.dialect, entities.c.id
        )
        page = (
            sa.select(
                entities.c.id,
                entities.c.guid,
                entities.c.doc,
                entities.c.file_key,
                entities.c.archived,
            )
            .where(*conditions)
            .order_by(*order)
            .offset(params["skip"])
            .limit(params["limit"])
        )
        total = sa.select(sa.func.count()).select_from(entities).where(*conditions)
        hooks = self.hooks_for(kind)
        fields = tuple(params.get("fields") or ())
        data = []
        with self.db.write() if hooks.writes_on_read else self.db.read() as conn:
            rows = conn.execute(page).all()
            count = int(conn.execute(total).scalar_one())
            listed = [Stored(row.id, row.guid, row.doc, row.file_key, row.archived) for row in rows]
            infos = hooks.infos(conn, principal, listed, base_url)  # one batch per page
            for stored, info in zip(listed, infos, strict=True):
                data.append(
                    self.render(kind, stored, Rendering(base_url, fields=fields, extra_info=info))
                )
        return envelope(data, count, params, entity_type)

    def aggregate(
        self, principal: Principal, entity_type: str, pipeline_text: str
    ) -> dict[str, Any]:
        pipeline = querying.parse_pipeline(pipeline_text)
        conditions = [
            entities.c.company_id == principal.company_id,
            entities.c.entity_type == entity_type,
            entities.c.archived.is_(False),
        ]
        match = pipeline.where(entities.c.doc, self.db.dialect)
        if match is not None:  # leading $match stages run in the database
            conditions.append(match)
        query = (
            sa.select(entities.c.doc)
            .where(*conditions)
            .order_by(entities.c.id)
            .limit(MAX_DOCUMENTS + 1)
        )
        with self.db.read() as conn:
            docs = [row.doc for row in conn.execute(query)]
        if len(docs) > MAX_DOCUMENTS:
            raise bad_request(
                f"aggregate: more than {MAX_DOCUMENTS} {entity_type}s reach the stages "
                "after the leading $match; narrow the $match"
            )
        return {"data": querying.run_pipeline(pipeline, docs)}


# ---- document shaping ----------------------------------------------------------------------


def _normalise(kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
    """Store references as `$uuid` whatever form they came in (pyqalx sends both)."""
    for key in kind.ref_maps:
        if key in values and isinstance(values[key], dict):
            values[key] = {name: _ref(ref, f"{key}.{name}") for name, ref in values[key].items()}
    if kind.name == "factory" and isinstance(values.get("bots"), list):
        values["bots"] = [
            {k: _ref(v, f"bots.{i}.{k}") for k, v in entry.items()}
            for i, entry in enumerate(values["bots"])
        ]
    return values


def _ref(value: Any, where: str) -> dict[str, str]:
    text = value.get("$uuid") if isinstance(value, dict) else value
    guid = parse_guid(text) if isinstance(text, str) else None
    if guid is None:
        raise bad_request(f"{where}: {value!r} is not a guid")
    return wire(guid)


def _blueprint_entity_type(doc: dict[str, Any]) -> None:
    schema = doc.get("schema")
    if not isinstance(schema, dict) or "entity_type" not in schema:
        raise bad_request("schema: a blueprint schema must contain 'entity_type'")
    doc.setdefault("entity_type", schema["entity_type"])


def _names_file(kind: Kind, body: Mapping[str, Any]) -> bool:
    """A write that names a file gets a fresh upload URL in its answer."""
    field = kind.file_field
    return bool(field and isinstance(body.get(field), dict) and body[field].get("name"))


_INSERT = entities.insert()


def _row(principal: Principal, kind: Kind, stored: Stored) -> dict[str, Any]:
    """The `entities` row of a new entity."""
    return {
        "company_id": principal.company_id,
        "entity_type": kind.name,
        "guid": stored.guid,
        "unique_name": _held_name(kind, stored.doc, archived=False),
        "archived": False,
        "file_key": stored.file_key,
        "doc": stored.doc,
    }


def _held_name(kind: Kind, doc: Mapping[str, Any], *, archived: bool) -> Any:
    """The name an entity holds against others of its type: none once archived, so a
    `get_or_create` of an archived queue's or blueprint's name makes a new one (archiving
    cannot be undone, so the name is never wanted back)."""
    return doc.get("name") if kind.unique_name and not archived else None


@contextmanager
def _name_clash(kind: Kind, doc: Mapping[str, Any]) -> Iterator[None]:
    try:
        yield
    except IntegrityError:
        if kind.unique_name:
            raise conflict(f"a {kind.name} named {doc.get('name')!r} already exists") from None
        raise
