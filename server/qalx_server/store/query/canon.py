"""Order-insensitive canonical JSON text, for comparing arrays/objects in SQL.

SQLite stores JSON as text, so ``[1.0]`` vs ``[1]``, key order and datetime
zones would make equal BSON values differ.  :func:`canon_text` removes those
differences; it is registered as the SQLite function ``qalx_canon``.
"""

from __future__ import annotations

import json
from typing import Any

from .extjson import JSON


def _canon(v: JSON) -> Any:
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, float):
        return int(v) if v.is_integer() and abs(v) < 2**63 else v
    if isinstance(v, int):
        return v
    if isinstance(v, list):
        return [_canon(x) for x in v]
    if "$date" in v:
        return {"$date": v["$date"]}
    return {k: _canon(x) for k, x in v.items()}


def canon_text(v: JSON) -> str:
    """Canonical text of a decoded JSON value."""
    return json.dumps(_canon(v), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canon_json_text(text: str | None) -> str | None:
    """Canonical text of a JSON text (SQL function form; NULL in, NULL out)."""
    if text is None:
        return None
    try:
        return canon_text(json.loads(text))
    except (TypeError, ValueError):
        return None
