"""Query errors: raised while a query is parsed, before any SQL is built or run.

The API layer maps every :class:`QueryError` to HTTP 400, so messages are written
for the client and always name the offending operator or path.
"""

from __future__ import annotations


class QueryError(ValueError):
    """A filter, sort, projection or pipeline is malformed."""


class UnsupportedOperator(QueryError):
    """An operator or stage that this server refuses (unknown, or unsafe such as JS)."""

    def __init__(self, operator: str, path: str | None = None, reason: str | None = None):
        self.operator = operator
        self.path = path
        where = f" (at {path!r})" if path else ""
        why = f": {reason}" if reason else ""
        super().__init__(f"unsupported query operator {operator!r}{where}{why}")
