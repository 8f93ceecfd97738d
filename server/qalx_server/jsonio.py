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
from typing import Any

import orjson

from qalx_server.store.query.extjson import plain_doubles

_WRAPPER = b'"$numberDouble"'


class InvalidJSON(ValueError):
    """A request body that is not JSON we can store; the message says where and why."""


def loads(raw: bytes) -> Any:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        value = _with_nonfinite(raw)
    if b"\\u0000" in raw and _has_nul(value):
        raise InvalidJSON(
            "the request body contains the NUL character (\\u0000), which cannot be stored"
        )
    return value


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
