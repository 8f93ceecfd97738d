"""Aggregation: Python stages vs mongomock, and SQL-pushed $match on both dialects."""

from __future__ import annotations

import importlib
from typing import Any

import mongomock
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from qalx_server.store.query import QueryError, UnsupportedOperator, from_python, to_python
from qalx_server.store.query.aggregate import aggregate, parse_pipeline
from qalx_server.store.query.canon import canon_text
from tests.server.query.query_strategies import INTS, STRINGS
from tests.server.query.query_support import DocTable

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Values: numbers and strings (+ null/missing).  Not generated: booleans next
# to 0/1 (mongomock's Python equality); the $count accumulator (mongomock
# lacks it; checked by hand below); $group over no input (mongomock emits one
# {_id: null} group and $count emits {n: 0}; MongoDB emits nothing for both;
# skipped with assume()); $first/$last of a possibly missing field (mongomock
# skips missing values, MongoDB returns null: checked by hand below).
vals = st.one_of(st.sampled_from(INTS[:4]), st.sampled_from([2.5, -0.5]), st.none())
agg_docs = st.fixed_dictionaries(
    {},
    optional={
        "g": st.sampled_from(["a", "b", None, 3]),
        "v": vals,
        "s": st.sampled_from(STRINGS[:4]),
        "arr": st.one_of(st.lists(vals, max_size=3), vals),
        "o": st.fixed_dictionaries({}, optional={"k": st.sampled_from(["x", "y"])}),
    },
)

group_id = st.sampled_from([None, "$g", {"k": "$g", "o": "$o.k"}, "$o.k"])
accumulators = st.dictionaries(
    st.sampled_from(["t", "avg", "mn", "mx", "n", "items", "f", "l", "one"]),
    st.sampled_from(
        [
            {"$sum": "$v"},
            {"$avg": "$v"},
            {"$min": "$v"},
            {"$max": "$s"},
            {"$push": "$v"},
            {"$first": "$_id"},
            {"$last": "$_id"},
            {"$sum": 1},
        ]
    ),
    max_size=4,
)
match_stage: st.SearchStrategy[dict[str, Any]] = st.sampled_from(
    [
        {"$match": {"v": {"$gt": 0}}},
        {"$match": {"g": {"$in": ["a", None]}}},
        {"$match": {"$or": [{"s": "a"}, {"v": None}]}},
        {"$match": {"arr": {"$exists": True}}},
    ]
)
unwind_stage: st.SearchStrategy[dict[str, Any]] = st.sampled_from(
    [
        {"$unwind": "$arr"},
        {"$unwind": {"path": "$arr", "preserveNullAndEmptyArrays": True}},
        {"$unwind": {"path": "$arr", "includeArrayIndex": "i"}},
        # Not with both options: mongomock omits the index field on preserved
        # documents, MongoDB sets it to null (checked by hand below).
    ]
)
middle_stage: st.SearchStrategy[dict[str, Any]] = st.one_of(
    match_stage,
    st.sampled_from([{"$sort": {"v": 1, "_id": 1}}, {"$sort": {"s": -1, "_id": 1}}]),
    st.builds(lambda n: {"$skip": n}, st.integers(0, 3)),
    st.builds(lambda n: {"$limit": n}, st.integers(1, 4)),
    st.sampled_from([{"$project": {"g": 1, "v": 1}}, {"$project": {"arr": 0, "o": 0}}]),
    st.sampled_from(
        [
            {"$addFields": {"w": "$v", "o.z": 1, "c": "const"}},
            {"$set": {"w": "$o.k", "v": "$g"}},
        ]
    ),
)
final_stage: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.builds(lambda i, a: {"$group": {"_id": i, **a}}, group_id, accumulators),
    st.just({"$count": "total"}),
    st.just({"$project": {"_id": 1, "vv": "$v", "k": "$o.k"}}),
    st.just(
        {
            "$facet": {
                "first": [{"$sort": {"_id": 1}}, {"$limit": 2}, {"$project": {"v": 1}}],
                "big": [{"$match": {"v": {"$gt": 0}}}, {"$sort": {"_id": -1}}, {"$set": {"x": 1}}],
            }
        }
    ),
)


