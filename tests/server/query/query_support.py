"""Test support for the query-engine tests: a (id, doc) table on a real engine.

(Named uniquely so that ``import`` cannot pick up another test folder's conftest.)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import (
    JSON,
    Column,
    Engine,
    Integer,
    MetaData,
    Table,
    and_,
    delete,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB

from qalx_server.store.query import (
    Node,
    Path,
    QueryError,
    candidate_ids,
    candidates,
    check_index_path,
    compile_filter,
    compile_node,
    parse_filter,
)
from qalx_server.store.query.extjson import is_literal
from qalx_server.store.query.matcher import resolve
from qalx_server.store.query.tree import And, Cond, ElemMatch, Not, Or

QUICK_EXAMPLES = int(os.environ.get("QALX_TEST_QUERY_EXAMPLES", "150"))
"""Examples per differential filter test in ``make test``."""
DEEP_EXAMPLES = 400
"""Examples per differential filter test in the slow gate (``make test-slow``)."""
DEPTHS = [
    pytest.param(QUICK_EXAMPLES, id="quick"),
    pytest.param(DEEP_EXAMPLES, id="deep", marks=pytest.mark.slow),
]
"""Parametrize a differential test with this to run it at both depths."""


def differential(examples: int) -> settings:
    """Hypothesis settings of the differential filter tests: the same examples every run."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def mongomock_misreads(filt: Any, doc: Any) -> bool:
    """True if mongomock 4.3 gets ``filt`` (canonical) wrong on ``doc`` (canonical).

    That is: two or more operators on one dotted path which reaches several values in
    ``doc`` (an array on the route), e.g. ``{"o.x": {"$eq": null, "$exists": true}}`` on
    ``{"o": [{}, {"x": -3}]}``.  MongoDB applies each operator to the path on its own, so
    different elements may satisfy different operators (the manual, "Query an Array of
    Embedded Documents": a combination of elements satisfies the criteria), and ``null``
    matches an element without the field (MongoDB's jstests/core/query/
    null_query_semantics.js: ``"a.b": null`` matches ``a: [{b: 3}, {}]``): the document
    matches, as our matcher says.  mongomock asks one value at a time for every operator
    of the dict, and neither ``{}`` nor ``-3`` is both null and present.

    The differential tests leave such a document out of the mongomock comparison only;
    SQL is still compared with the Python matcher on it.
    """
    for key, cond in filt.items():
        if key in ("$and", "$or", "$nor"):
            if any(mongomock_misreads(sub, doc) for sub in cond):
                return True
        elif (
            "." in key
            and isinstance(cond, dict)
            and not is_literal(cond)
            and all(op.startswith("$") for op in cond)
            and len(set(cond) - {"$options"}) > 1  # $regex with its $options is one operator
            and len(resolve(doc, tuple(key.split(".")))) > 1
        ):
            return True
    return False


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

    def ids_through_indexes(self, filt: Any) -> list[int]:
        """The ids of the matches read as through declared indexes on every path the filter
        names that one can key: the exact filter within the filter's candidates, which must
        be a superset of its matches for the answer to be the same."""
        node = parse_filter(filt)
        indexed = {path for path in _paths(node) if _indexable(path)}
        expr = compile_node(node, self.doc, self.dialect)
        found = candidates(node, self.doc, self.dialect, {}, indexed)
        if found is not None:
            row_id = self.table.c.id
            expr = and_(expr, row_id.in_(candidate_ids(found, row_id, self.doc, self.dialect)))
        with self.engine.connect() as conn:
            stmt = select(self.table.c.id).where(expr).order_by(self.table.c.id)
            return [row[0] for row in conn.execute(stmt)]

    def run(self, stmt: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(stmt))


def _paths(node: Node) -> set[Path]:
    """The paths a filter's conditions name (outside `$elemMatch`, whose inner paths are an
    element's)."""
    if isinstance(node, Cond):
        return {node.path}
    if isinstance(node, And | Or):
        return set().union(*[_paths(child) for child in node.children])
    if isinstance(node, Not):
        return _paths(node.child)
    if isinstance(node, ElemMatch):
        return {node.path}
    return set()


def _indexable(path: Path) -> bool:
    try:
        check_index_path(path)
    except QueryError:
        return False
    return True


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
