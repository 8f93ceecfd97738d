"""SQLite dialect: filter trees and sort keys -> SQL over a JSON text column.

Path routes are enumerated with ``json_tree`` and selected by matching the
row's ``fullkey`` against a regular expression that encodes Mongo's traversal
(one array level between components, numeric components as indexes).  Scalar
predicates use ``type``/``atom``; arrays/objects compare through ``qalx_canon``.
Sort terms read the exact path (``json_extract``); strings order as BINARY.
:func:`install_sqlite_functions` registers REGEXP helpers and ``qalx_canon``.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    event,
    exists,
    false,
    func,
    literal,
    literal_column,
    not_,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.engine import Engine

from .canon import canon_json_text, canon_text
from .dialect import FINITE_CLASS, Dialect, KeySpelling, any_of, number_class
from .extjson import JSON, is_binary, is_date, is_nonfinite, is_uuid
from .paths import Path, is_index
from .tree import ElemMatch, regex_flags
from .values import FINITE, INT32_MAX, INT32_MIN, RANK, kind
from .visitor import FilterCompiler

Expr = ColumnElement[Any]
Bool = ColumnElement[bool]
NUMBER = ("integer", "real")
SPECIAL_KEYS = ('$."$date"', '$."$uuid"', '$."$binary"', '$."$numberDouble"')
_CMP = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


@lru_cache(maxsize=512)
def _rx(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def _regexp(pattern: str | None, value: Any) -> bool:
    if pattern is None or not isinstance(value, str):
        return False
    return _rx(pattern, 0).search(value) is not None


def _qalx_regexp(pattern: str | None, options: str | None, value: Any) -> bool:
    if pattern is None or not isinstance(value, str):
        return False
    return _rx(pattern, regex_flags(options or "")).search(value) is not None


def install_sqlite_functions(dbapi_conn: sqlite3.Connection) -> None:
    """Register ``REGEXP``, ``qalx_regexp(pattern, options, value)`` and ``qalx_canon``."""
    dbapi_conn.create_function("regexp", 2, _regexp, deterministic=True)
    dbapi_conn.create_function("qalx_regexp", 3, _qalx_regexp, deterministic=True)
    dbapi_conn.create_function("qalx_canon", 1, canon_json_text, deterministic=True)


def install_on_engine(engine: Engine) -> None:
    """Install :func:`install_sqlite_functions` on every new connection of ``engine``."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        install_sqlite_functions(dbapi_conn)


def _key(part: str) -> str:
    """fullkey spelling of a member: bare, or quoted with ``\\`` and ``"`` escaped."""
    quoted = re.escape(part.replace("\\", "\\\\").replace('"', '\\"'))
    return f'\\.(?:{re.escape(part)}|"{quoted}")'


def route_regex(path: Path) -> str:
    """Regex (unanchored at the end) matching json_tree fullkeys of the route values."""
    out = "\\$"
    for i, part in enumerate(path):
        if i == 0:
            out += _key(part)
        elif is_index(part):
            out += f"(?:(?:\\[\\d+\\])?{_key(part)}|\\[{part}\\])"
        else:
            out += f"(?:\\[\\d+\\])?{_key(part)}"
    return "^" + out


def _plain(part: str) -> bool:
    """Keys SQLite's JSON path syntax can quote (it has no escape for ``"``)."""
    return '"' not in part and "\\" not in part


def _key_absent(obj: Expr, part: str) -> Bool:
    """``obj`` (JSON text of an object) has no member ``part``."""
    if _plain(part):
        return func.json_type(obj, f'$."{part}"').is_(None)
    each = func.json_each(obj).table_valued("key")
    return not_(exists(select(literal(1)).select_from(each).where(each.c.key == part)))


def _member_path(path: Path) -> str | None:
    """SQLite's JSON path of a route of plain member names (``$."a"."b"``), or None where a
    part is an array index or cannot be quoted."""
    if not path or not all(_plain(part) and not is_index(part) for part in path):
        return None
    return "$" + "".join(f'."{part}"' for part in path)


