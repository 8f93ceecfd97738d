"""Entry point: a dialect by its name, and Mongo filters compiled to its SQL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement

from .dialect import Columns, Dialect
from .errors import QueryError
from .paths import PathRewriter
from .postgres import POSTGRESQL
from .sqlite import SQLITE
from .tree import Node, parse_filter

_DIALECTS = {d.name: d for d in (POSTGRESQL, SQLITE)}


def dialect_for(name: str) -> Dialect:
    """The dialect SQLAlchemy calls ``name`` (``engine.dialect.name``): the one place a
    dialect is chosen by its name."""
    try:
        return _DIALECTS[name]
    except KeyError:
        raise QueryError(f"unsupported SQL dialect {name!r}") from None


def compile_node(
    node: Node, doc: ColumnElement[Any], dialect: str, columns: Columns | None = None
) -> ColumnElement[bool]:
    """Compile an already parsed filter tree."""
    return dialect_for(dialect).filter(node, doc, columns or {})


def compile_filter(
    filt: Mapping[str, Any] | None,
    doc: ColumnElement[Any],
    dialect: str,
    rewrite_path: PathRewriter | None = None,
    columns: Columns | None = None,
) -> ColumnElement[bool]:
    """Mongo filter -> boolean SQL over the document column ``doc``.

    ``dialect`` is ``engine.dialect.name`` (``"postgresql"`` or ``"sqlite"``); ``columns``
    are the row's columns that hold some paths' values (see :data:`~.dialect.ColumnRule`).
    Raises :class:`QueryError`/:class:`UnsupportedOperator` before building SQL.
    """
    return compile_node(parse_filter(filt or {}, rewrite_path), doc, dialect, columns)
