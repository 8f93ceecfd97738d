"""Sort: qalx sort keys -> ORDER BY clauses with BSON cross-type ordering.

Each key becomes a type-rank expression followed by one value expression per
type (NULL for other types), so rows order first by Mongo's type order
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

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Text,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import UnaryExpression

from .errors import QueryError
from .extjson import JSON
from .matcher import MISSING, resolve
from .paths import Path, PathRewriter, is_index, split_path
from .values import RANK, compare, sort_key

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


def _pg_terms(doc: Expr, path: Path) -> list[Expr]:
    v = doc.op("#>", return_type=JSONB)(cast(literal(list(path)), _text_array()))
    t = func.jsonb_typeof(v)
    text = v.op("#>>", return_type=Text)(literal_column("'{}'"))
    special_date = v.has_key("$date")
    special_bin = v.has_key("$uuid") | v.has_key("$binary")
    nonfinite = (t == "object") & v.has_key("$numberDouble")
    spelling = v.op("->>", return_type=Text)("$numberDouble")
    rank = case(
        (t == "number", RANK["number"]),
        (nonfinite, RANK["number"]),
        (t == "string", RANK["string"]),
        (t == "boolean", RANK["bool"]),
        (t == "array", RANK["array"]),
        ((t == "object") & special_date, RANK["date"]),
        ((t == "object") & special_bin, RANK["binData"]),
        (t == "object", RANK["object"]),
        else_=RANK["null"],
    )
    return [
        rank,
        case((t == "number", _FINITE), (nonfinite, _number_class(spelling)), else_=null()),
        case((t == "number", v), else_=null()),
        case((t == "string", text.collate("C")), else_=null()),
        case((t == "boolean", v), else_=null()),
        case(((t == "object") & special_date, v.op("->")("$date")), else_=null()),
        case(
            (
                (t == "object") & special_bin,
                func.coalesce(v.op("->>", return_type=Text)("$uuid"), ""),
            ),
            else_=null(),
        ).collate("C"),
        case(((t == "object") | (t == "array"), v), else_=null()),
    ]


_FINITE = 2


def _number_class(spelling: Expr) -> Expr:
    """NaN 0, -Infinity 1, (finite numbers 2), Infinity 3."""
    return case((spelling == "NaN", 0), (spelling == "-Infinity", 1), else_=3)


def _text_array() -> Any:
    return ARRAY(Text)


def _sqlite_path(doc: Expr, path: Path) -> Expr:
    """JSON path text for ``path``; a numeric component indexes an array if it is one."""
    expr: Expr = literal("$")
    for part in path:
        member = f'."{part}"'
        if is_index(part):
            expr = case(
                (func.json_type(doc, expr) == "array", expr + f"[{part}]"),
                else_=expr + member,
            )
        else:
            expr = expr + member
    return expr


def _sqlite_terms(doc: Expr, path: Path) -> list[Expr]:
    p = _sqlite_path(doc, path)
    t = func.json_type(doc, p)
    val = func.json_extract(doc, p)
    is_date = func.json_type(doc, p + '."$date"').is_not(None)
    is_bin = (func.json_type(doc, p + '."$uuid"').is_not(None)) | (
        func.json_type(doc, p + '."$binary"').is_not(None)
    )
    nonfinite = (t == "object") & func.json_type(doc, p + '."$numberDouble"').is_not(None)
    spelling = func.json_extract(doc, p + '."$numberDouble"')
    rank = case(
        (t.in_(("integer", "real")), RANK["number"]),
        (nonfinite, RANK["number"]),
        (t == "text", RANK["string"]),
        (t.in_(("true", "false")), RANK["bool"]),
        (t == "array", RANK["array"]),
        ((t == "object") & is_date, RANK["date"]),
        ((t == "object") & is_bin, RANK["binData"]),
        (t == "object", RANK["object"]),
        else_=RANK["null"],
    )
    return [
        rank,
        case(
            (t.in_(("integer", "real")), _FINITE),
            (nonfinite, _number_class(spelling)),
            else_=null(),
        ),
        case((t.in_(("integer", "real")), val), else_=null()),
        case((t == "text", val), else_=null()),
        case((t.in_(("true", "false")), val), else_=null()),
        case(((t == "object") & is_date, func.json_extract(doc, p + '."$date"')), else_=null()),
        case(((t == "object") & is_bin, func.json_extract(doc, p + '."$uuid"')), else_=null()),
        case(((t == "object") | (t == "array"), val), else_=null()),
    ]


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
    keys = parse_sort(sort, rewrite_path)
    clauses: list[UnaryExpression[Any]] = []
    for key in keys:
        if dialect == "postgresql":
            terms = _pg_terms(doc, key.path)
        elif dialect == "sqlite":
            terms = _sqlite_terms(doc, key.path)
        else:
            raise QueryError(f"unsupported SQL dialect {dialect!r}")
        for term in terms:
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


__all__ = ["SortKey", "compile_sort", "parse_sort", "python_sort", "sort_value"]
