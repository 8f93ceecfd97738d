"""PostgreSQL dialect: filter trees and sort keys -> SQL over a JSONB column.

Route values come from *lax* SQL/JSON paths, whose member accessor unwraps one
array level and silently skips non-objects, which is exactly Mongo's traversal.
Scalar equality uses JSONB containment (``@>``, index friendly); other scalar
predicates are jsonpath filters with bound ``vars`` (values are never
interpolated, and no casts are used, so mixed types cannot raise).  Arrays,
objects, regexes and ``$type`` are checked in SQL over the path's values.
Sort terms read the exact path (``#>``); strings order by ``COLLATE "C"``.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Text,
    and_,
    case,
    cast,
    column,
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
from sqlalchemy.dialects.postgresql import JSONB, JSONPATH

from .dialect import FINITE_CLASS, Dialect, KeySpelling, any_of, number_class
from .extjson import JSON, is_binary, is_date, is_nonfinite, is_uuid
from .paths import Path, is_index
from .tree import ElemMatch
from .values import FINITE, INT32_MAX, INT32_MIN, RANK, kind
from .visitor import FilterCompiler

Expr = ColumnElement[Any]
Bool = ColumnElement[bool]
_CMP = {"eq": "==", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_SQL_CMP = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_SPECIAL = ("$date", "$uuid", "$binary", "$numberDouble")
MAX_CONTAINMENT_PARTS = 4


def _k(part: str) -> str:
    return '."' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'


def routes(path: Path) -> list[str]:
    """Lax jsonpaths (alternatives) selecting the values a Mongo path reaches.

    A numeric component after a field also indexes an array: that alternative
    filters the parent on the field being an array, so ``[0]`` never wraps a scalar.
    """
    if not path:
        return ["strict $"]
    options: list[list[tuple[str, str]]] = []  # per component: (prefix-guard, accessor)
    for i, part in enumerate(path):
        alts = [("", _k(part))]
        if i >= 1 and is_index(part) and not is_index(path[i - 1]):
            alts.append(("array", f"[{part}]"))
        options.append(alts)
    out = []
    for combo in itertools.product(*options):
        text = "lax $"
        for i, (_guard, acc) in enumerate(combo):
            if i + 1 < len(combo) and combo[i + 1][0] == "array":
                text += f' ? (@{_k(path[i])}.type() == "array")'
            text += acc
        out.append(text)
    return out


def _jp(base: Expr, path: str, variables: dict[str, Any] | None = None) -> Bool:
    args: list[Any] = [base, cast(literal(path), JSONPATH)]
    if variables:
        args.append(cast(literal(json.dumps(variables)), JSONB))
    return func.jsonb_path_exists(*args)


def _values(base: Expr, path: str) -> Any:
    return (
        func.jsonb_path_query(base, cast(literal(path), JSONPATH))
        .table_valued(column("value", JSONB))
        .render_derived()
    )


def _any_array(doc: Expr, path: Path) -> Bool:
    """Some member on the route of ``path`` (the last one included) holds an array: only then
    can the route reach more than the one value at its path."""
    return or_(*[_typeof(_at(doc, path[:end])) == "array" for end in range(1, len(path) + 1)])


def _at(doc: Expr, path: Path) -> Expr:
    """``doc #> '{a,b}'``: the value at the path through objects only (arrays give NULL), with
    the path written into the SQL, as an expression index on it must be."""
    elements = ",".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in path)
    text = "{" + elements + "}"
    return doc.op("#>")(literal_column("'" + text.replace("'", "''") + "'::text[]"))


def _typeof(v: Expr) -> Expr:
    return func.jsonb_typeof(v)


def _special(v: Expr) -> Bool:
    return or_(*[v.has_key(k) for k in _SPECIAL])


def _scalar_filter(op: str, v: JSON) -> tuple[str, dict[str, Any]] | None:
    """jsonpath filter text testing ``@`` against value ``v``, or None if not scalar."""
    cmp = _CMP[op]
    k = kind(v)
    if is_nonfinite(v):  # a wrapper object: compared whole, like other objects
        return None
    if k == "null":
        return ('@.type() == "null"', {}) if op == "eq" else ("false", {})
    if k in ("number", "string", "bool"):
        jtype = {"number": "number", "string": "string", "bool": "boolean"}[k]
        return (f'@.type() == "{jtype}" && @ {cmp} $v', {"v": v})
    if is_date(v):
        return (f'@.type() == "object" && @."$date" {cmp} $v', {"v": v["$date"]})
    if is_uuid(v):
        return (f'@.type() == "object" && @."$uuid" {cmp} $v', {"v": v["$uuid"]})
    if is_binary(v):
        if op != "eq":
            return ("false", {})
        return ('@."$binary" == $v && @."$type" == $t', {"v": v["$binary"], "t": v["$type"]})
    return None


def _contained(path: Path, v: JSON) -> list[JSON]:
    """Containment documents equivalent to Mongo equality with scalar ``v`` on ``path``."""
    leaf: JSON = {"$date": v["$date"]} if is_date(v) else v
    docs: list[JSON] = []
    for shape in itertools.product((False, True), repeat=len(path)):
        node: JSON = [leaf] if shape[-1] else leaf
        for part, wrap in zip(reversed(path), [*reversed(shape[:-1]), False], strict=True):
            node = {part: node}
            node = [node] if wrap else node
        docs.append(node)
    return docs


class _Compiler(FilterCompiler):
    def over_values(self, path: str, build: Any) -> Bool:
        v = _values(self.doc, path)
        return exists(select(literal(1)).select_from(v).where(build(v.c.value)))

    def exists(self, path: Path) -> Bool:
        return or_(*[_jp(self.doc, r) for r in routes(path)])

    def size(self, path: Path, n: int) -> Bool:
        size_path = 'strict $ ? (@.type() == "array" && @.size() == $n)'
        return or_(
            *[self.over_values(r, lambda v: _jp(v, size_path, {"n": n})) for r in routes(path)]
        )

    def regex(self, path: Path, pattern: str, options: str) -> Bool:
        are = _pg_regex(pattern, options)
        return or_(
            *[
                self.over_values(
                    r + ' ? (@.type() == "string")',
                    lambda v: v.op("#>>")(literal_column("'{}'")).op("~")(are),
                )
                for r in routes(path)
            ]
        )

    def has_type(self, path: Path, names: frozenset[str]) -> Bool:
        return or_(*[self.type_pred(r, names, bool(path)) for r in routes(path)])

    def compare(self, path: Path, op: str, values: tuple[JSON, ...]) -> Bool:
        if op != "eq" or len(values) < 2:
            return self.compare_each(path, op, values)
        plain: list[JSON] = []
        rest: list[JSON] = []
        for value in values:  # by kind: True == 1 to Python, not to MongoDB
            scalar = kind(value) in ("number", "string", "bool") and not is_nonfinite(value)
            (plain if scalar else rest).append(value)
        terms = [self.equals_any(path, plain)] if plain else []
        if rest:
            terms.append(self.compare_each(path, op, tuple(rest)))
        return any_of(terms)

    def equals_any(self, path: Path, plain: list[JSON]) -> Bool:
        """Equality with one of many plain scalars as one JSONB ``IN`` list (a ``$in`` of
        1,000 is then a list, not 1,000 containment tests)."""
        listed = [_jsonb(value) for value in plain]

        def among(v: Expr) -> Bool:
            return v.in_(listed)

        walked = any_of(
            [
                or_(self.over_values(r, among), self.over_values(r + "[*]", among))
                if path
                else self.over_values(r, among)
                for r in routes(path)
            ]
        )
        if not path or any(is_index(part) for part in path):
            return walked
        arrays = func.coalesce(_any_array(self.doc, path), false())
        direct = func.coalesce(among(_at(self.doc, path)), false())
        return or_(direct, and_(arrays, walked))

    def compare_each(self, path: Path, op: str, values: tuple[JSON, ...]) -> Bool:
        alts = routes(path)
        walked = or_(
            false(), *[self.value_pred(path, r, op, value) for value in values for r in alts]
        )
        direct = self.direct(path, op, values)
        if direct is None:
            return walked
        # Without arrays on the route, the one value at the path decides, read directly; the
        # jsonpath walk is left to documents with arrays there.
        # The value at a missing path is NULL: coalesced, so a negation ($ne, $not) of the
        # condition still holds there.
        arrays = func.coalesce(_any_array(self.doc, path), false())
        return or_(func.coalesce(direct, false()), and_(arrays, walked))

    def direct(self, path: Path, op: str, values: tuple[JSON, ...]) -> Bool | None:
        """A range over numbers or dates as plain comparisons of the value at the path (as
        the jsonpath filters of ``_scalar_filter`` compare them), or None: equality keeps its
        containment tests, which a GIN index serves."""
        if op == "eq" or not path or any(is_index(part) for part in path):
            return None
        at = _at(self.doc, path)
        tests = []
        for value in values:
            if is_date(value):
                stamp = at.op("->")(literal("$date"))
                tests.append(
                    and_(
                        _typeof(at) == "object",
                        _typeof(stamp) == "number",
                        stamp.op(_SQL_CMP[op])(cast(literal(json.dumps(value["$date"])), JSONB)),
                    )
                )
            elif kind(value) == "number" and not is_nonfinite(value):
                number = cast(literal(json.dumps(value)), JSONB)
                tests.append(and_(_typeof(at) == "number", at.op(_SQL_CMP[op])(number)))
            else:
                return None
        return any_of(tests)

    def value_pred(self, path: Path, route: str, op: str, value: JSON) -> Bool:
        scalar = _scalar_filter(op, value)
        if scalar is not None:
            text, variables = scalar
            if (
                op == "eq"
                and kind(value) not in ("null",)
                and path
                and not any(is_index(p) for p in path[1:])
                and len(path) <= MAX_CONTAINMENT_PARTS
            ):
                docs = _contained(path, value)
                return or_(*[self.doc.op("@>")(cast(literal(json.dumps(d)), JSONB)) for d in docs])
            guard = '@.type() != "array" && ' if path else ""
            return _jp(self.doc, f"{route} ? ({guard}{text})", variables)
        if op != "eq":
            return false()
        target = cast(literal(json.dumps(value)), JSONB)
        own = self.over_values(route, lambda v: v == target)
        if not path:
            return own
        return or_(own, self.over_values(route + "[*]", lambda v: v == target))

    def type_pred(self, route: str, names: frozenset[str], expand: bool) -> Bool:
        def test(v: Expr) -> Bool:
            t = _typeof(v)
            text = cast(v, JSONB).op("#>>")(literal_column("'{}'"))
            is_double = and_(t == "number", text.op("~")("[.eE]"))
            nonfinite = and_(t == "object", v.has_key("$numberDouble"))
            by_name: dict[str, Bool] = {
                FINITE: t == "number",
                "double": or_(is_double, nonfinite),
                "int": and_(
                    t == "number",
                    not_(is_double),
                    _jp(v, "strict $ ? (@ >= $lo && @ <= $hi)", {"lo": INT32_MIN, "hi": INT32_MAX}),
                ),
                "long": and_(
                    t == "number",
                    not_(is_double),
                    not_(
                        _jp(
                            v,
                            "strict $ ? (@ >= $lo && @ <= $hi)",
                            {"lo": INT32_MIN, "hi": INT32_MAX},
                        )
                    ),
                ),
                "number": or_(t == "number", nonfinite),
                "string": t == "string",
                "object": and_(t == "object", not_(_special(v))),
                "array": t == "array",
                "bool": t == "boolean",
                "null": t == "null",
                "date": and_(t == "object", v.has_key("$date")),
                "binData": and_(
                    t == "object",
                    or_(v.has_key("$uuid"), v.has_key("$binary")),
                ),
            }
            return or_(false(), *[by_name[n] for n in sorted(names) if n in by_name])

        own = self.over_values(route, test)
        if not expand:
            return own
        return or_(own, self.over_values(route + "[*]", test))

    def missing(self, path: Path) -> Bool:
        conds: list[Bool] = [not_(_jp(self.doc, "lax $" + _k(path[0])))]
        for i in range(1, len(path)):
            nxt = path[i]
            for r in routes(path[:i]):
                conds.append(
                    self.over_values(
                        r,
                        lambda v, nxt=nxt: or_(
                            _typeof(v).not_in(("object", "array")),
                            and_(_typeof(v) == "object", not_(v.has_key(nxt))),
                        ),
                    )
                )
                if not is_index(nxt):
                    # lax [*]: array elements (or the value itself); a filter here would
                    # unwrap nested arrays a second time, so test them in SQL instead
                    conds.append(
                        self.over_values(
                            r + "[*]",
                            lambda v, nxt=nxt: and_(
                                _typeof(v) == "object",
                                not_(v.has_key(nxt)),
                            ),
                        )
                    )
        return or_(*conds)

    def elem_match(self, node: ElemMatch) -> Bool:
        terms: list[Bool] = []
        for r in routes(node.path):
            arr = _values(self.doc, r)
            # silent strict [*]: elements of arrays, nothing (no error) for other values
            el = (
                func.jsonb_path_query(
                    arr.c.value,
                    cast(literal("strict $[*]"), JSONPATH),
                    cast(literal("{}"), JSONB),
                    true(),
                )
                .table_valued(column("value", JSONB))
                .render_derived()
                .lateral()
            )
            inner = _Compiler(el.c.value, {}).node(node.inner)  # an element: no row columns
            if not node.on_value:
                inner = and_(_typeof(el.c.value) == "object", not_(_special(el.c.value)), inner)
            terms.append(exists(select(literal(1)).select_from(arr).join(el, true()).where(inner)))
        return or_(*terms)


def _pg_regex(pattern: str, options: str) -> str:
    """Mongo/PCRE flags as a PostgreSQL ARE embedded-options prefix.

    PCRE defaults (``.`` excludes newline, ``^$`` anchor the string) are ARE's
    ``p``; ``m`` gives ``n`` (or ``w`` with ``s``), ``s`` alone is ARE's default.
    """
    m, s = "m" in options, "s" in options
    flags = {(False, False): "p", (True, False): "n", (False, True): "s", (True, True): "w"}[(m, s)]
    flags += "".join(f for f in "ix" if f in options)
    return f"(?{flags}){pattern}"


def sort_terms(doc: Expr, path: Path) -> list[Expr]:
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
        case((t == "number", FINITE_CLASS), (nonfinite, number_class(spelling)), else_=null()),
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


def _text_array() -> Any:
    return ARRAY(Text)


def _jsonb(value: JSON) -> Expr:
    return cast(literal(json.dumps(value)), JSONB)


def index_route_arrays(doc: Expr, path: Path) -> Bool:
    return or_(
        *[
            _typeof(_at(doc, path[:end])) == literal_column("'array'")
            for end in range(1, len(path) + 1)
        ]
    )


def index_narrow(key: Expr, op: str, value: JSON) -> Bool | None:
    """``#>`` keys are JSONB, whose order is null < strings < numbers < booleans < arrays <
    objects: a one-sided range also admits the types beyond it, which the exact filter
    drops. Strings order by the database's collation, not by code point as MongoDB's, so a
    string range cannot be narrowed by them."""
    k = kind(value)
    if k == "null":
        return or_(key.is_(None), key == _jsonb(None)) if op == "eq" else None
    if k == "string" and op != "eq":
        return None
    if k in ("bool", "number", "string") and not is_nonfinite(value):
        return key.op(_SQL_CMP[op])(_jsonb(value))
    if k == "array":
        return false()  # only an array on the route holds an array or its elements
    return key >= _jsonb({})  # the smallest object


def index_is_number(doc: Expr, path: Path) -> Bool:
    return _typeof(_at(doc, path)) == literal_column("'number'")


POSTGRESQL = Dialect(
    "postgresql",
    _Compiler.compile,
    sort_terms,
    KeySpelling(_at, index_route_arrays, index_narrow, index_is_number),
)
"""Filters as jsonpath and containment over JSONB; sorts by ``jsonb_typeof``."""