class _At:
    """The value at one JSON path of the document, read directly (no tree walk), shaped like
    a json_tree row (``type``, ``atom``, ``value``) so the value tests serve both."""

    def __init__(self, doc: Expr, json_path: str) -> None:
        found = func.json_type(doc, json_path)
        atom = func.json_extract(doc, json_path)  # SQL text for a string, as json_tree's atom
        value = doc.op("->")(json_path)  # JSON text always, as json_tree's value
        self.c = SimpleNamespace(type=found, atom=atom, value=value)


def _any_array(doc: Expr, path: Path) -> Bool:
    """Some member on the route of ``path`` (the last one included) holds an array: only then
    can the route reach more than the one value at its path."""
    prefixes = [_member_path(path[:end]) for end in range(1, len(path) + 1)]
    return or_(*[func.json_type(doc, prefix) == "array" for prefix in prefixes])


def _tree(doc: Expr, path: Path) -> Any:
    root = f'$."{path[0]}"' if path and _plain(path[0]) else "$"
    return func.json_tree(doc, root).table_valued("key", "value", "type", "atom", "fullkey", "path")


class _Compiler(FilterCompiler):
    def _rows(self, path: Path, suffix: str, where: Callable[[Any], Bool]) -> Bool:
        """Some json_tree row of a route of ``path`` (then ``suffix``) satisfies ``where``."""
        t = _tree(self.doc, path)
        condition = where(t)
        pattern = route_regex(path) + suffix + "$"
        return exists(
            select(literal(1)).select_from(t).where(t.c.fullkey.regexp_match(pattern), condition)
        )

    def _values(self, path: Path, where: Callable[[Any], Bool]) -> Bool:
        """Some value ``path`` reaches, or an element of an array there, satisfies ``where``."""
        return self._rows(path, "(?:\\[\\d+\\])?" if path else "", where)

    def exists(self, path: Path) -> Bool:
        return self._rows(path, "", lambda t: true())

    def size(self, path: Path, n: int) -> Bool:
        return self._rows(
            path, "", lambda t: and_(t.c.type == "array", func.json_array_length(t.c.value) == n)
        )

    def regex(self, path: Path, pattern: str, options: str) -> Bool:
        return self._values(
            path,
            lambda t: and_(t.c.type == "text", func.qalx_regexp(pattern, options, t.c.atom) == 1),
        )

    def has_type(self, path: Path, names: frozenset[str]) -> Bool:
        return self._values(path, lambda t: self.type_pred(t, names))

    def compare(self, path: Path, op: str, values: tuple[JSON, ...]) -> Bool:
        walked = self._values(path, lambda t: self.values_pred(t, op, values))
        json_path = _member_path(path)
        if json_path is None:
            return walked
        # Without arrays on the route, the one value at the path decides, read directly: the
        # tree walk (json_tree and a regex per node) is left to documents with arrays there.
        at = _At(self.doc, json_path)
        direct = self.values_pred(at, op, values)
        # json_type and json_extract are NULL where the path is missing: coalesced, so a
        # negation ($ne, $not) of the condition still holds there.
        arrays = func.coalesce(_any_array(self.doc, path), false())
        return or_(func.coalesce(direct, false()), and_(arrays, walked))

    def values_pred(self, t: Any, op: str, values: tuple[JSON, ...]) -> Bool:
        """The value is ``op`` to one of ``values``: equalities with plain numbers and
        strings as one ``IN`` each (a ``$in`` of 1,000 is then a list, not 1,000 tests)."""
        if op != "eq" or len(values) < 2:
            return any_of([self.value_pred(t, op, v) for v in values])
        numbers: list[JSON] = []
        strings: list[JSON] = []
        terms = []
        for v in values:  # by kind: True == 1 to Python, not to MongoDB
            if kind(v) == "number" and not is_nonfinite(v):
                numbers.append(v)
            elif kind(v) == "string":
                strings.append(v)
            else:
                terms.append(self.value_pred(t, op, v))
        if numbers:
            terms.append(and_(t.c.type.in_(NUMBER), t.c.atom.in_(numbers)))
        if strings:
            terms.append(and_(t.c.type == "text", t.c.atom.in_(strings)))
        return any_of(terms)

    def value_pred(self, t: Any, op: str, v: JSON) -> Bool:
        sql_op = _CMP[op]
        k = kind(v)
        if k == "null":
            return t.c.type == "null" if op == "eq" else false()
        if is_nonfinite(v):  # stored as the same wrapper object; ranges never get here
            return and_(t.c.type == "object", func.qalx_canon(t.c.value) == canon_text(v))
        if k == "bool":
            return and_(t.c.type.in_(("true", "false")), t.c.atom.op(sql_op)(int(v)))
        if k == "number":
            return and_(t.c.type.in_(NUMBER), t.c.atom.op(sql_op)(v))
        if k == "string":
            return and_(t.c.type == "text", t.c.atom.op(sql_op)(v))
        if is_date(v):
            ms = func.json_extract(t.c.value, '$."$date"')
            return and_(
                t.c.type == "object",
                func.json_type(t.c.value, '$."$date"').in_(NUMBER),
                ms.op(sql_op)(v["$date"]),
            )
        if is_uuid(v):
            return and_(
                t.c.type == "object",
                func.json_type(t.c.value, '$."$uuid"') == "text",
                func.json_extract(t.c.value, '$."$uuid"').op(sql_op)(v["$uuid"]),
            )
        if is_binary(v) and op == "eq":
            return and_(
                t.c.type == "object",
                func.json_extract(t.c.value, '$."$binary"') == v["$binary"],
                func.json_extract(t.c.value, '$."$type"') == v["$type"],
            )
        if op != "eq":
            return false()
        return and_(t.c.type.in_(("object", "array")), func.qalx_canon(t.c.value) == canon_text(v))

    def type_pred(self, t: Any, names: frozenset[str]) -> Bool:
        special = or_(*[func.json_type(t.c.value, k).is_not(None) for k in SPECIAL_KEYS])
        obj = t.c.type == "object"
        nonfinite = and_(obj, func.json_type(t.c.value, SPECIAL_KEYS[3]).is_not(None))
        by_name: dict[str, Bool] = {
            "double": or_(t.c.type == "real", nonfinite),
            "int": and_(t.c.type == "integer", t.c.atom.between(INT32_MIN, INT32_MAX)),
            "long": and_(t.c.type == "integer", not_(t.c.atom.between(INT32_MIN, INT32_MAX))),
            "number": or_(t.c.type.in_(NUMBER), nonfinite),
            FINITE: t.c.type.in_(NUMBER),
            "string": t.c.type == "text",
            "object": and_(obj, not_(special)),
            "array": t.c.type == "array",
            "bool": t.c.type.in_(("true", "false")),
            "null": t.c.type == "null",
            "date": and_(obj, func.json_type(t.c.value, SPECIAL_KEYS[0]).is_not(None)),
            "binData": and_(
                obj,
                or_(
                    func.json_type(t.c.value, SPECIAL_KEYS[1]).is_not(None),
                    func.json_type(t.c.value, SPECIAL_KEYS[2]).is_not(None),
                ),
            ),
        }
        return or_(false(), *[by_name[n] for n in sorted(names) if n in by_name])

    def missing(self, path: Path) -> Bool:
        conds: list[Bool] = [_key_absent(self.doc, path[0])]
        for i in range(1, len(path)):
            nxt = path[i]
            t = _tree(self.doc, path[:i])
            lacks = _key_absent(t.c.value, nxt)
            prefix = route_regex(path[:i])
            here = and_(
                t.c.fullkey.regexp_match(prefix + "$"),
                or_(
                    and_(t.c.type == "object", lacks),
                    t.c.type.not_in(("object", "array")),
                ),
            )
            clauses = [here]
            if not is_index(nxt):
                clauses.append(
                    and_(
                        t.c.fullkey.regexp_match(prefix + "\\[\\d+\\]$"),
                        t.c.type == "object",
                        lacks,
                    )
                )
            conds.append(exists(select(literal(1)).select_from(t).where(or_(*clauses))))
        return or_(*conds)

    def elem_match(self, node: ElemMatch) -> Bool:
        t = _tree(self.doc, node.path)
        elem_json = self.doc.op("->")(t.c.fullkey)
        inner = _Compiler(elem_json, {}).node(node.inner)  # an element: no row columns
        if not node.on_value:
            special = or_(*[func.json_type(t.c.value, k).is_not(None) for k in SPECIAL_KEYS])
            inner = and_(t.c.type == "object", not_(special), inner)
        pattern = route_regex(node.path) + "\\[\\d+\\]$"
        return exists(
            select(literal(1)).select_from(t).where(t.c.fullkey.regexp_match(pattern), inner)
        )


