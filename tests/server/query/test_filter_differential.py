"""Differential tests: SQL (both dialects) vs the Python matcher vs mongomock."""

from __future__ import annotations

from typing import Any

import mongomock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qalx_server.store.query import from_python, matches, to_python
from tests.server.query.query_strategies import (
    filters,
    oracle_docs,
    path_pools,
    single_filters,
    wide_docs,
)
from tests.server.query.query_support import DocTable

SETTINGS = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def mongomock_ids(docs: list[Any], filt: dict[str, Any]) -> list[int]:
    coll = mongomock.MongoClient().db.docs
    if docs:
        coll.insert_many([{"_id": i, **to_python(d)} for i, d in enumerate(docs)])
    return sorted(d["_id"] for d in coll.find(to_python(filt), {"_id": 1}))


@SETTINGS
@given(raw=st.lists(oracle_docs, min_size=4, max_size=12), data=st.data())
def test_filters_match_mongomock(doc_table: DocTable, raw: list[Any], data: st.DataObject) -> None:
    docs = from_python(raw)
    filt = data.draw(filters(wide=False, pools=path_pools(docs)), label="filter")
    expected = mongomock_ids(docs, filt)
    python = [i for i, d in enumerate(docs) if matches(filt, d)]
    assert python == expected, "python matcher vs mongomock"
    doc_table.load(docs)
    assert doc_table.ids(filt) == expected, f"{doc_table.dialect} vs mongomock"


@SETTINGS
@given(raw=st.lists(wide_docs, min_size=4, max_size=12), data=st.data())
def test_sql_agrees_with_python_matcher(
    doc_table: DocTable, raw: list[Any], data: st.DataObject
) -> None:
    docs = from_python(raw)
    filt = data.draw(filters(wide=True, pools=path_pools(docs)), label="filter")
    expected = [i for i, d in enumerate(docs) if matches(filt, d)]
    doc_table.load(docs)
    assert doc_table.ids(filt) == expected


@SETTINGS
@given(raw=st.lists(oracle_docs, min_size=4, max_size=12), data=st.data())
def test_single_operators_match_mongomock(
    doc_table: DocTable, raw: list[Any], data: st.DataObject
) -> None:
    docs = from_python(raw)
    filt = data.draw(single_filters(wide=False, pools=path_pools(docs)), label="filter")
    expected = mongomock_ids(docs, filt)
    assert [i for i, d in enumerate(docs) if matches(filt, d)] == expected, "python vs mongomock"
    doc_table.load(docs)
    assert doc_table.ids(filt) == expected, f"{doc_table.dialect} vs mongomock"
