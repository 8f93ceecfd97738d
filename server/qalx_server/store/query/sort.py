"""Sort: qalx sort keys -> ORDER BY clauses with BSON cross-type ordering.

Each key becomes its dialect's sort terms: a type-rank expression followed by one value
expression per type (NULL for other types), so rows order first by Mongo's type order
(null/missing < numbers < strings < objects < arrays < binData < bool < date)
and then within the type. Numbers first order by class (NaN < -Infinity < finite
< Infinity, as MongoDB orders them; the non-finite ones are stored as
``{"$numberDouble": ...}`` wrappers), then by value.  Strings compare by code
point (``COLLATE "C"`` on PostgreSQL, BINARY on SQLite), like MongoDB's default
simple collation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.sql.elements import UnaryExpression

from .compiler import dialect_for
from .errors import QueryError
from .extjson import JSON
from .matcher import MISSING, resolve
from .paths import Path, PathRewriter, split_path
from .values import compare, sort_key

Expr = ColumnElement[Any]
MAX_SORT_KEYS = 16


@dataclass(frozen=True)
class SortKey:
    path: Path
    descending: bool


def parse_sort(
    sort: str | Sequence[str] | None, rewrite_path: PathRewriter | None = None
) -> list[SortKey]:
    """qalx sort keys (``field``, ``-field``, ``+field``, ``a__b`` for nesting) -> keys.

    A comma-separated string is also accepted, as are dotted paths. A key that cannot be
    read (empty, a doubled sign, Mongo's ``field:-1`` form) is refused, never ignored: a
    silently wrong order looks like data.
    """
    if sort is None:
        return []
    items = [sort] if isinstance(sort, str) else list(sort)
    keys: list[SortKey] = []
    for item in items:
        if not isinstance(item, str):
            raise QueryError(f"invalid sort key {item!r}")
        for raw in item.split(","):
            keys.append(_sort_key(raw.strip(), item, rewrite_path))
    if len(keys) > MAX_SORT_KEYS:
        raise QueryError(f"at most {MAX_SORT_KEYS} sort keys are allowed")
    return keys


def _sort_key(raw: str, given: str, rewrite_path: PathRewriter | None) -> SortKey:
    desc = raw.startswith("-")
    name = raw[1:] if raw[:1] in ("+", "-") else raw
    if not name or name[:1] in ("+", "-"):
        raise QueryError(f"invalid sort key {given!r}: write `field` or `-field`")
    if ":" in name:
        raise QueryError(
            f"invalid sort key {given!r}: write `-field` for descending, not `field:-1`"
        )
    try:
        path = split_path(name.replace("__", "."), rewrite_path)
    except QueryError as exc:
        raise QueryError(f"invalid sort key {given!r}: {exc}") from None
    return SortKey(path, desc)


def compile_sort(
    sort: str | Sequence[str] | None,
    doc: Expr,
    dialect: str,
    rewrite_path: PathRewriter | None = None,
    tiebreak: Sequence[Expr] = (),
) -> list[UnaryExpression[Any]]:
    """ORDER BY clauses for qalx sort keys, then ``tiebreak`` (e.g. the row id) ascending.

    Sort values are read at the exact path (arrays are not traversed; an array
    value sorts as one value of the array type, not by its min/max element).
    """
    return sort_clauses(parse_sort(sort, rewrite_path), doc, dialect, tiebreak)


def sort_clauses(
    keys: Sequence[SortKey], doc: Expr, dialect: str, tiebreak: Sequence[Expr] = ()
) -> list[UnaryExpression[Any]]:
    """ORDER BY clauses for parsed sort keys, then ``tiebreak`` ascending."""
    clauses: list[UnaryExpression[Any]] = []
    for key in keys:
        for term in dialect_for(dialect).sort_terms(doc, key.path):
            clauses.append(term.desc() if key.descending else term.asc())
    clauses.extend(t.asc() for t in tiebreak)
    return clauses


def sort_value(doc: JSON, path: Path, descending: bool = False) -> JSON:
    """The value MongoDB sorts ``doc`` by: null when missing; min/max element of arrays."""
    found = [v for v in resolve(doc, path) if v is not MISSING]
    if not found:
        return None
    flat: list[JSON] = []
    for v in found:
        if isinstance(v, list):
            flat.extend(v if v else [None])  # Mongo: [] sorts with null/undefined
        else:
            flat.append(v)
    best = flat[0]
    for v in flat[1:]:
        c = compare(v, best)
        if (c > 0) if descending else (c < 0):
            best = v
    return best


def python_sort(docs: list[JSON], keys: Sequence[SortKey]) -> list[JSON]:
    """Stable in-memory sort with MongoDB semantics (used by aggregation ``$sort``)."""
    out = list(docs)
    for key in reversed(keys):

        def by(d: JSON, k: SortKey = key) -> Any:
            return sort_key(sort_value(d, k.path, k.descending))

        out.sort(key=by, reverse=key.descending)
    return out


__all__ = ["SortKey", "compile_sort", "parse_sort", "python_sort", "sort_clauses", "sort_value"]
