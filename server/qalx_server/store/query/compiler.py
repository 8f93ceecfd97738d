"""Entry point: Mongo filter -> SQLAlchemy boolean expression for a dialect."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement

from .errors import QueryError
from .paths import PathRewriter
from .postgres import compile_postgres
from .sqlite import compile_sqlite
from .tree import Node, parse_filter


def compile_node(node: Node, doc: ColumnElement[Any], dialect: str) -> ColumnElement[bool]:
    """Compile an already parsed filter tree."""
    if dialect == "postgresql":
        return compile_postgres(node, doc)
    if dialect == "sqlite":
        return compile_sqlite(node, doc)
    raise QueryError(f"unsupported SQL dialect {dialect!r}")


def compile_filter(
    filt: Mapping[str, Any] | None,
    doc: ColumnElement[Any],
    dialect: str,
    rewrite_path: PathRewriter | None = None,
) -> ColumnElement[bool]:
    """Mongo filter -> boolean SQL over the document column ``doc``.

    ``dialect`` is ``engine.dialect.name`` (``"postgresql"`` or ``"sqlite"``).
    Raises :class:`QueryError`/:class:`UnsupportedOperator` before building SQL.
    """
    return compile_node(parse_filter(filt or {}, rewrite_path), doc, dialect)
