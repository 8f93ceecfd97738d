"""Parsing a Mongo filter into a small validated tree.

Parsing is the only place that looks at raw filter dicts: it refuses unsafe or
unknown operators and malformed operands up front (before any SQL exists) and
normalises operands to canonical Extended JSON.  Both SQL compilers and the
Python matcher consume the resulting tree, so they cannot disagree on syntax.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union

from .errors import QueryError, UnsupportedOperator
from .extjson import JSON, canonical, double, is_literal, is_nonfinite
from .paths import Path, PathRewriter, split_path
from .values import FINITE, kind

# Anything that could carry JavaScript or server-side code, refused wherever it appears.
DANGEROUS = frozenset({"$where", "$function", "$accumulator", "$expr", "$code", "$eval"})
TYPE_CODES: dict[int, str] = {
    1: "double", 2: "string", 3: "object", 4: "array", 5: "binData", 6: "undefined",
    7: "objectId", 8: "bool", 9: "date", 10: "null", 11: "regex", 12: "dbPointer",
    13: "javascript", 14: "symbol", 15: "javascriptWithScope", 16: "int", 17: "timestamp",
    18: "long", 19: "decimal", -1: "minKey", 127: "maxKey",
}  # fmt: skip
TYPE_NAMES = frozenset(TYPE_CODES.values()) | {"number"}
REGEX_OPTIONS = frozenset("imsx")
CMP_OPS = ("$gt", "$gte", "$lt", "$lte")


@dataclass(frozen=True)
class Const:
    value: bool


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class Cond:
    """``exists a value at path (or an element of it) satisfying op``.

    ops: ``eq`` (canonical value), ``gt/gte/lt/lte`` (scalar), ``in`` (tuple of
    values), ``exists`` (True), ``regex`` ((pattern, options)), ``size`` (int),
    ``type`` (frozenset of names).  An empty path means "the value itself, no
    array expansion" (inside ``$elemMatch`` on values).
    """

    path: Path
    op: str
    arg: Any


@dataclass(frozen=True)
class ElemMatch:
    """``exists an array at path with an element matching inner``.

    ``on_value`` selects Mongo's two forms: operators on the element itself
    (inner conditions have empty paths) or a filter on element documents.
    """

    path: Path
    inner: Node
    on_value: bool


Node = Union[Const, And, Or, Not, Cond, ElemMatch]  # noqa: UP007 - forward refs


def reject_code(obj: Any) -> None:
    """Refuse a :data:`DANGEROUS` key at any depth of a filter or pipeline, before parsing."""
    if isinstance(obj, Mapping):
        for key, val in obj.items():
            if key in DANGEROUS:
                raise UnsupportedOperator(key, None, "server-side code is not allowed")
            reject_code(val)
    elif isinstance(obj, list):
        for val in obj:
            reject_code(val)


def parse_filter(filt: Any, rewrite_path: PathRewriter | None = None) -> Node:
    """Validate and parse a Mongo filter document into a :data:`Node`."""
    reject_code(filt)
    return _Parser(rewrite_path).document(filt)


def _and(nodes: list[Node]) -> Node:
    if len(nodes) == 1:
        return nodes[0]
    return And(tuple(nodes))


class _Parser:
    def __init__(self, rewrite: PathRewriter | None) -> None:
        self.rewrite = rewrite

    def document(self, filt: Any) -> Node:
        if not isinstance(filt, Mapping):
            raise QueryError("a query filter must be an object")
        nodes: list[Node] = []
        for key, val in filt.items():
            if not isinstance(key, str):
                raise QueryError(f"invalid filter key {key!r}")
            if key in ("$and", "$or", "$nor"):
                if not isinstance(val, list) or not val:
                    raise QueryError(f"{key} must be a non-empty array")
                subs = tuple(self.document(v) for v in val)
                if key == "$and":
                    nodes.append(And(subs))
                elif key == "$or":
                    nodes.append(Or(subs))
                else:
                    nodes.append(Not(Or(subs)))
            elif key == "$comment":
                continue
            elif key.startswith("$"):
                raise UnsupportedOperator(key, None, "not a supported top-level operator")
            else:
                nodes.append(self.field(split_path(key, self.rewrite), key, val))
        return _and(nodes) if nodes else Const(True)

    def field(self, path: Path, raw: str, val: Any) -> Node:
        if isinstance(val, Mapping) and val and not is_literal(val):
            keys = [k for k in val if isinstance(k, str) and k.startswith("$")]
            if keys and len(keys) == len(val):
                return self.operators(path, raw, val)
            if keys:
                raise QueryError(
                    f"cannot mix operators and fields in the value for {raw!r}: {list(val)}"
                )
        return Cond(path, "eq", canonical(val))

    def operators(self, path: Path, raw: str, ops: Mapping[str, Any]) -> Node:
        nodes: list[Node] = []
        if "$options" in ops and "$regex" not in ops:
            raise QueryError(f"$options needs a $regex (at {raw!r})")
        for op, arg in ops.items():
            if op == "$options":
                continue
            nodes.append(self.operator(path, raw, op, arg, ops))
        return _and(nodes)

    def operator(self, path: Path, raw: str, op: str, arg: Any, ops: Mapping[str, Any]) -> Node:
        if op == "$eq":
            return Cond(path, "eq", canonical(arg))
        if op == "$ne":
            return Not(Cond(path, "eq", canonical(arg)))
        if op in CMP_OPS:
            return self.compare(path, raw, op, canonical(arg))
        if op in ("$in", "$nin"):
            if not isinstance(arg, list):
                raise QueryError(f"{op} needs an array (at {raw!r})")
            for item in arg:
                if isinstance(item, Mapping) and ("$regex" in item or "$elemMatch" in item):
                    raise UnsupportedOperator(f"{op} with {item!r}", raw)
            node: Node = Cond(path, "in", tuple(canonical(a) for a in arg))
            return node if op == "$in" else Not(node)
        if op == "$exists":
            node = Cond(path, "exists", True)
            return node if _truthy(arg) else Not(node)
        if op == "$regex":
            return Cond(path, "regex", _regex(arg, ops.get("$options", ""), raw))
        if op == "$size":
            if isinstance(arg, bool) or not isinstance(arg, int | float) or arg != int(arg):
                raise QueryError(f"$size needs a whole number (at {raw!r}), got {arg!r}")
            if arg < 0:
                raise QueryError(f"$size may not be negative (at {raw!r})")
            return Cond(path, "size", int(arg))
        if op == "$all":
            if not isinstance(arg, list):
                raise QueryError(f"$all needs an array (at {raw!r})")
            if not arg:
                return Const(False)
            parts: list[Node] = []
            for item in arg:
                if isinstance(item, Mapping) and set(item) == {"$elemMatch"}:
                    parts.append(self.elem_match(path, raw, item["$elemMatch"]))
                elif (
                    isinstance(item, Mapping)
                    and any(str(k).startswith("$") for k in item)
                    and (not is_literal(item))
                ):
                    raise UnsupportedOperator(f"$all with {item!r}", raw)
                else:
                    parts.append(Cond(path, "eq", canonical(item)))
            return And(tuple(parts))
        if op == "$type":
            return Cond(path, "type", _types(arg, raw))
        if op == "$elemMatch":
            return self.elem_match(path, raw, arg)
        if op == "$not":
            if isinstance(arg, Mapping) and arg and not is_literal(arg):
                if not all(isinstance(k, str) and k.startswith("$") for k in arg):
                    raise QueryError(f"$not needs an operator expression (at {raw!r})")
                return Not(self.operators(path, raw, arg))
            raise QueryError(f"$not needs an operator expression or a regex (at {raw!r})")
        raise UnsupportedOperator(op, raw)

    def compare(self, path: Path, raw: str, op: str, arg: JSON) -> Node:
        if arg is None:
            # Mongo: $gte/$lte null match null and missing; $gt/$lt null match nothing.
            return Cond(path, "eq", None) if op in ("$gte", "$lte") else Const(False)
        if isinstance(arg, list) or (
            isinstance(arg, dict)
            and not ("$date" in arg or "$uuid" in arg or "$binary" in arg or is_nonfinite(arg))
        ):
            raise QueryError(f"{op} against an array or object is not supported (at {raw!r})")
        if kind(arg) == "number":
            return _number_range(path, op[1:], arg)
        return Cond(path, op[1:], arg)

    def elem_match(self, path: Path, raw: str, arg: Any) -> Node:
        if not isinstance(arg, Mapping):
            raise QueryError(f"$elemMatch needs an object (at {raw!r})")
        keys = [k for k in arg if isinstance(k, str)]
        value_form = bool(keys) and all(
            k.startswith("$") and k not in ("$and", "$or", "$nor") for k in keys
        )
        if value_form and not is_literal(arg):
            return ElemMatch(path, self.operators((), raw, arg), True)
        return ElemMatch(path, self.document(arg), False)


_INF, _NEG_INF = double(float("inf")), double(float("-inf"))


def _number_range(path: Path, op: str, arg: JSON) -> Node:
    """A range over numbers, MongoDB's way: NaN equals only NaN (so `$gte`/`$lte` NaN match
    NaN, and `$gt`/`$lt` NaN nothing) and is never in a range; ±Infinity bound the numbers.
    Stored non-finite numbers are wrappers that SQL cannot order, so the infinities enter
    as equalities, and the range itself covers plain (finite) numbers only."""
    pos, neg = Cond(path, "eq", _INF), Cond(path, "eq", _NEG_INF)
    finite = Cond(path, "type", frozenset({FINITE}))
    spelling = arg.get("$numberDouble") if is_nonfinite(arg) else None
    if spelling == "NaN":
        return Cond(path, "eq", arg) if op in ("gte", "lte") else Const(False)
    if spelling == "Infinity":
        above: dict[str, Node] = {"gt": Const(False), "gte": pos, "lt": Or((finite, neg))}
        return above.get(op, Or((finite, neg, pos)))
    if spelling == "-Infinity":
        below: dict[str, Node] = {"lt": Const(False), "lte": neg, "gt": Or((finite, pos))}
        return below.get(op, Or((finite, pos, neg)))
    return Or((Cond(path, op, arg), pos if op in ("gt", "gte") else neg))


def _truthy(arg: Any) -> bool:
    if isinstance(arg, bool | int | float):
        return bool(arg)
    return arg is not None


def _regex(pattern: Any, options: Any, raw: str) -> tuple[str, str]:
    if isinstance(pattern, Mapping) and "$regex" in pattern:  # {"$regex": {"$regex": ..}}
        options = pattern.get("$options", options)
        pattern = pattern["$regex"]
    if not isinstance(pattern, str):
        raise QueryError(f"$regex needs a string (at {raw!r})")
    if not isinstance(options, str) or set(options) - REGEX_OPTIONS:
        raise QueryError(f"$options must be made of {''.join(sorted(REGEX_OPTIONS))} (at {raw!r})")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise QueryError(f"invalid $regex {pattern!r} (at {raw!r}): {exc}") from None
    return pattern, "".join(sorted(set(options)))


def _types(arg: Any, raw: str) -> frozenset[str]:
    items = arg if isinstance(arg, list) else [arg]
    if not items:
        raise QueryError(f"$type needs at least one type (at {raw!r})")
    names: set[str] = set()
    for item in items:
        if isinstance(item, int | float) and not isinstance(item, bool) and item in TYPE_CODES:
            names.add(TYPE_CODES[int(item)])
        elif isinstance(item, str) and item in TYPE_NAMES:
            names.add(item)
        else:
            raise QueryError(f"unknown $type {item!r} (at {raw!r})")
    return frozenset(names)


def regex_flags(options: str) -> int:
    """Python ``re`` flags for Mongo ``$options``."""
    flags = 0
    for ch, flag in (("i", re.I), ("m", re.M), ("s", re.S), ("x", re.X)):
        if ch in options:
            flags |= flag
    return flags
