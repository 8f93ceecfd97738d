"""The filters a list compiles can use the indexes meant for them: `guid` (and `$in` of
guids) the guid column's unique index, and on PostgreSQL a document equality the GIN index
over the documents. Each plan is of the filter alone, read on PostgreSQL with sequential
scans made costly: what is checked is that the compiled shape *can* use the index, whatever
the statistics of a small shared table (bench/queries.py measures what the planner picks at
10^5 entities)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import sqlalchemy as sa

from qalx_server.entities import querying
from qalx_server.store.tables import entities

from .conftest import Tenant

ITEMS = 200


def _plan(tenant: Tenant, query: dict[str, Any]) -> str:
    """The plan of the filter as the server compiles it for items, alone (the company and
    type conditions would let a small shared table be walked by its company instead)."""
    db = tenant.live.server.db
    columns = querying.entity_columns(False, archived_listed=False)
    condition = querying.compile_filter(query, entities.c.doc, db.dialect, columns)
    statement = sa.select(entities.c.id).where(condition)
    sql = str(statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    with db.read() as conn:
        if db.dialect == "postgresql":
            conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
            return "\n".join(conn.exec_driver_sql("EXPLAIN " + sql).scalars())
        return "\n".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))


def _items(tenant: Tenant) -> list[str]:
    body = {"items": [{"data": {"i": n}, "meta": {"grade": f"g{n % 10}"}} for n in range(ITEMS)]}
    answer = tenant.client.get_httpx_client().post("item", json=body, headers={"qalx-bulk": "true"})
    assert answer.status_code == 200, answer.text
    return [item["guid"]["$uuid"] for item in answer.json()["items"]]


def test_guids_are_found_by_the_guid_index(tenant: Tenant) -> None:
    guids = _items(tenant)
    one = _plan(tenant, {"guid": {"$uuid": guids[3]}})
    some = _plan(tenant, {"guid": {"$in": [{"$uuid": g} for g in guids[:100]]}})
    # PostgreSQL names the unique constraint's index; SQLite's is an automatic one, shown by
    # the column it searches on.
    used = "uq_entities_guid" if tenant.live.backend == "postgresql" else "(guid=?)"
    for plan in (one, some):
        assert used in plan, plan


def test_a_guid_filter_finds_exactly_its_entities(tenant: Tenant) -> None:
    guids = _items(tenant)
    wanted = [guids[5], guids[50], str(uuid.UUID(guids[150]))]  # hyphenated is the same guid
    query = {"guid": {"$in": [{"$uuid": g} for g in wanted] + ["not a uuid", None]}}
    answer = tenant.client.get_httpx_client().get("item", params={"query": json.dumps(query)})
    assert answer.status_code == 200, answer.text
    found = sorted(item["guid"]["$uuid"] for item in answer.json()["data"])
    assert found == sorted([guids[5], guids[50], guids[150]])


def test_document_equality_can_use_the_gin_index_on_postgresql(tenant: Tenant) -> None:
    _items(tenant)
    plan = _plan(tenant, {"data.i": 7})  # one match: the index beats any walk of the table
    if tenant.live.backend == "postgresql":
        assert "ix_entities_doc" in plan, plan
    else:
        assert "ix_entities_doc" not in plan  # SQLite has no such index (see docs/server.md)
