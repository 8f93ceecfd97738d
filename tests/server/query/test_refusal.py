"""Refusals happen while parsing: before any SQL is built or run."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import column
from sqlalchemy.sql.elements import ColumnClause

from qalx_server.store.query import (
    QueryError,
    UnsupportedOperator,
    canonical,
    compile_filter,
    from_python,
    to_python,
)

DOC: ColumnClause[Any] = column("doc")

UNSUPPORTED: list[tuple[dict[str, Any], str]] = [
    ({"$where": "this.a == 1"}, "$where"),
    ({"$expr": {"$eq": ["$a", 1]}}, "$expr"),
    (
        {"a": {"$function": {"body": "function() {return true}", "args": [], "lang": "js"}}},
        "$function",
    ),
    ({"a": {"$eq": {"$accumulator": {}}}}, "$accumulator"),
    ({"$or": [{"b": 1}, {"$where": "1"}]}, "$where"),
    ({"a": {"$elemMatch": {"$where": "1"}}}, "$where"),
    ({"a": {"$code": "x"}}, "$code"),
    ({"$text": {"$search": "x"}}, "$text"),
    ({"$jsonSchema": {}}, "$jsonSchema"),
    ({"a": {"$mod": [2, 0]}}, "$mod"),
    ({"a": {"$near": [0, 0]}}, "$near"),
    ({"a": {"$bitsAllSet": 1}}, "$bitsAllSet"),
    ({"a": {"$foo": 1}}, "$foo"),
    ({"$foo": 1}, "$foo"),
    ({"a": {"$in": [{"$regex": "x"}]}}, "$in"),
]

MALFORMED: list[dict[str, Any]] = [
    {"a": {"$in": 1}},
    {"a": {"$nin": "x"}},
    {"a": {"$size": "2"}},
    {"a": {"$size": 1.5}},
    {"a": {"$size": -1}},
    {"a": {"$all": 3}},
    {"a": {"$regex": 3}},
    {"a": {"$regex": "(unclosed"}},
    {"a": {"$regex": "x", "$options": "q"}},
    {"a": {"$options": "i"}},
    {"a": {"$type": "nonsense"}},
    {"a": {"$type": []}},
    {"a": {"$elemMatch": 3}},
    {"a": {"$not": 3}},
    {"a": {"$gt": [1]}},
    {"a": {"$gt": {"x": 1}}},
    {"$and": []},
    {"$or": {}},
    {"a": {"$eq": 1, "b": 2}},
    {"a..b": 1},
    {"a.$b": 1},
    {"": 1},
    {"a": {"$uuid": "not-a-uuid"}},
    {"a": {"$date": "yesterday"}},
    {"a": {"$date": {"$numberLong": "x"}}},
    {"a": {"$numberDouble": "not a number"}},
]


@pytest.mark.parametrize(("filt", "op"), UNSUPPORTED, ids=[u[1] for u in UNSUPPORTED])
@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_unsupported(filt: dict[str, Any], op: str, dialect: str) -> None:
    with pytest.raises(UnsupportedOperator) as info:
        compile_filter(filt, DOC, dialect)
    assert op in str(info.value)
    assert info.value.operator.startswith(op)
    assert isinstance(info.value, QueryError)


@pytest.mark.parametrize("filt", MALFORMED, ids=[str(m) for m in MALFORMED])
def test_malformed(filt: dict[str, Any]) -> None:
    with pytest.raises(QueryError):
        compile_filter(filt, DOC, "sqlite")


def test_not_a_dict() -> None:
    with pytest.raises(QueryError):
        compile_filter([1], DOC, "sqlite")  # type: ignore[arg-type]
    with pytest.raises(QueryError):
        compile_filter({"a": 1}, DOC, "oracle")


def test_codecs_round_trip() -> None:
    u = uuid.uuid4()
    when = dt.datetime(2021, 5, 6, 7, 8, 9, 123000, tzinfo=dt.UTC)
    value = {"g": u, "d": when, "b": b"\x00\x01", "l": [u, {"x": when}], "n": None}
    enc = from_python(value)
    assert enc["g"] == {"$uuid": u.hex}
    assert enc["d"] == {"$date": 1620284889123, "$zone": "UTC", "$offset": None}
    assert enc["b"] == {"$binary": "AAE=", "$type": "00"}
    assert to_python(enc) == value
    naive = from_python(dt.datetime(1970, 1, 1, 0, 0, 1))
    assert naive == {"$date": 1000, "$zone": None, "$offset": None}
    plus1 = from_python(dt.datetime(1970, 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    assert plus1 == {"$date": 0, "$zone": None, "$offset": {"total_seconds": 3600.0}}


def test_canonical_operands() -> None:
    h = "0123456789abcdef0123456789abcdef"
    assert canonical({"$uuid": "01234567-89AB-CDEF-0123-456789ABCDEF"}) == {"$uuid": h}
    assert canonical({"$date": {"$numberLong": "5"}}) == {
        "$date": 5,
        "$zone": None,
        "$offset": None,
    }
    assert canonical({"$date": "1970-01-01T00:00:01Z", "$zone": "UTC"})["$date"] == 1000
    assert canonical({"$binary": "ASNFZ4mrze8BI0VniavN7w==", "$type": "04"}) == {"$uuid": h}
    assert canonical({"x": [{"$numberLong": "7"}]}) == {"x": [7]}
    assert canonical({"x": [float("nan"), float("inf"), -float("inf"), 1.5]}) == {
        "x": [
            {"$numberDouble": "NaN"},
            {"$numberDouble": "Infinity"},
            {"$numberDouble": "-Infinity"},
            1.5,
        ]
    }
    assert canonical({"$numberDouble": "-Infinity"}) == {"$numberDouble": "-Infinity"}
    assert canonical({"$numberDouble": "2.5"}) == 2.5
    nan = to_python(canonical(float("nan")))
    assert nan != nan
    assert from_python([float("inf")]) == [{"$numberDouble": "Infinity"}]
