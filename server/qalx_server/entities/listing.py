"""The list envelope: `{"data": [...], "query": {count, total?, skip, limit, next, previous}}`.

`next` and `previous` are paths relative to the base URL (no leading `/`) that carry their own
query string, as pyqalx's CLI fetches them by appending them to BASE_URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode


def page_link(base_path: str, params: dict[str, Any], skip: int, limit: int) -> str:
    pairs: list[tuple[str, Any]] = [("skip", skip), ("limit", limit)]
    if params.get("total"):
        pairs.append(("total", "true"))
    for name in ("sort", "fields"):
        pairs += [(name, v) for v in params.get(name) or []]
    if params.get("query"):
        pairs.append(("query", params["query"]))
    return f"{base_path}?{urlencode(pairs)}"


def envelope(
    rows: list[dict[str, Any]],
    more: bool,
    total: int | None,
    params: dict[str, Any],
    base_path: str,
) -> dict[str, Any]:
    """The page `rows`; `more` when matches follow it; `total` only when it was asked for."""
    skip, limit = params["skip"], params["limit"]
    query: dict[str, Any] = {
        "count": len(rows),
        "skip": skip,
        "limit": limit,
        "next": page_link(base_path, params, skip + len(rows), limit) if more else None,
        "previous": page_link(base_path, params, max(skip - limit, 0), limit) if skip > 0 else None,
    }
    if total is not None:
        query["total"] = total
    return {"data": rows, "query": query}