def _json_path(doc: Expr, path: Path) -> Expr:
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


def sort_terms(doc: Expr, path: Path) -> list[Expr]:
    p = _json_path(doc, path)
    t = func.json_type(doc, p)
    val = func.json_extract(doc, p)
    has_date = func.json_type(doc, p + '."$date"').is_not(None)
    has_bin = (func.json_type(doc, p + '."$uuid"').is_not(None)) | (
        func.json_type(doc, p + '."$binary"').is_not(None)
    )
    nonfinite = (t == "object") & func.json_type(doc, p + '."$numberDouble"').is_not(None)
    spelling = func.json_extract(doc, p + '."$numberDouble"')
    rank = case(
        (t.in_(NUMBER), RANK["number"]),
        (nonfinite, RANK["number"]),
        (t == "text", RANK["string"]),
        (t.in_(("true", "false")), RANK["bool"]),
        (t == "array", RANK["array"]),
        ((t == "object") & has_date, RANK["date"]),
        ((t == "object") & has_bin, RANK["binData"]),
        (t == "object", RANK["object"]),
        else_=RANK["null"],
    )
    return [
        rank,
        case(
            (t.in_(NUMBER), FINITE_CLASS),
            (nonfinite, number_class(spelling)),
            else_=null(),
        ),
        case((t.in_(NUMBER), val), else_=null()),
        case((t == "text", val), else_=null()),
        case((t.in_(("true", "false")), val), else_=null()),
        case(((t == "object") & has_date, func.json_extract(doc, p + '."$date"')), else_=null()),
        case(((t == "object") & has_bin, func.json_extract(doc, p + '."$uuid"')), else_=null()),
        case(((t == "object") | (t == "array"), val), else_=null()),
    ]


