"""Declared indexes: which rows a filter can be narrowed to through them, and when a sort can
follow one's order.

A declared index on a path keeps, per row, the value at the path read through objects only
(the dialect's :class:`~.dialect.KeySpelling`). MongoDB's traversal also reaches values
through arrays on the route, which no such key holds, so each declared path has a second,
partial index over the rows with an array on its route. A filter's *candidates* are the rows
whose keys (or columns) satisfy its narrowing, plus those rows: a superset of its matches,
which the caller intersects with the exact filter. So a narrowing only ever has to be a
superset, and a filter the indexes cannot narrow simply has no candidates.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence, Set
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, select, union_all

from .compiler import dialect_for
from .dialect import Columns, any_of
from .errors import QueryError
from .extjson import JSON, is_nonfinite
from .paths import Path
from .tree import And, Cond, Const, Node, Or
from .values import kind

Expr = ColumnElement[Any]
Bool = ColumnElement[bool]
MAX_DISJUNCTS = 16
"""Alternatives one candidate set may have: an `$and` of narrowable conditions combines them
all while their product stays within this, else narrows by one of them."""


def check_index_path(path: Path) -> None:
    """Refuse a path no declared index can key: one naming an array position (which the key,
    read through objects only, never reaches; any all-digit name, as the spec's IndexPath) or
    a member SQLite's JSON paths cannot quote."""
    if not path:
        raise QueryError("an index needs a field path")
    for part in path:
        if part.isascii() and part.isdigit():
            raise QueryError(
                f"index path {'.'.join(path)!r}: {part!r} is an array position; "
                "index the field (its arrays' elements are found anyway)"
            )
        if '"' in part or "\\" in part or any(ord(c) < 0x20 for c in part):
            raise QueryError(
                f"index path {'.'.join(path)!r}: {part!r} holds a quote, a backslash or a "
                "control character"
            )


@dataclass(frozen=True)
class Narrowing:
    """A condition on the row's keys and columns; ``path`` the one declared path whose key it
    tests alone (None for columns or several keys), so alternatives on one key are one
    lookup (``key = 1 OR key = 2``, which the database reads as an ``IN``)."""

    where: Bool
    path: Path | None


@dataclass(frozen=True)
class Candidates:
    """Rows that may match: those satisfying one of ``disjuncts``, and those with an array on
    the route of one of ``array_paths``."""

    disjuncts: tuple[Narrowing, ...]
    array_paths: frozenset[Path]


def candidates(
    node: Node, doc: Expr, dialect: str, columns: Columns, indexed: Set[Path]
) -> Candidates | None:
    """The candidates of ``node`` through the declared ``indexed`` paths and the ``columns``,
    or None where they cannot narrow it (or no declared index takes part, when the exact
    filter's own use of the columns is as good)."""
    found = _Narrower(doc, dialect, columns, indexed).node(node)
    return found if found is not None and found.array_paths else None


class _Narrower:
    def __init__(self, doc: Expr, dialect: str, columns: Columns, indexed: Set[Path]) -> None:
        self.doc, self.columns, self.indexed = doc, columns, indexed
        self.keys = dialect_for(dialect).keys

    def node(self, node: Node) -> Candidates | None:
        if isinstance(node, Cond):
            return self.cond(node)
        if isinstance(node, Const):
            return None if node.value else Candidates((), frozenset())
        if isinstance(node, Or):
            found = [self.node(child) for child in node.children]
            if any(c is None for c in found):
                return None
            return _union([c for c in found if c is not None])
        if isinstance(node, And):
            return _intersection([c for c in map(self.node, node.children) if c is not None])
        return None  # a negation or $elemMatch: no narrowing is a superset of it

    def cond(self, node: Cond) -> Candidates | None:
        if node.op not in ("eq", "in", "gt", "gte", "lt", "lte"):
            return None
        values: tuple[JSON, ...] = node.arg if node.op == "in" else (node.arg,)
        op = "eq" if node.op == "in" else node.op
        rule = self.columns.get(node.path)
        by_column = rule(op, values) if rule is not None else None
        if by_column is not None:
            return Candidates((Narrowing(by_column, None),), frozenset())
        if node.path not in self.indexed:
            return None
        key = self.keys.key(self.doc, node.path)
        narrowed = [self.keys.narrow(key, op, value) for value in values]
        if any(n is None for n in narrowed):
            return None
        where = any_of([n for n in narrowed if n is not None])
        return Candidates((Narrowing(where, node.path),), frozenset([node.path]))


def candidate_ids(
    found: Candidates, row_id: Expr, doc: Expr, dialect: str, scope: Sequence[Bool] = ()
) -> Any:
    """A SELECT of every candidate row's ``row_id``: one lookup per alternative and one per
    path's rows with arrays on its route, each within ``scope`` (the caller's conditions that
    lead its indexes, such as the company)."""
    keys = dialect_for(dialect).keys
    wheres = [d.where for d in found.disjuncts]
    wheres += [keys.route_arrays(doc, path) for path in sorted(found.array_paths)]
    lookups = [select(row_id).where(*scope, where) for where in wheres]
    if not lookups:
        return select(row_id).where(false())
    return lookups[0] if len(lookups) == 1 else union_all(*lookups)


def _union(found: list[Candidates]) -> Candidates:
    by_path: dict[Path, list[Bool]] = {}
    others: list[Narrowing] = []
    for c in found:
        for d in c.disjuncts:
            if d.path is None:
                others.append(d)
            else:
                by_path.setdefault(d.path, []).append(d.where)
    merged = [Narrowing(any_of(wheres), path) for path, wheres in by_path.items()]
    return Candidates(tuple(merged + others), frozenset().union(*[c.array_paths for c in found]))


def _intersection(found: list[Candidates]) -> Candidates | None:
    """Every condition holds, so any one's candidates will do; all of them combined (each
    alternative of one with each of another's) narrow best, while they stay few."""
    if not found:
        return None
    if any(not c.disjuncts and not c.array_paths for c in found):
        return Candidates((), frozenset())  # one condition matches nothing
    size = 1
    for c in found:
        size *= max(len(c.disjuncts), 1)
    if size > MAX_DISJUNCTS:
        return min(found, key=lambda c: len(c.disjuncts))
    combined = tuple(
        Narrowing(and_(*[d.where for d in combo]), _one_path(combo))
        for combo in itertools.product(*[c.disjuncts for c in found])
    )
    return Candidates(combined, frozenset().union(*[c.array_paths for c in found]))


def _one_path(narrowings: tuple[Narrowing, ...]) -> Path | None:
    paths = {d.path for d in narrowings}
    return paths.pop() if len(paths) == 1 else None


def number_bounds(node: Node, path: Path) -> list[tuple[str, JSON]] | None:
    """The comparisons with plain numbers a filter's every match holds at ``path`` where the
    value there is itself a number, or None where it sets none: the ranges and equalities of
    its top-level conditions on the path. A declared index's key order then serves a sort on
    the path: every match keyed by a number is among those the bounds select (see the
    caller), in the key's order."""
    bounds: list[tuple[str, JSON]] = []
    for child in node.children if isinstance(node, And) else (node,):
        found = _number_bound(child, path)
        if found is not None:
            bounds.append(found)
    return bounds or None


def _number_bound(node: Node, path: Path) -> tuple[str, JSON] | None:
    # A range over numbers parses into Or(range, an infinity equality) (tree._number_range):
    # a number in the range meets the first, so the range bounds every number that matches.
    if isinstance(node, Or):
        ranges = [c for c in node.children if isinstance(c, Cond) and c.path == path]
        plain = [c for c in ranges if c.op in ("gt", "gte", "lt", "lte")]
        infinite = [c for c in ranges if c.op == "eq" and is_nonfinite(c.arg)]
        if len(plain) == 1 and len(plain) + len(infinite) == len(node.children):
            node = plain[0]
    if not isinstance(node, Cond) or node.path != path:
        return None
    if node.op in ("gt", "gte", "lt", "lte", "eq") and _plain_number(node.arg):
        return node.op, node.arg
    if node.op == "in" and node.arg and all(_plain_number(v) for v in node.arg):
        return "in", node.arg
    return None


def _plain_number(value: JSON) -> bool:
    return kind(value) == "number" and not is_nonfinite(value)


def narrow_key(key: Expr, dialect: str, bounds: list[tuple[str, JSON]]) -> Bool:
    """SQL for ``bounds`` over a key: every plain number a filter matches satisfies it."""
    keys = dialect_for(dialect).keys

    def one(op: str, value: JSON) -> Bool:
        found = keys.narrow(key, op, value)
        if found is None:  # every dialect narrows plain numbers
            raise QueryError(f"no key narrowing for {op} {value!r}")
        return found

    return and_(
        *[any_of([one("eq", v) for v in arg]) if op == "in" else one(op, arg) for op, arg in bounds]
    )