@st.composite
def pipelines(draw: st.DrawFn) -> list[dict[str, Any]]:
    stages: list[dict[str, Any]] = draw(st.lists(match_stage, max_size=2))
    if draw(st.booleans()):
        stages.append(draw(unwind_stage))
    stages += draw(st.lists(middle_stage, max_size=2))
    if draw(st.booleans()):
        stages.append(draw(final_stage))
    return stages


def _canon_rows(rows: list[Any]) -> list[str]:
    return sorted(canon_text(from_python(r)) for r in rows)


@SETTINGS
@given(raw=st.lists(agg_docs, min_size=1, max_size=10), pipeline=pipelines())
def test_pipeline_matches_mongomock(raw: list[dict[str, Any]], pipeline: list[Any]) -> None:
    docs = [{"_id": i, **from_python(d)} for i, d in enumerate(raw)]
    coll = mongomock.MongoClient().db.docs
    coll.insert_many([to_python(d) for d in docs])
    if pipeline and ("$group" in pipeline[-1] or "$count" in pipeline[-1]):
        assume(aggregate(pipeline[:-1], docs) != [])
    expected = list(coll.aggregate(pipeline))
    assert _canon_rows(aggregate(pipeline, docs)) == _canon_rows(expected)


@SETTINGS
@given(raw=st.lists(agg_docs, min_size=1, max_size=10), pipeline=pipelines())
def test_pushed_down_match_same_as_python(
    doc_table: DocTable, raw: list[dict[str, Any]], pipeline: list[Any]
) -> None:
    docs = [{"_id": i, **from_python(d)} for i, d in enumerate(raw)]
    parsed = parse_pipeline(pipeline)
    doc_table.load(docs)
    stmt = select(doc_table.doc).order_by(doc_table.table.c.id)
    where = parsed.where(doc_table.doc, doc_table.dialect)
    if where is not None:
        stmt = stmt.where(where)
    fetched = [r[0] for r in doc_table.run(stmt)]
    assert parsed.run(fetched) == aggregate(pipeline, docs)


def test_pipeline_examples() -> None:
    docs = [
        {"guid": 1, "data": {"w": 2}, "meta": {"c": "x"}, "tags": [{"name": "t", "value": 1}]},
        {"guid": 2, "data": {"w": 3}, "meta": {"c": "x"}, "tags": []},
        {"guid": 3, "data": {"w": 5}, "meta": {"c": "y"}},
    ]
    out = aggregate(
        [
            {"$match": {"data.w": {"$gte": 2}}},
            {"$group": {"_id": "$meta.c", "total": {"$sum": "$data.w"}, "n": {"$count": {}}}},
            {"$sort": {"_id": 1}},
        ],
        docs,
    )
    assert out == [{"_id": "x", "total": 5, "n": 2}, {"_id": "y", "total": 5, "n": 1}]
    out = aggregate(
        [{"$group": {"_id": None, "f": {"$first": "$tags"}, "l": {"$last": "$tags"}}}], docs
    )
    assert out == [{"_id": None, "f": docs[0]["tags"], "l": None}]
    out = aggregate(
        [{"$unwind": {"path": "$tags", "preserveNullAndEmptyArrays": True}}, {"$count": "n"}],
        docs,
    )
    assert out == [{"n": 3}]
    assert aggregate('[{"$match": {"guid": 9}}, {"$count": "n"}]', docs) == []
    unwound = aggregate(
        [
            {
                "$unwind": {
                    "path": "$tags",
                    "includeArrayIndex": "i",
                    "preserveNullAndEmptyArrays": True,
                }
            },
            {"$project": {"guid": 1, "i": 1, "tags.name": 1}},
        ],
        docs,
    )
    assert unwound == [
        {"guid": 1, "tags": {"name": "t"}, "i": 0},
        {"guid": 2, "i": None},
        {"guid": 3, "i": None},
    ]
    assert aggregate([{"$skip": 1}, {"$limit": 1}, {"$project": {"guid": 1}}], docs) == [
        {"guid": 2}
    ]


