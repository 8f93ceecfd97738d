"""Declared indexes: the document paths a company asks the database to index, per entity
type, as MongoDB users make indexes with `createIndex`.

A declaration is a row of `declared_indexes`; the database indexes behind it are made when
the first company declares the path and dropped when the last one lets it go, and serve every
company (their keys lead with the company). Each path has two: its key (the value at the path,
store.query's KeySpelling) after the company and type, which equalities, ranges and sorts on
the path use; and a partial index of the rows with an array on the path's route, which the key
cannot speak for (store.query.indexing). PostgreSQL builds them `CONCURRENTLY`, so writes go on
meanwhile; SQLite, which has one writer at a time anyway, builds them in a write transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from qalx_server.store import query as engine
from qalx_server.store.database import Database
from qalx_server.store.tables import (
    DECLARED_INDEX_PREFIX,
    companies,
    declared_indexes,
    entities,
)

from . import querying
from .errors import Invalid, NotFound
from .kinds import KINDS

_DOC: sa.ColumnElement[Any] = sa.literal_column("doc")
"""The document column as an index's expressions name it (bare, without its table)."""


def index_names(entity_type: str, path: engine.Path) -> tuple[str, str]:
    """The key index's and the array rows' index's names for one declared path (a digest of
    the path, so any path makes a valid name of bounded length)."""
    digest = hashlib.sha1(f"{entity_type}\0{'.'.join(path)}".encode()).hexdigest()[:16]
    stem = f"{DECLARED_INDEX_PREFIX}{entity_type}_{digest}"
    return f"{stem}_k", f"{stem}_a"


def declared_paths(conn: Connection, company_id: int, entity_type: str) -> frozenset[engine.Path]:
    """The paths of `entity_type` the company has declared indexes on, for its queries."""
    found = conn.execute(
        sa.select(declared_indexes.c.path).where(
            declared_indexes.c.company_id == company_id,
            declared_indexes.c.entity_type == entity_type,
        )
    ).scalars()
    return frozenset(tuple(path.split(".")) for path in found)


class DeclaredIndexes:
    """Declaring, listing and dropping a company's indexes, and building the database's."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, company_id: int, entity_type: str, path_text: str) -> dict[str, Any]:
        """Declare an index (building it first, so a listed index is one queries use);
        declaring one again changes nothing."""
        path = self._path(entity_type, path_text)
        self._build(entity_type, path)
        with self.db.write() as conn:
            exists = conn.execute(self._row(company_id, entity_type, path)).first()
            if exists is None:
                conn.execute(
                    declared_indexes.insert().values(
                        company_id=company_id,
                        entity_type=entity_type,
                        path=".".join(path),
                        created_at=dt.datetime.now(dt.UTC),
                    )
                )
        return {"entity_type": entity_type, "path": ".".join(path)}

    def drop(self, company_id: int, entity_type: str, path_text: str) -> None:
        """Let an index go; the database's go with the last company that declared it."""
        path = self._path(entity_type, path_text)
        dotted = ".".join(path)
        with self.db.write() as conn:
            gone = conn.execute(
                declared_indexes.delete().where(
                    declared_indexes.c.company_id == company_id,
                    declared_indexes.c.entity_type == entity_type,
                    declared_indexes.c.path == dotted,
                )
            ).rowcount
            if not gone:
                raise NotFound(f"no index on {entity_type} path {dotted!r} is declared")
            others = conn.execute(
                sa.select(sa.func.count())
                .select_from(declared_indexes)
                .where(
                    declared_indexes.c.entity_type == entity_type,
                    declared_indexes.c.path == dotted,
                )
            ).scalar_one()
        if not others:
            with self.db.maintenance() as conn:
                for name in index_names(entity_type, path):
                    conn.execute(sa.text(f"DROP INDEX {self._concurrently}IF EXISTS {name}"))

    def list(self, company_id: int | None) -> list[dict[str, Any]]:
        """A company's declared indexes (every company's for None), by type and path."""
        query = (
            sa.select(declared_indexes, companies.c.name.label("company"))
            .join(companies, companies.c.id == declared_indexes.c.company_id)
            .order_by(declared_indexes.c.entity_type, declared_indexes.c.path, companies.c.name)
        )
        if company_id is not None:
            query = query.where(declared_indexes.c.company_id == company_id)
        with self.db.read() as conn:
            return [_listed(row) for row in conn.execute(query)]

    @property
    def _concurrently(self) -> str:
        """PostgreSQL builds and drops indexes without blocking writes; SQLite cannot."""
        return "CONCURRENTLY " if self.db.dialect == "postgresql" else ""

    @staticmethod
    def _path(entity_type: str, path_text: str) -> engine.Path:
        if entity_type not in KINDS:
            raise Invalid(f"unknown entity type {entity_type!r}: one of {', '.join(KINDS)}")
        return querying.index_path(path_text)

    @staticmethod
    def _row(company_id: int, entity_type: str, path: engine.Path) -> sa.Select[Any]:
        return sa.select(declared_indexes).where(
            declared_indexes.c.company_id == company_id,
            declared_indexes.c.entity_type == entity_type,
            declared_indexes.c.path == ".".join(path),
        )

    def _build(self, entity_type: str, path: engine.Path) -> None:
        """The two database indexes of a path, unless they exist (PostgreSQL: a build that
        was interrupted leaves an invalid index, which is dropped and built again)."""
        keys = engine.dialect_for(self.db.dialect).keys
        key_name, arrays_name = index_names(entity_type, path)
        with self.db.maintenance() as conn:
            key = _sql(conn, keys.key(_DOC, path))
            arrays = _sql(conn, keys.route_arrays(_DOC, path))
            table = entities.name
            statements = {
                key_name: f"ON {table} (company_id, entity_type, ({key}))",
                arrays_name: f"ON {table} (company_id, entity_type) WHERE {arrays}",
            }
            for name, rest in statements.items():
                if self.db.dialect == "postgresql":
                    _drop_if_invalid(conn, name)
                # Straight to the driver: the path's text is SQL literal there, which
                # sa.text would read `:name` in as a parameter.
                conn.exec_driver_sql(
                    f"CREATE INDEX {self._concurrently}IF NOT EXISTS {name} {rest}"
                )
            # Statistics of the new keys (and on SQLite, of the table's every index), so the
            # planner weighs the new indexes against the others at once.
            conn.execute(sa.text(f"ANALYZE {table}"))


def _sql(conn: Connection, expression: Any) -> str:
    return str(expression.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))


def _drop_if_invalid(conn: Connection, name: str) -> None:
    valid = conn.execute(
        sa.text(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = :name"
        ),
        {"name": name},
    ).scalar()
    if valid is False:
        conn.execute(sa.text(f"DROP INDEX CONCURRENTLY IF EXISTS {name}"))


def _listed(row: Any) -> dict[str, Any]:
    return {"entity_type": row.entity_type, "path": row.path, "company": row.company}
