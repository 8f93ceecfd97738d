"""The SQL dialect interface: what the engine needs of PostgreSQL and SQLite alike.

Each dialect module provides one :class:`Dialect`; ``compiler.dialect_for`` is the one
place a dialect is chosen by its name, so nothing else compares dialect names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case

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


FINITE_CLASS = 2
"""The sort terms' number class of a finite number (see :func:`number_class`)."""


def number_class(spelling: Expr) -> Expr:
    """The number class of a stored non-finite number's ``$numberDouble`` spelling, for the
    sort terms: NaN 0, -Infinity 1, (finite numbers 2), Infinity 3, as MongoDB orders them."""
    return case((spelling == "NaN", 0), (spelling == "-Infinity", 1), else_=3)