@pytest.mark.parametrize(
    "pipeline",
    [
        [{"$lookup": {"from": "x"}}],
        [{"$match": {"a": 1}}, {"$out": "x"}],
        [{"$group": {"_id": None, "x": {"$accumulator": {"init": "function() {}"}}}}],
        [{"$group": {"_id": None, "x": {"$stdDevPop": "$a"}}}],
        [{"$project": {"x": {"$add": ["$a", 1]}}}],
        [{"$match": {"$where": "true"}}],
        [{"$match": {"$expr": {"$function": {"body": "x"}}}}],
        [{"$limit": 1}, {"$merge": "x"}],
        [{"$group": {"_id": {"$toUpper": "$a"}}}],
        [{"$addFields": {"x": {"$function": {"body": "x"}}}}],
        [{"$set": {"x": {"$add": ["$a", 1]}}}],
        [{"$facet": {"a": [{"$facet": {"b": []}}]}}],
        [{"$facet": {"a": [{"$out": "x"}]}}],
        [{"$facet": {"a": [{"$lookup": {"from": "x"}}]}}],
        [{"$graphLookup": {"from": "x"}}],
    ],
)
def test_refuses_unsupported(pipeline: list[Any]) -> None:
    with pytest.raises(UnsupportedOperator):
        parse_pipeline(pipeline)


@pytest.mark.parametrize(
    ("pipeline", "named"),
    [
        ([{"$out": "x"}], "$out"),
        ([{"$merge": {"into": "x"}}], "$merge"),
        ([{"$lookup": {"from": "item"}}], "$lookup"),
        ([{"$facet": {"a": [{"$match": {}}, {"$merge": "x"}]}}], "$merge"),
        ([{"$addFields": {"x": {"$function": {"body": "1"}}}}], "$function"),
        ([{"$group": {"_id": 1, "x": {"$accumulator": {}}}}], "$accumulator"),
        ([{"$match": {"$where": "1"}}], "$where"),
    ],
)
def test_refusals_name_the_stage_or_operator(pipeline: list[Any], named: str) -> None:
    with pytest.raises(UnsupportedOperator) as refused:
        parse_pipeline(pipeline)
    assert named in str(refused.value)


def test_facet_stages_count_towards_the_stage_limit() -> None:
    sub = [{"$skip": 0}] * 30
    parse_pipeline([{"$facet": {"a": sub}}])
    with pytest.raises(QueryError, match="stages"):
        parse_pipeline([{"$facet": {"a": sub, "b": sub}}])


def test_no_stage_holds_more_than_the_document_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    module = importlib.import_module("qalx_server.store.query.aggregate")
    monkeypatch.setattr(module, "MAX_DOCUMENTS", 5)
    docs = [{"_id": 1, "arr": list(range(6))}]
    assert aggregate([{"$unwind": "$arr"}, {"$count": "n"}], docs) == [{"n": 6}]  # streamed
    holding: list[dict[str, Any]] = [{"$sort": {"arr": 1}}, {"$facet": {"all": []}}]
    for held in holding:
        with pytest.raises(QueryError, match="more than 5 documents"):
            aggregate([{"$unwind": "$arr"}, held], docs)


def test_add_fields_and_facet_examples() -> None:
    docs = [{"_id": 1, "v": 2, "o": {"k": "x"}}, {"_id": 2, "v": None}]
    assert aggregate(
        [{"$addFields": {"w": "$v", "o.z": 1}}, {"$project": {"w": 1, "o": 1}}], docs
    ) == [
        {"_id": 1, "w": 2, "o": {"k": "x", "z": 1}},
        {"_id": 2, "w": None, "o": {"z": 1}},
    ]
    assert aggregate(
        [
            {
                "$facet": {
                    "n": [{"$count": "n"}],
                    "two": [{"$match": {"v": 2}}, {"$set": {"s": "$o.k"}}],
                }
            }
        ],
        docs,
    ) == [{"n": [{"n": 2}], "two": [{"_id": 1, "v": 2, "o": {"k": "x"}, "s": "x"}]}]


@pytest.mark.parametrize(
    "pipeline",
    [
        {"$match": {}},
        "not json",
        [{"$match": {}, "$limit": 1}],
        [{"$limit": -1}],
        [{"$limit": 0}],
        [{"$skip": "1"}],
        [{"$sort": {"a": 2}}],
        [{"$count": "$x"}],
        [{"$group": {"x": {"$sum": 1}}}],
        [{"$project": {"a": 1, "b": 0}}],
        [{"$unwind": "a"}],
        [{"$match": {"a": {"$in": 1}}}],
    ],
)
def test_refuses_malformed(pipeline: Any) -> None:
    with pytest.raises(QueryError):
        parse_pipeline(pipeline)
