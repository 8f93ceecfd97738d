"""JSON in and out of the server: fast (orjson), and clear about what is wrong with bad input.

Accepted bodies are what both databases can store: no NaN or Infinity, no lone UTF-16
surrogates, and no NUL character (PostgreSQL's JSONB cannot hold one).
"""

from __future__ import annotations

import json
from typing import Any

import orjson


class InvalidJSON(ValueError):
    """A request body that is not JSON we can store; the message says where and why."""


def loads(raw: bytes) -> Any:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise InvalidJSON(_explain(raw)) from None
    if b"\\u0000" in raw and _has_nul(value):
        raise InvalidJSON(
            "the request body contains the NUL character (\\u0000), which cannot be stored"
        )
    return value


def _explain(raw: bytes) -> str:
    """orjson's messages are terse; the standard library's name the line and column, and it
    parses what orjson refuses on purpose, so we can say which of those it was."""
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return f"the request body is not valid JSON: {exc}"
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return "the request body contains NaN or Infinity, which cannot be stored"
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "the request body contains a lone UTF-16 surrogate (an invalid \\uXXXX escape)"
    return "the request body is not valid JSON"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any("\x00" in k or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def dumps(value: Any) -> bytes:
    return orjson.dumps(value)
