"""Sort order: SQL ORDER BY vs mongomock vs the Python sort, on both dialects."""

from __future__ import annotations

from typing import Any

import mongomock
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from qalx_server.entities.querying import rewrite_path
from qalx_server.store.query import QueryError, from_python, to_python
from qalx_server.store.query.sort import compile_sort, parse_sort, python_sort
from tests.server.query.query_strategies import scalars
from tests.server.query.query_support import DocTable

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Sort values: scalars of every type, missing, and nested fields.  Arrays are
# excluded from the mongomock comparison (mongomock sorts an array by its first
# element; MongoDB by its min/max element, and our SQL sort treats an array as
# one value: documented gap); objects too (JSONB does not keep key order, so
# object-vs-object order is only approximate).
sort_docs = st.fixed_dictionaries(
    {},
    optional={"s": scalars, "t": scalars, "n": st.fixed_dictionaries({}, optional={"v": scalars})},
)
KEYS = ["s", "-s", "t", "-t", "n__v", "-n__v"]


def sql_order(table: DocTable, keys: list[str]) -> list[int]:
    order = compile_sort(keys, table.doc, table.dialect, tiebreak=[table.table.c.id])
    return [r[0] for r in table.run(select(table.table.c.id).order_by(*order))]


def mongomock_order(docs: list[Any], keys: list[str]) -> list[int]:
    coll = mongomock.MongoClient().db.docs
    coll.insert_many([{"_id": i, **to_python(d)} for i, d in enumerate(docs)])
    spec = [(k.lstrip("-").replace("__", "."), -1 if k.startswith("-") else 1) for k in keys]
    return [d["_id"] for d in coll.find({}, {"_id": 1}).sort([*spec, ("_id", 1)])]


@SETTINGS
@given(
    raw=st.lists(sort_docs, min_size=2, max_size=12),
    keys=st.lists(st.sampled_from(KEYS), min_size=1, max_size=2),
)
def test_sort_matches_mongomock(doc_table: DocTable, raw: list[Any], keys: list[str]) -> None:
    docs = from_python(raw)
    expected = mongomock_order(docs, keys)
    with_ids = [{**d, "_i": i} for i, d in enumerate(docs)]
    python = [d["_i"] for d in python_sort(with_ids, parse_sort(keys))]
    assert python == expected, "python sort vs mongomock"
    doc_table.load(docs)
    assert sql_order(doc_table, keys) == expected, doc_table.dialect


def test_type_order_including_objects_and_arrays(doc_table: DocTable) -> None:
    docs = [
        {"s": True},
        {"s": {"$date": 5, "$zone": "UTC", "$offset": None}},
        {"s": [1]},
        {"s": {"x": 1}},
        {"s": "b"},
        {"s": 2.5},
        {"s": None},
        {},
        {"s": {"$uuid": "00" * 16}},
        {"s": -7},
        {"s": "B"},
        {"s": False},
    ]
    doc_table.load(docs)
    # null/missing < numbers < strings < objects < arrays < binData < bool < date
    expected = [6, 7, 9, 5, 10, 4, 3, 2, 8, 11, 0, 1]
    assert sql_order(doc_table, ["s"]) == expected
    assert sql_order(doc_table, ["-s"]) == [1, 0, 11, 8, 2, 3, 4, 10, 5, 9, 6, 7]


def test_qalx_keys_and_rewrite(doc_table: DocTable) -> None:
    docs = [
        {"meta": {"owner": {"name": "b"}}, "info": {"created": {"on": {"$date": 3}}}},
        {"meta": {"owner": {"name": "a"}}, "info": {"created": {"on": {"$date": 2}}}},
        {"meta": {"owner": {"name": "b"}}, "info": {"created": {"on": {"$date": 1}}}},
    ]
    doc_table.load(docs)
    order = compile_sort(
        ["meta__owner__name", "-created"],
        doc_table.doc,
        doc_table.dialect,
        rewrite_path,
        tiebreak=[doc_table.table.c.id],
    )
    rows = doc_table.run(select(doc_table.table.c.id).order_by(*order))
    assert [r[0] for r in rows] == [1, 0, 2]


def test_parse_sort() -> None:
    assert [(k.path, k.descending) for k in parse_sort("data__thickness")] == [
        (("data", "thickness"), False)
    ]
    assert [(k.path, k.descending) for k in parse_sort(["-a", "+b.c"])] == [
        (("a",), True),
        (("b", "c"), False),
    ]
    for bad in ["-", "", "a.$b", ["a", 3]]:
        with pytest.raises(QueryError):
            parse_sort(bad)  # type: ignore[arg-type]


def test_nonfinite_numbers_sort_as_mongodb_orders_them(doc_table: DocTable) -> None:
    nan, inf = float("nan"), float("inf")
    docs = from_python([{"s": 1}, {"s": inf}, {"s": nan}, {"s": -inf}, {"s": "a"}, {}, {"s": -5}])
    doc_table.load(docs)
    # missing < NaN < -Infinity < numbers < Infinity < strings; descending is the reverse
    assert sql_order(doc_table, ["s"]) == [5, 2, 3, 6, 0, 1, 4]
    assert sql_order(doc_table, ["-s"]) == [4, 1, 0, 6, 3, 2, 5]
    with_ids = [{**d, "_i": i} for i, d in enumerate(docs)]
    assert [d["_i"] for d in python_sort(with_ids, parse_sort(["s"]))] == [5, 2, 3, 6, 0, 1, 4]
    assert [d["_i"] for d in python_sort(with_ids, parse_sort(["-s"]))] == [4, 1, 0, 6, 3, 2, 5]
