"""BSON type brackets, ordering and equality over canonical JSON values.

One Python definition of MongoDB's comparison rules, shared by the Python
matcher, the aggregation stages and the sort tests, so the SQL compilers have a
single reference to agree with.
"""

from __future__ import annotations

import base64
import functools
from typing import Any

from .extjson import JSON, is_nonfinite, number_value

# MongoDB's canonical type order (bsontypes.h canonicalizeBSONType).
RANK_MISSING = 5
RANK: dict[str, int] = {
    "null": 5,
    "number": 10,
    "string": 15,
    "object": 20,
    "array": 25,
    "binData": 30,
    "bool": 40,
    "date": 45,
}

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
FINITE = "finite"
"""An internal ``$type`` name (not accepted from clients): a plain JSON number, so neither
NaN nor ±Infinity. The parser uses it to give infinities their place in range queries."""


def kind(v: JSON) -> str:
    """The BSON comparison bracket of a canonical JSON value."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        if is_nonfinite(v):
            return "number"
        if "$date" in v:
            return "date"
        if "$uuid" in v or "$binary" in v:
            return "binData"
        return "object"
    raise TypeError(f"not a JSON value: {v!r}")


def type_names(v: JSON) -> frozenset[str]:
    """The ``$type`` names a single (non-expanded) value answers to."""
    k = kind(v)
    if k == "number":
        if is_nonfinite(v):
            return frozenset({"number", "double"})
        if isinstance(v, float):
            return frozenset({"number", "double", FINITE})
        if INT32_MIN <= v <= INT32_MAX:
            return frozenset({"number", "int", FINITE})
        return frozenset({"number", "long", FINITE})
    return frozenset({k})


def _bin_key(v: dict[str, Any]) -> tuple[int, int, bytes]:
    if "$uuid" in v:
        data = bytes.fromhex(v["$uuid"])
        return (len(data), 4, data)
    data = base64.b64decode(v["$binary"])
    return (len(data), int(str(v.get("$type", "00")), 16), data)


def _sign(x: Any, y: Any) -> int:
    return int(x > y) - int(x < y)


def _compare_numbers(a: JSON, b: JSON) -> int:
    """MongoDB's order of numbers: NaN below all others (and equal to itself)."""
    x, y = number_value(a), number_value(b)
    if x != x or y != y:
        return _sign(y != y, x != x)
    return _sign(x, y)


def compare(a: JSON, b: JSON) -> int:
    """Total BSON order of two canonical values: -1, 0 or 1."""
    ka, kb = kind(a), kind(b)
    if ka != kb:
        return _sign(RANK[ka], RANK[kb])
    if ka == "null":
        return 0
    if ka == "number":
        return _compare_numbers(a, b)
    if ka in ("string", "bool"):
        return _sign(a, b)
    if ka == "date":
        return _sign(a["$date"], b["$date"])
    if ka == "binData":
        return _sign(_bin_key(a), _bin_key(b))
    if ka == "array":
        for x, y in zip(a, b, strict=False):
            c = compare(x, y)
            if c:
                return c
        return _sign(len(a), len(b))
    # object: field by field (type, name, value), then size
    for (xk, xv), (yk, yv) in zip(a.items(), b.items(), strict=False):
        c = _sign(RANK[kind(xv)], RANK[kind(yv)]) or _sign(xk, yk) or compare(xv, yv)
        if c:
            return c
    return _sign(len(a), len(b))


def equal(a: JSON, b: JSON) -> bool:
    """BSON equality, except that object key order is ignored (JSONB cannot keep it)."""
    ka, kb = kind(a), kind(b)
    if ka != kb:
        return False
    if ka == "object":
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if ka == "array":
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    return compare(a, b) == 0


sort_key = functools.cmp_to_key(compare)
"""``sorted(values, key=sort_key)`` orders canonical values the BSON way."""
