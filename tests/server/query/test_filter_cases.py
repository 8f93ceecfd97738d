"""Hand-written MongoDB semantics, including cases where mongomock is wrong.

Expected ids come from MongoDB's documented behaviour; each case runs on both
SQL dialects and on the Python matcher.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from qalx_server.entities.querying import rewrite_path
from qalx_server.store.query import from_python, matches
from qalx_server.store.query.compiler import compile_filter
from tests.server.query.query_support import DocTable

D1 = {"$date": 1000, "$zone": "UTC", "$offset": None}
D2 = {"$date": 2000, "$zone": None, "$offset": {"total_seconds": 3600.0}}
U1 = {"$uuid": "0123456789abcdef0123456789abcdef"}
DOCS: list[dict[str, Any]] = [
    {"a": 5, "s": "abc", "o": {"x": 1}},  # 0
    {"a": [1, 5, 9], "o": [{"x": 3}, {"y": 2}]},  # 1
    {"a": "5", "o": 7},  # 2: o is a scalar
    {"a": None, "g": U1, "d": D1},  # 3
    {"a": [[5], 2], "o": [[{"x": 1}]], "d": D2},  # 4: nested arrays
    {"b": True, "a": [], "o": []},  # 5
    {"a": 5.0, "s": "ABD", "meta": {"k": "v"}, "info": {"created": {"on": D2}}},  # 6
    {"a": {"x": 1, "y": 2}, "s": "a\nb"},  # 7
    {"a": 2**40, "b": False, "o": {"x": None}},  # 8
]

CASES: list[tuple[dict[str, Any], list[int]]] = [
    ({"a": 5}, [0, 1, 6]),  # array contains; 5 == 5.0; not "5"; not [[5]]
    ({"a": [5]}, [4]),  # array equality, also as an element
    ({"a": [1, 5, 9]}, [1]),
    ({"a": {"y": 2, "x": 1}}, [7]),  # object equality (key order ignored: JSONB)
    ({"a": {"$gt": 4}}, [0, 1, 6, 8]),  # type bracketing: no "5", no arrays-of-arrays
    ({"a": {"$gt": "4"}}, [2]),
    ({"a": {"$lt": 2**41, "$gt": 2**39}}, [8]),
    ({"s": {"$gt": "ab"}}, [0]),  # binary string order: "ABD" < "ab" < "abc"
    ({"a": {"$gt": None}}, []),
    ({"o.x": 1}, [0]),  # not through nested arrays
    ({"o.0.x": 3}, [1]),
    ({"a.1": 5}, [1]),
    ({"a.0": [5]}, [4]),
    ({"a": {"$size": 0}}, [5]),
    ({"a": {"$all": []}}, []),
    ({"a": {"$all": [1, 9]}}, [1]),
    ({"a": {"$all": [5]}}, [0, 1, 6]),
    ({"a": {"$elemMatch": {"$gt": 4, "$lt": 6}}}, [1]),
    ({"a": {"$gt": 4, "$lt": 2}}, [1]),  # different elements may satisfy each
    ({"o": {"$elemMatch": {"y": {"$exists": True}}}}, [1]),
    ({"a": {"$type": "array"}}, [1, 4, 5]),
    ({"a": {"$type": ["string", "object"]}}, [2, 7]),
    ({"a": {"$type": "double"}}, [6]),
    ({"a": {"$type": "long"}}, [8]),
    ({"a": {"$type": 16}}, [0, 1, 4]),
    ({"a": {"$type": "null"}}, [3]),
    ({"g": {"$type": "binData"}}, [3]),
    ({"d": {"$type": "date"}}, [3, 4]),
    ({"a": {"$ne": 5}}, [2, 3, 4, 5, 7, 8, 9]),
    ({"a": {"$nin": [5, None]}}, [2, 4, 5, 7, 8]),
    ({"a": {"$in": [[5], "5"]}}, [2, 4]),
    ({"s": {"$regex": "^a"}}, [0, 7]),
    ({"s": {"$regex": "^AB", "$options": "i"}}, [0, 6]),
    ({"s": {"$regex": "^b", "$options": "m"}}, [7]),
    ({"s": {"$regex": "a.b"}}, []),
    ({"s": {"$regex": "a.b", "$options": "s"}}, [7]),
    ({"s": {"$not": {"$regex": "^a"}}}, [1, 2, 3, 4, 5, 6, 8, 9]),
    ({"g": {"$uuid": "01234567-89ab-cdef-0123-456789abcdef"}}, [3]),
    ({"g": {"$binary": "ASNFZ4mrze8BI0VniavN7w==", "$type": "04"}}, [3]),
    ({"d": {"$date": 1000}}, [3]),
    ({"d": {"$date": {"$numberLong": "2000"}, "$zone": "Europe/London"}}, [4]),
    ({"d": {"$gt": {"$date": "1970-01-01T00:00:01.500Z"}}}, [4]),
    ({"d": {"$lt": 5}}, []),  # dates never compare with numbers
    ({"$or": [{"b": True}, {"a": "5"}]}, [2, 5]),
    ({"$nor": [{"a": {"$exists": True}}]}, [9]),
    ({"$and": [{"a": {"$exists": True}}, {"a": {"$ne": None}}]}, [0, 1, 2, 4, 5, 6, 7, 8]),
    ({"b": {"$in": [True]}}, [5]),
    ({"b": 1}, []),  # booleans are not numbers
    ({"info.created.on": {"$gte": D2}}, [6]),
]
# A 10th document (index 9) that lacks "a": completes the null/missing cases.
DOCS.append({"z": 1})
NULL_CASES: list[tuple[dict[str, Any], list[int]]] = [
    ({"a": None}, [3, 9]),  # null or missing; not [] (empty array)
    ({"a": {"$gte": None}}, [3, 9]),
    ({"a": {"$lte": None}}, [3, 9]),
    # "o.x": missing in {y: 2}; through scalar o=7 ("missing"); o.x null; o absent.
    # o=[] and o=[[...]] yield nothing.
    ({"o.x": None}, [1, 2, 3, 6, 7, 8, 9]),
    ({"o.x": {"$exists": False}}, [2, 3, 4, 5, 6, 7, 9]),
    ({"o.x": {"$exists": True}}, [0, 1, 8]),
    # each operator on its own over o's elements: {y: 2} is null, {x: 3} exists (mongomock: [8])
    ({"o.x": {"$eq": None, "$exists": True}}, [1, 8]),
    ({"a": {"$size": 2}}, [4]),  # objects never match $size
]
CASES += NULL_CASES


@pytest.fixture(scope="module")
def loaded(doc_table: DocTable) -> DocTable:
    doc_table.load(DOCS)
    return doc_table


@pytest.mark.parametrize(("filt", "expected"), CASES, ids=[str(c[0]) for c in CASES])
def test_case(loaded: DocTable, filt: dict[str, Any], expected: list[int]) -> None:
    assert [i for i, d in enumerate(DOCS) if matches(filt, d)] == sorted(expected), "python"
    loaded.load(DOCS)
    assert loaded.ids(filt) == sorted(expected), loaded.dialect


def test_rewrite_path(doc_table: DocTable) -> None:
    doc_table.load(DOCS)
    for filt in ({"metadata.data.k": "v"}, {"meta.k": "v"}, {"created": {"$gt": D1}}):
        expr = compile_filter(filt, doc_table.doc, doc_table.dialect, rewrite_path)
        rows = doc_table.run(select(doc_table.table.c.id).where(expr))
        assert [r[0] for r in rows] == [6], filt
        assert matches(filt, DOCS[6], rewrite_path)


def test_values_are_bound_not_interpolated(doc_table: DocTable) -> None:
    nasty = "x'); DROP TABLE qdocs; --\"$"
    doc_table.load([{"s": nasty}, {"s": "y"}])
    assert doc_table.ids({"s": nasty}) == [0]
    assert doc_table.ids({"s": {"$gt": nasty}}) == [1]
    assert doc_table.ids({"s": {"$regex": "DROP"}}) == [0]
    assert doc_table.ids({"s": {"$in": [nasty]}}) == [0]


def test_odd_keys(doc_table: DocTable) -> None:
    docs = from_python([{"we ird\"k'ey": {"x.y": 1, "$n": 2}}, {"we ird\"k'ey": {"z": 1}}])
    doc_table.load(docs)
    assert doc_table.ids({"we ird\"k'ey.z": 1}) == [1]


NAN, INF = float("nan"), float("inf")
NUMBERS = from_python([{"x": NAN}, {"x": INF}, {"x": -INF}, {"x": 1}, {"x": [NAN, 2]}, {"x": "a"}])
NONFINITE_CASES: list[tuple[dict[str, Any], list[int]]] = [
    ({"x": NAN}, [0, 4]),  # MongoDB: NaN equals NaN (mongomock says otherwise)
    ({"x": {"$ne": NAN}}, [1, 2, 3, 5]),
    ({"x": {"$in": [NAN, 1]}}, [0, 3, 4]),
    ({"x": INF}, [1]),
    ({"x": {"$gt": 0}}, [1, 3, 4]),  # NaN is in no range; Infinity tops every one
    ({"x": {"$lt": 0}}, [2]),
    ({"x": {"$lte": 1}}, [2, 3]),
    ({"x": {"$gte": NAN}}, [0, 4]),  # only NaN, as MongoDB's matcher has it
    ({"x": {"$lte": NAN}}, [0, 4]),
    ({"x": {"$gt": NAN}}, []),
    ({"x": {"$lt": NAN}}, []),
    ({"x": {"$gt": INF}}, []),
    ({"x": {"$gte": INF}}, [1]),
    ({"x": {"$lt": INF}}, [2, 3, 4]),
    ({"x": {"$lte": INF}}, [1, 2, 3, 4]),
    ({"x": {"$gt": -INF}}, [1, 3, 4]),
    ({"x": {"$gte": -INF}}, [1, 2, 3, 4]),
    ({"x": {"$lt": -INF}}, []),
    ({"x": {"$type": "double"}}, [0, 1, 2, 4]),
    ({"x": {"$type": "number"}}, [0, 1, 2, 3, 4]),
    ({"x": {"$type": "int"}}, [3, 4]),
    ({"x": {"$type": "object"}}, []),  # the stored wrapper is a number, not an object
    ({"x": {"$elemMatch": {"$gte": NAN}}}, [4]),
    ({"x": {"$not": {"$gt": 0}}}, [0, 2, 5]),
    ({"x": {"$numberDouble": "Infinity"}}, [1]),  # Extended JSON v2 spelling
]


@pytest.mark.parametrize(
    ("filt", "expected"), NONFINITE_CASES, ids=[str(c[0]) for c in NONFINITE_CASES]
)
def test_nonfinite_numbers(doc_table: DocTable, filt: dict[str, Any], expected: list[int]) -> None:
    assert [i for i, d in enumerate(NUMBERS) if matches(filt, d)] == expected, "python"
    doc_table.load(NUMBERS)
    assert doc_table.ids(filt) == expected, doc_table.dialect
