"""Differential tests: SQL (both dialects) vs the Python matcher vs mongomock.

Each runs at two depths (``DEPTHS``): ``QALX_TEST_QUERY_EXAMPLES`` examples (150 unless
set) in ``make test``, 400 in the slow gate.
"""

from __future__ import annotations

from typing import Any

import mongomock
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qalx_server.store.query import from_python, matches, to_python
from tests.server.query.query_strategies import (
    filters,
    oracle_docs,
    path_pools,
    single_filters,
    wide_docs,
)
from tests.server.query.query_support import DEPTHS, DocTable, differential, mongomock_misreads


def checked_against_mongomock(docs: list[Any], filt: dict[str, Any]) -> list[int]:
    """The ids the Python matcher matches, after comparing them with mongomock's.

    Documents on which mongomock is known to be wrong (``mongomock_misreads``) are left
    out of that comparison; the ids returned still cover every document.
    """
    python = [i for i, d in enumerate(docs) if matches(filt, d)]
    trusted = [i for i, d in enumerate(docs) if not mongomock_misreads(filt, d)]
    coll = mongomock.MongoClient().db.docs
    if trusted:
        coll.insert_many([{"_id": i, **to_python(docs[i])} for i in trusted])
    expected = sorted(d["_id"] for d in coll.find(to_python(filt), {"_id": 1}))
    assert [i for i in python if i in trusted] == expected, "python matcher vs mongomock"
    return python


@pytest.mark.parametrize("examples", DEPTHS)
def test_filters_match_mongomock(doc_table: DocTable, examples: int) -> None:
    @differential(examples)
    @given(raw=st.lists(oracle_docs, min_size=4, max_size=12), data=st.data())
    def check(raw: list[Any], data: st.DataObject) -> None:
        docs = from_python(raw)
        filt = data.draw(filters(wide=False, pools=path_pools(docs)), label="filter")
        python = checked_against_mongomock(docs, filt)
        doc_table.load(docs)
        assert doc_table.ids(filt) == python, f"{doc_table.dialect} vs python matcher"
        assert doc_table.ids_through_indexes(filt) == python, "through declared indexes"

    check()


@pytest.mark.parametrize("examples", DEPTHS)
def test_sql_agrees_with_python_matcher(doc_table: DocTable, examples: int) -> None:
    @differential(examples)
    @given(raw=st.lists(wide_docs, min_size=4, max_size=12), data=st.data())
    def check(raw: list[Any], data: st.DataObject) -> None:
        docs = from_python(raw)
        filt = data.draw(filters(wide=True, pools=path_pools(docs)), label="filter")
        expected = [i for i, d in enumerate(docs) if matches(filt, d)]
        doc_table.load(docs)
        assert doc_table.ids(filt) == expected
        assert doc_table.ids_through_indexes(filt) == expected, "through declared indexes"

    check()


@pytest.mark.parametrize("examples", DEPTHS)
def test_single_operators_match_mongomock(doc_table: DocTable, examples: int) -> None:
    @differential(examples)
    @given(raw=st.lists(oracle_docs, min_size=4, max_size=12), data=st.data())
    def check(raw: list[Any], data: st.DataObject) -> None:
        docs = from_python(raw)
        filt = data.draw(single_filters(wide=False, pools=path_pools(docs)), label="filter")
        python = checked_against_mongomock(docs, filt)
        doc_table.load(docs)
        assert doc_table.ids(filt) == python, f"{doc_table.dialect} vs python matcher"
        assert doc_table.ids_through_indexes(filt) == python, "through declared indexes"

    check()
