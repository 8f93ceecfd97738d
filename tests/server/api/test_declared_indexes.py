"""Declared indexes through the API (our extension) on SQLite and PostgreSQL: declaring,
listing and dropping them per company, the answers of queries that use them (which must be
those without them, arrays, non-finite numbers and mixed types included), and the plans that
show the database reading them."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from qalx_server.entities.indexes import declared_paths, index_names
from qalx_server.entities.reads import list_statements

from .conftest import Tenant

PATHS = ("data.i", "metadata.data.grade")


def _http(tenant: Tenant) -> httpx.Client:
    return tenant.client.get_httpx_client()


def _declare(tenant: Tenant, path: str, entity_type: str = "item") -> httpx.Response:
    return _http(tenant).post("index", json={"entity_type": entity_type, "path": path})


def _listed(tenant: Tenant) -> list[dict[str, Any]]:
    answer = _http(tenant).get("index")
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["data"]
    return found


def _database_indexes(tenant: Tenant) -> set[str]:
    db = tenant.live.server.db
    catalog = {
        "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index'",
        "postgresql": "SELECT indexname FROM pg_indexes WHERE tablename = 'entities'",
    }
    with db.read() as conn:
        return set(conn.execute(sa.text(catalog[db.dialect])).scalars())


def test_indexes_are_declared_listed_and_dropped_per_company(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    first = _declare(tenant, "metadata.data.grade")
    assert first.status_code == 201, first.text
    assert first.json() == {"entity_type": "item", "path": "meta.grade"}
    assert _declare(tenant, "meta.grade").status_code == 201  # the same index: no change
    assert _listed(tenant) == [{"entity_type": "item", "path": "meta.grade"}]
    assert _listed(other_tenant) == []  # another company sees none of it

    names = set(index_names("item", ("meta", "grade")))
    assert names <= _database_indexes(tenant)
    assert _declare(other_tenant, "meta.grade").status_code == 201
    dropped = _http(tenant).delete("index/item/metadata.data.grade")
    assert dropped.status_code == 204, dropped.text
    assert _listed(tenant) == []
    assert names <= _database_indexes(tenant), "the other company still declares it"
    assert _http(other_tenant).delete("index/item/meta.grade").status_code == 204
    assert not names & _database_indexes(tenant), "the last declaration took them"

    again = _http(tenant).delete("index/item/meta.grade")
    assert again.status_code == 404 and "meta.grade" in again.json()["detail"]
    position = _http(tenant).delete("index/item/data.0")
    assert position.status_code == 400 and "'data.0' is not allowed" in position.json()["detail"]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"entity_type": "item", "path": "data.list.0"}, "'data.list.0' is not allowed"),
        ({"entity_type": "item", "path": 'data.a"b'}, """'data.a"b' is not allowed"""),
        ({"entity_type": "item", "path": "data..x"}, "'data..x' is not allowed"),
        ({"entity_type": "item", "path": "data.$x"}, "not starting with `$`"),
        ({"entity_type": "widget", "path": "data.x"}, "entity_type"),
        ({"entity_type": "item"}, "path"),
    ],
)
def test_a_bad_declaration_is_refused_naming_the_problem(
    tenant: Tenant, body: dict[str, Any], named: str
) -> None:
    answer = _http(tenant).post("index", json=body)
    assert answer.status_code == 400, answer.text
    assert named in answer.json()["detail"]
    assert _listed(tenant) == []


def test_bot_tokens_cannot_declare_indexes(tenant: Tenant) -> None:
    bot = _http(tenant).post("bot", json={"name": "b", "config": {}})
    assert bot.status_code == 201, bot.text
    as_bot = tenant.client_for(bot.json()["info"]["credentials"]["token"]).get_httpx_client()
    refused = as_bot.post("index", json={"entity_type": "item", "path": "data.i"})
    assert refused.status_code == 403 and "user tokens" in refused.json()["detail"]
    assert as_bot.get("index").status_code == 403
    assert _listed(tenant) == []


# Values at `data.i` of every shape a key may or may not hold: numbers (int and float),
# strings, booleans, null, missing, objects, dates, non-finite numbers, arrays on the path
# and on its route, a scalar on its route.
ODD = [
    {"i": "5"},
    {"i": True},
    {"i": False},
    {"i": None},
    {"i": {"$numberDouble": "Infinity"}},
    {"i": {"$numberDouble": "-Infinity"}},
    {"i": {"$numberDouble": "NaN"}},
    {"i": {"a": 1}},
    {"i": {"$date": 1_700_000_000_000}},
    {"i": [3, 250]},
    {"i": []},
    {"i": [[7]]},
    {"j": 1},
    {"i": 12.5},
    {"i": -4},
]


def _load(tenant: Tenant) -> None:
    items: list[dict[str, Any]] = [
        {"data": {"i": n % 300}, "meta": {"grade": f"g{n % 4}"}} for n in range(400)
    ]
    items += [{"data": data, "meta": {"grade": ["g1", "g9"]}} for data in ODD]
    items += [{"data": [{"i": 7}, {"i": 260}]}, {"data": 5}, {"data": [1, 2]}, {}]
    answer = _http(tenant).post("item", json={"items": items}, headers={"qalx-bulk": "true"})
    assert answer.status_code == 200, answer.text


QUESTIONS: list[tuple[dict[str, Any], str | None]] = [
    ({"data.i": 7}, None),
    ({"data.i": {"$in": [3, 250, "5", True, None]}}, None),
    ({"data.i": {"$gte": 240, "$lt": 260}}, "-data.i"),
    ({"data.i": {"$gte": 240}}, "-data.i"),
    ({"data.i": {"$gt": 250}}, "data.i"),
    ({"data.i": {"$lte": 3}}, "data.i,-metadata.data.grade"),
    ({"data.i": {"$in": [3, 4, 5]}}, "-data.i"),
    ({"data.i": {"$lte": {"$numberDouble": "Infinity"}}}, "-data.i"),
    ({"data.i": {"$gte": {"$numberDouble": "-Infinity"}, "$lt": 2}}, "data.i"),
    ({"$or": [{"data.i": k * 31} for k in range(10)]}, None),
    ({"$or": [{"data.i": 7}, {"metadata.data.grade": "g9"}]}, "data.i"),
    ({"data.i": {"$ne": 7}, "metadata.data.grade": "g1"}, None),
    ({"data.i": None}, None),
    ({"data.i": True}, "-data.i"),
    ({"data.i": {"$gt": False}}, None),
    ({"data.i": [3, 250]}, None),
    ({"data.i": {"a": 1}}, None),
    ({"data.i": {"$gte": {"$date": 0}}}, None),
    ({"data.i": {"$gt": "0"}}, None),
    ({"data.i": {"$exists": False}}, "-data.i"),
    ({"metadata.data.grade": "g1"}, "-data.i"),
    ({"metadata.data.grade": {"$in": ["g2", "g9"]}, "data.i": {"$lt": 20}}, "-data.i"),
]


def _answers(tenant: Tenant) -> list[Any]:
    found = []
    for filt, sort in QUESTIONS:
        for skip in (0, 7):
            params: dict[str, Any] = {"query": json.dumps(filt), "limit": 9, "skip": skip}
            params |= {"total": "true"} | ({"sort": sort} if sort else {})
            answer = _http(tenant).get("item", params=params)
            assert answer.status_code == 200, (filt, answer.text)
            page = answer.json()
            found.append((filt, sort, skip, [d["data"] for d in page["data"]], page["query"]))
    return found


def test_queries_answer_the_same_through_declared_indexes(tenant: Tenant) -> None:
    _load(tenant)
    before = _answers(tenant)
    assert any(page[3] for page in before) and any(not page[3] for page in before)
    for path in PATHS:
        assert _declare(tenant, path).status_code == 201
    after = _answers(tenant)
    for was, now in zip(before, after, strict=True):
        assert was == now, f"{was[:3]}: without indexes {was[3:]}, with them {now[3:]}"


def _plan(tenant: Tenant, query: dict[str, Any], sort: list[str]) -> str:
    """The plan of the page as the server reads it (on PostgreSQL with sequential scans
    made costly: a small shared table could be walked whole instead)."""
    db = tenant.live.server.db
    params = {"query": json.dumps(query), "sort": sort, "skip": 0, "limit": 25}
    with db.read() as conn:
        company = conn.execute(
            sa.text("SELECT id FROM companies WHERE name = :name"), {"name": tenant.company}
        ).scalar_one()
        indexed = declared_paths(conn, company, "item")
        statement = list_statements(company, "item", params, db.dialect, indexed).page
        compiled = statement.compile(dialect=db.engine.dialect)
        if db.dialect == "postgresql":
            conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
            explained = conn.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params)
            return "\n".join(explained.scalars())
        literal = statement.compile(
            dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}
        )
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(literal))
        return "\n".join(row[3] for row in rows)


@pytest.mark.parametrize(
    ("query", "sort"),
    [
        ({"data.i": 42}, []),
        ({"data.i": {"$in": [1, 2, 3]}}, []),
        ({"$or": [{"data.i": 1}, {"data.i": 2}]}, []),
        ({"data.i": {"$gte": 100, "$lt": 200}}, ["-data.i"]),
        ({"data.i": {"$gte": 100}, "metadata.data.grade": "g1"}, ["data.i"]),
    ],
)
def test_queries_on_declared_paths_read_their_indexes(
    tenant: Tenant, query: dict[str, Any], sort: list[str]
) -> None:
    _load(tenant)
    for path in PATHS:
        assert _declare(tenant, path).status_code == 201
    key, arrays = index_names("item", ("data", "i"))
    plan = _plan(tenant, query, sort)
    assert key in plan, plan  # the key, for the matches keyed by a value
    assert arrays in plan, plan  # and the few rows with arrays on the path's route


def test_a_path_of_any_printable_characters_is_indexed_and_queried(tenant: Tenant) -> None:
    """A key holding SQL's quote, parameter marks and a character outside the BMP: written
    into the index's SQL as a literal, it must be neither a parameter nor a syntax error."""
    key = "a'b %(x)s :z ? \U0001d11e"
    body = {"items": [{"data": {key: n}} for n in range(40)]}
    assert _http(tenant).post("item", json=body, headers={"qalx-bulk": "true"}).status_code == 200
    declared = _declare(tenant, f"data.{key}")
    assert declared.status_code == 201, declared.text
    assert _listed(tenant) == [{"entity_type": "item", "path": f"data.{key}"}]
    found = _http(tenant).get("item", params={"query": json.dumps({f"data.{key}": 7})})
    assert [item["data"] for item in found.json()["data"]] == [{key: 7}]
    ranged = {f"data.{key}": {"$gte": 30}}
    found = _http(tenant).get("item", params={"query": json.dumps(ranged), "limit": 3})
    assert [item["data"][key] for item in found.json()["data"]] == [30, 31, 32]
