"""Test support for the query-engine tests: a (id, doc) table on a real engine.

(Named uniquely so that ``import`` cannot pick up another test folder's conftest.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, Engine, Integer, MetaData, Table, delete, insert, select
from sqlalchemy.dialects.postgresql import JSONB

from qalx_server.store.query import compile_filter


@dataclass
class DocTable:
    """A table of (id, doc) on one engine, reset for each generated example."""

    engine: Engine
    table: Table

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def doc(self) -> Any:
        return self.table.c.doc

    def load(self, docs: Sequence[Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(self.table))
            if docs:
                conn.execute(insert(self.table), [{"id": i, "doc": d} for i, d in enumerate(docs)])

    def ids(self, filt: Any) -> list[int]:
        expr = compile_filter(filt, self.doc, self.dialect)
        with self.engine.connect() as conn:
            stmt = select(self.table.c.id).where(expr).order_by(self.table.c.id)
            return [row[0] for row in conn.execute(stmt)]

    def run(self, stmt: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(stmt))


def make_table(engine: Engine) -> DocTable:
    md = MetaData()
    table = Table(
        "qdocs",
        md,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("doc", JSON().with_variant(JSONB(), "postgresql"), nullable=False),
    )
    md.drop_all(engine)
    md.create_all(engine)
    return DocTable(engine, table)
