"""JSON in and out of the server: fast (orjson), and clear about what is wrong with bad input.

Accepted bodies are what both databases can store: no lone UTF-16 surrogates, and no NUL
character (PostgreSQL's JSONB cannot hold one). Bare `NaN`, `Infinity` and `-Infinity`
tokens, which Python's json (and so pyqalx) writes for non-finite floats, are accepted: the
query engine's canonical form stores them as `{"$numberDouble": ...}` wrappers, and answers
carry them as bare tokens again.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import orjson

from qalx_server.store.query.extjson import plain_doubles

_WRAPPER = b'"$numberDouble"'


class InvalidJSON(ValueError):
    """A request body that is not JSON we can store; the message says where and why."""


INT64 = (-(2**63), 2**63 - 1)
"""The integers a body may hold (what BSON, and so the hosted service, stores); orjson would
turn a longer one into an inexact float without a word."""
_LONG_DIGITS = re.compile(rb"\d{19,}")
"""A run of digits that may be an integer beyond 64 bits (19 digits reach 2**63)."""


def loads(raw: bytes) -> Any:
    return read(raw)[0]


def read(raw: bytes) -> tuple[Any, bool]:
    """The value of `raw`, as `loads` reads it, and True when that value is sure to be in the
    query engine's canonical form already (`store.query.canonical` would only copy it):
    orjson read it, so it holds no non-finite number (only the standard library reads those,
    `1e400` as well as `NaN`), and it holds no `$`, escaped or not, so no Extended JSON
    value. Canonicalising a bulk create of a thousand items was a tenth of its time."""
    try:
        value = orjson.loads(raw)
        canonical = b"$" not in raw and b"\\u0024" not in raw
    except orjson.JSONDecodeError:
        value = _with_nonfinite(raw)
        canonical = False
    if _LONG_DIGITS.search(raw):
        _refuse_long_integers(raw)
    if b"\\u0000" in raw and _has_nul(value):
        raise InvalidJSON(
            "the request body contains the NUL character (\\u0000), which cannot be stored"
        )
    return value, canonical


def _with_nonfinite(raw: bytes) -> Any:
    """orjson refuses NaN and Infinity on purpose; the standard library reads them. Anything
    else orjson refuses stays refused, with the standard library's clearer words."""
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidJSON(f"the request body is not valid JSON: {exc}") from None
    if not _has_nonfinite(value):
        raise InvalidJSON(_explain(value))
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidJSON(_explain(value)) from None
    return value


def _refuse_long_integers(raw: bytes) -> None:
    """Read the body again keeping integers exact (rare: only bodies with long digit runs),
    and refuse one beyond 64 bits, naming where it is."""
    try:
        exact = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return  # orjson read it (nothing the standard library refuses holds a long number)
    where = _long_integer(exact, "")
    if where is not None:
        raise InvalidJSON(
            f"the request body holds an integer beyond 64 bits at {where or 'its top'}, which "
            "cannot be stored exactly: send it as a string (or a float)"
        )


def _long_integer(value: Any, path: str) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return None if INT64[0] <= value <= INT64[1] else path
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, inner in items:
        found = _long_integer(inner, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def _explain(value: Any) -> str:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "the request body contains a lone UTF-16 surrogate (an invalid \\uXXXX escape)"
    return "the request body is not valid JSON"


def _has_nonfinite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_nonfinite(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nonfinite(v) for v in value)
    return False


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any("\x00" in k or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def dumps(value: Any) -> bytes:
    """An answer. Documents holding stored non-finite numbers (rare: the check is a substring
    search) take the standard library's slower path, which writes bare `NaN`/`Infinity`."""
    out = orjson.dumps(value)
    if _WRAPPER not in out:
        return out
    text = json.dumps(plain_doubles(value), ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")
