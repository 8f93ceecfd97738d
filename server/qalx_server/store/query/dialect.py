"""The SQL dialect interface: what the engine needs of PostgreSQL and SQLite alike.

Each dialect module provides one :class:`Dialect`; ``compiler.dialect_for`` is the one
place a dialect is chosen by its name, so nothing else compares dialect names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, false
from sqlalchemy.sql.elements import Grouping

from .extjson import JSON
from .paths import Path
from .tree import Node

Expr = ColumnElement[Any]
Bool = ColumnElement[bool]

ColumnRule = Callable[[str, tuple[JSON, ...]], Bool | None]
"""A path whose values a column of the row also holds: given a comparison (``eq gt gte lt
lte``, ``in`` spelled as ``eq`` of several values) the same condition on the column, or None
where the column cannot say (the document is then asked)."""
Columns = Mapping[Path, ColumnRule]


@dataclass(frozen=True)
class KeySpelling:
    """How one dialect keeps a declared index's key for a document path, and narrows a
    comparison to the keys it can hold (see ``indexing``). Paths are written into the SQL as
    literals, as an index's expressions must be for the database to match them."""

    key: Callable[[Expr, Path], Expr]
    """The value at the path read through objects only (NULL where the route meets an array,
    a scalar or nothing)."""
    route_arrays: Callable[[Expr, Path], Bool]
    """Some member on the path's route (the last one included) holds an array: the rows the
    key cannot speak for, kept by a partial index of their own."""
    narrow: Callable[[Expr, str, JSON], Bool | None]
    """Given the key, a condition every row holds whose key's value is ``op`` (``eq gt gte
    lt lte``) to the value (a superset is fine), or None where the key cannot say."""
    is_number: Callable[[Expr, Path], Bool]
    """The key holds a plain JSON number, so the key's own order is MongoDB's."""


@dataclass(frozen=True)
class Dialect:
    """One SQL dialect's spelling of filters and sorts over its JSON document column."""

    name: str
    """As SQLAlchemy names it (``engine.dialect.name``)."""
    filter: Callable[[Node, Expr, Columns], Bool]
    """Boolean SQL for a parsed filter over the document expression (and the columns that
    answer for some of its paths)."""
    sort_terms: Callable[[Expr, Path], list[Expr]]
    """ORDER BY terms for one sort path, ascending: the BSON type rank, then one value term
    per type (NULL for the others); see ``sort``."""
    keys: KeySpelling
    """Declared indexes' keys."""


def any_of(terms: Sequence[Bool]) -> Bool:
    """OR of ``terms`` as a balanced tree: SQL parsers nest a flat ``a OR b OR ...`` one level
    per term, and SQLite refuses an expression more than 1,000 deep (a ``$in`` of 500)."""
    if not terms:
        return false()
    if len(terms) == 1:
        return terms[0]
    middle = len(terms) // 2
    # A binary OR of the grouped halves: or_() would flatten them into one list again.
    left, right = Grouping(any_of(terms[:middle])), Grouping(any_of(terms[middle:]))
    joined: Bool = left.bool_op("OR")(right)
    return joined


FINITE_CLASS = 2
"""The sort terms' number class of a finite number (see :func:`number_class`)."""


def number_class(spelling: Expr) -> Expr:
    """The number class of a stored non-finite number's ``$numberDouble`` spelling, for the
    sort terms: NaN 0, -Infinity 1, (finite numbers 2), Infinity 3, as MongoDB orders them."""
    return case((spelling == "NaN", 0), (spelling == "-Infinity", 1), else_=3)
