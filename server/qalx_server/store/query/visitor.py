"""The walk over a parsed filter tree, written once for the SQL dialects.

:class:`FilterCompiler` turns the tree's logic (and/or/not, constants) and the meaning of
each :class:`~.tree.Cond` operator (``in`` as equalities, an equality with null also
matching a missing field) into SQL; a dialect subclasses it with the leaves, which say how
its JSON column answers one condition on one path.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from sqlalchemy import ColumnElement, and_, false, not_, or_, true

from .dialect import Columns, any_of
from .extjson import JSON
from .paths import Path
from .tree import And, Cond, Const, ElemMatch, Node, Not, Or

Expr = ColumnElement[Any]
Bool = ColumnElement[bool]


class FilterCompiler(ABC):
    """Compilation of one filter tree against one JSON document expression."""

    def __init__(self, doc: Expr, columns: Columns) -> None:
        self.doc = doc
        self.columns = columns

    @classmethod
    def compile(cls, node: Node, doc: Expr, columns: Columns) -> Bool:
        """Boolean SQL for ``node`` over the document expression ``doc``, asking ``columns``
        first for the paths they hold (an indexed column beats any reading of the JSON)."""
        return cls(doc, columns).node(node)

    def node(self, node: Node) -> Bool:
        if isinstance(node, Cond):
            return self.cond(node)
        if isinstance(node, And):
            return and_(true(), *[self.node(c) for c in node.children])
        if isinstance(node, Or):
            return any_of([self.node(c) for c in _equalities_merged(node.children)])
        if isinstance(node, Not):
            return not_(self.node(node.child))
        if isinstance(node, Const):
            return true() if node.value else false()
        if isinstance(node, ElemMatch):
            return self.elem_match(node)
        raise AssertionError(node)

    def cond(self, node: Cond) -> Bool:
        path, op, arg = node.path, node.op, node.arg
        if op == "exists":
            return self.exists(path)
        if op == "size":
            return self.size(path, arg)
        if op == "regex":
            return self.regex(path, *arg)
        if op == "type":
            return self.has_type(path, arg)
        values = arg if op == "in" else (arg,)
        rule = self.columns.get(path)
        by_column = rule("eq" if op == "in" else op, values) if rule is not None else None
        if by_column is not None:
            return by_column
        found = self.compare(path, "eq" if op == "in" else op, values)
        if op in ("eq", "in") and None in values and path:
            found = or_(found, self.missing(path))
        return found

    @abstractmethod
    def exists(self, path: Path) -> Bool:
        """Some route of ``path`` reaches a value."""

    @abstractmethod
    def size(self, path: Path, n: int) -> Bool:
        """Some value ``path`` reaches is an array of ``n`` elements."""

    @abstractmethod
    def regex(self, path: Path, pattern: str, options: str) -> Bool:
        """Some string ``path`` reaches (or an element of an array there) matches."""

    @abstractmethod
    def has_type(self, path: Path, names: frozenset[str]) -> Bool:
        """Some value ``path`` reaches (or an element of it) has one of the ``$type`` names."""

    @abstractmethod
    def compare(self, path: Path, op: str, values: tuple[JSON, ...]) -> Bool:
        """Some value ``path`` reaches (or an element of it) is ``op`` (``eq gt gte lt lte``)
        to one of ``values``, within its BSON type bracket."""

    @abstractmethod
    def missing(self, path: Path) -> Bool:
        """Some route of ``path`` ends at a missing field (or passes through a scalar)."""

    @abstractmethod
    def elem_match(self, node: ElemMatch) -> Bool:
        """Some array ``node.path`` reaches has an element matching ``node.inner``."""


def _equalities_merged(children: tuple[Node, ...]) -> list[Node]:
    """An `$or` of equalities (and `$in`s) on one path is a `$in` of all their values (as
    MongoDB reads them too): one condition, its values one list where a dialect can."""
    merged: list[Node] = []
    by_path: dict[Path, int] = {}
    for child in children:
        if not (isinstance(child, Cond) and child.op in ("eq", "in")):
            merged.append(child)
            continue
        values = child.arg if child.op == "in" else (child.arg,)
        if child.path not in by_path:
            by_path[child.path] = len(merged)
            merged.append(Cond(child.path, "in", tuple(values)))
        else:
            at = by_path[child.path]
            earlier = merged[at]
            assert isinstance(earlier, Cond)
            merged[at] = Cond(child.path, "in", (*earlier.arg, *values))
    return merged
