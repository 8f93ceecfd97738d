"""Python evaluation of a parsed filter over a canonical JSON document.

This is the executable specification of the SQL compilers (the tests check
SQL == Python == mongomock) and the engine of the aggregation ``$match``
stages that cannot be pushed down to SQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from .extjson import JSON, is_nonfinite, is_uuid
from .paths import Path, PathRewriter, is_index
from .tree import And, Cond, Const, ElemMatch, Node, Not, Or, parse_filter, regex_flags
from .values import compare, equal, kind, type_names


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""Marks a path route that ends at a missing field (matches ``null``)."""


def resolve(doc: JSON, path: Path) -> list[Any]:
    """All values a dotted path reaches, Mongo style; :data:`MISSING` for dead ends.

    Arrays met before the last component are traversed one level (their object
    elements); scalar elements are skipped.  Numeric components also index arrays.
    """
    out: list[Any] = []

    def walk(v: JSON, i: int) -> None:
        if i == len(path):
            out.append(v)
            return
        part = path[i]
        if isinstance(v, dict):
            if part in v:
                walk(v[part], i + 1)
            else:
                out.append(MISSING)
        elif isinstance(v, list):
            numeric = is_index(part)
            if numeric and int(part) < len(v):
                walk(v[int(part)], i + 1)
            for elem in v:
                if isinstance(elem, dict):
                    if part in elem:
                        walk(elem[part], i + 1)
                    elif not numeric:
                        out.append(MISSING)
        else:
            out.append(MISSING)

    walk(doc, 0)
    return out


@lru_cache(maxsize=256)
def _compiled(pattern: str, options: str) -> re.Pattern[str]:
    return re.compile(pattern, regex_flags(options))


def _range(op: str, arg: JSON) -> Callable[[JSON], bool]:
    want = kind(arg)
    uuid_only = is_uuid(arg)

    def test(x: JSON) -> bool:
        # Non-finite numbers are never in a range: the parser adds the infinities as
        # equalities (tree._number_range), as the SQL compilers cannot order them.
        if kind(x) != want or (uuid_only and not is_uuid(x)) or is_nonfinite(x):
            return False
        c = compare(x, arg)
        return {"gt": c > 0, "gte": c >= 0, "lt": c < 0, "lte": c <= 0}[op]

    return test


def value_test(op: str, arg: Any) -> Callable[[JSON], bool]:
    """Predicate on a single (already expanded) candidate value."""
    if op == "eq":
        return lambda x: equal(x, arg)
    if op == "in":
        return lambda x: any(equal(x, a) for a in arg)
    if op in ("gt", "gte", "lt", "lte"):
        return _range(op, arg)
    if op == "regex":
        rx = _compiled(*arg)
        return lambda x: isinstance(x, str) and rx.search(x) is not None
    if op == "type":
        return lambda x: bool(type_names(x) & arg)
    raise AssertionError(op)


def _cond(node: Cond, target: JSON) -> bool:
    if node.path:
        values = resolve(target, node.path)
        expand = True
    else:
        values, expand = [target], False
    op, arg = node.op, node.arg
    if op == "exists":
        return any(v is not MISSING for v in values)
    if op == "size":
        return any(isinstance(v, list) and len(v) == arg for v in values)
    matches_null = (op == "eq" and arg is None) or (op == "in" and None in arg)
    test = value_test(op, arg)
    for v in values:
        if v is MISSING:
            if matches_null:
                return True
            continue
        if test(v) or (expand and isinstance(v, list) and any(test(e) for e in v)):
            return True
    return False


def evaluate(node: Node, target: JSON) -> bool:
    """Whether ``target`` (a document, or a value inside ``$elemMatch``) matches ``node``."""
    if isinstance(node, Cond):
        return _cond(node, target)
    if isinstance(node, And):
        return all(evaluate(c, target) for c in node.children)
    if isinstance(node, Or):
        return any(evaluate(c, target) for c in node.children)
    if isinstance(node, Not):
        return not evaluate(node.child, target)
    if isinstance(node, Const):
        return node.value
    if isinstance(node, ElemMatch):
        for v in resolve(target, node.path):
            if isinstance(v, list):
                for elem in v:
                    if node.on_value and evaluate(node.inner, elem):
                        return True
                    if (
                        not node.on_value
                        and isinstance(elem, dict)
                        and kind(elem) == "object"
                        and evaluate(node.inner, elem)
                    ):
                        return True
        return False
    raise AssertionError(node)


def matches(filt: Mapping[str, Any], doc: JSON, rewrite_path: PathRewriter | None = None) -> bool:
    """Parse ``filt`` and test one canonical document (convenience for callers/tests)."""
    return evaluate(parse_filter(filt, rewrite_path), doc)


def filter_docs(node: Node, docs: Iterator[JSON] | list[JSON]) -> Iterator[JSON]:
    """Lazily keep the documents matching a parsed filter."""
    return (d for d in docs if evaluate(node, d))
