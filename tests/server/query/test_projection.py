"""Projection vs mongomock's inclusion projection (guid always kept)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import mongomock
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qalx_server.entities.querying import rewrite_path
from qalx_server.store.query import QueryError, from_python, to_python
from qalx_server.store.query.projection import compile_projection
from tests.server.query.query_strategies import inner_obj, leaf_obj, scalars

# Paths go through objects, arrays of objects and arrays mixing scalars and
# objects.  Not generated: arrays nested in arrays (kept as nested projections
# here; checked by hand below) and prefix collisions like ["o", "o.x"] (MongoDB
# 4.4+ rejects them; we keep the parent).
proj_docs = st.fixed_dictionaries(
    {"guid": st.uuids().map(lambda u: u)},
    optional={
        "a": st.one_of(scalars, st.lists(scalars, max_size=3)),
        "o": st.one_of(inner_obj, st.lists(inner_obj, max_size=3)),
        "p": leaf_obj,
    },
)
FIELDS = ["a", "o", "p", "o.x", "o.z", "o.z.x", "p.x", "o.y", "q"]


def _naive(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _naive(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_naive(x) for x in v]
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=None)
    return v


def _no_collisions(fields: list[str]) -> bool:
    return not any(f != g and g.startswith(f + ".") for f in fields for g in fields)


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    raw=proj_docs,
    fields=st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3, unique=True).filter(
        _no_collisions
    ),
)
def test_projection_matches_mongomock(raw: dict[str, Any], fields: list[str]) -> None:
    doc = from_python(raw)
    coll = mongomock.MongoClient().db.docs
    coll.insert_one({"_id": 1, **to_python(doc)})
    spec = {f: 1 for f in fields} | {"guid": 1, "_id": 0}
    expected = coll.find_one({}, spec)  # mongomock hands datetimes back naive (UTC)
    project = compile_projection(fields)
    assert project is not None
    # compared in stored form, where NaN is a wrapper equal to itself
    assert from_python(_naive(to_python(project(doc)))) == from_python(expected)


def test_projection_examples() -> None:
    doc = {
        "guid": {"$uuid": "ab" * 16},
        "data": {"time_to_go": 3, "other": 1},
        "meta": {"case_name": "c", "x": 2},
        "a": [{"b": 1, "c": 2}, 5, {"c": 3}, [{"b": 4}]],
        "d": {"$date": 1, "$zone": "UTC", "$offset": None},
    }
    project = compile_projection(["data.time_to_go", "metadata.data.case_name"], rewrite_path)
    assert project is not None
    assert project(doc) == {
        "guid": doc["guid"],
        "data": {"time_to_go": 3},
        "meta": {"case_name": "c"},
    }
    project = compile_projection(["a.b", "d", "d.x"])
    assert project is not None
    assert project(doc) == {
        "guid": doc["guid"],
        "a": [{"b": 1}, {}, [{"b": 4}]],
        "d": doc["d"],
    }
    assert compile_projection(None) is None
    assert compile_projection([]) is None
    project = compile_projection("a,b")  # one comma-separated text, as the API's `fields`
    assert project is not None
    assert project({"guid": 1, "a": 1, "b": {"x": 2}, "c": 3}) == {"guid": 1, "a": 1, "b": {"x": 2}}


@pytest.mark.parametrize("bad", [["a..b"], ["$a"], [3], ["a.$"]])
def test_projection_refuses(bad: Any) -> None:
    with pytest.raises(QueryError):
        compile_projection(bad)