def _sql_text(text: str) -> Expr:
    """A string literal written into the SQL (an index's expression cannot bind it)."""
    return literal_column("'" + text.replace("'", "''") + "'")


def _declared_path(path: Path) -> str:
    json_path = _member_path(path)
    if json_path is None:
        raise ValueError(f"an index path names plain members only, not {'.'.join(path)!r}")
    return json_path


def index_key(doc: Expr, path: Path) -> Expr:
    return func.json_extract(doc, _sql_text(_declared_path(path)))


def index_route_arrays(doc: Expr, path: Path) -> Bool:
    return or_(
        *[
            func.json_type(doc, _sql_text(_declared_path(path[:end]))) == _sql_text("array")
            for end in range(1, len(path) + 1)
        ]
    )


_OBJECTS = ("{", "|")  # json_extract gives an object as its JSON text, which opens with "{"


def index_narrow(key: Expr, op: str, value: JSON) -> Bool | None:
    """json_extract keys: a number or a string as itself, true and false as 1 and 0, null
    (and a missing or unreachable value) as NULL, an object as its JSON text. A one-sided
    range also admits the other types beyond it (SQLite orders numbers < text), which are
    rare at one path and which the exact filter drops; two bounds make a tight range."""
    k = kind(value)
    if k == "null":
        return key.is_(None) if op == "eq" else None
    if k == "bool":
        return key.op(_CMP[op])(int(bool(value)))
    if k in ("number", "string") and not is_nonfinite(value):
        return key.op(_CMP[op])(value)
    if k == "array":
        return false()  # only an array on the route holds an array or its elements
    return and_(key >= _OBJECTS[0], key < _OBJECTS[1])


def index_is_number(doc: Expr, path: Path) -> Bool:
    return func.json_type(doc, _sql_text(_declared_path(path))).in_([_sql_text(t) for t in NUMBER])


SQLITE = Dialect(
    "sqlite",
    _Compiler.compile,
    sort_terms,
    KeySpelling(index_key, index_route_arrays, index_narrow, index_is_number),
)
"""Filters over ``json_tree`` routes of JSON text; sorts by ``json_type``."""
