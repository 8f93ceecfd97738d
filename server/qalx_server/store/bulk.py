"""Many new `entities` rows in one statement, written for each database's driver.

A bulk create of 1,000 items through SQLAlchemy's insertmanyvalues spent more time building
the statement and processing each bound value than the database spent inserting: on
PostgreSQL, psycopg parsed the 7,000-placeholder statement anew on every request (it caches
only short ones). Here SQLite gets a multi-row VALUES statement whose text depends only on the
number of rows (so sqlite3 compiles it once per connection), and PostgreSQL one statement of
six parameters, the columns as binary arrays that `unnest` turns into rows. Both go through
`exec_driver_sql`, so the engine's events (the statement time limit) still apply.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from .database import json_text

NewEntity = tuple[str, str | None, str | None, dict[str, Any]]
"""A new row's guid, unique name (None for types without one), file key and document."""

_ROWS_PER_STATEMENT = 1000
"""SQLite binds at most 32,766 parameters in one statement: 6 per row."""
_COLUMNS = "company_id, entity_type, guid, unique_name, archived, file_key, doc"
_POSTGRESQL = (
    f"INSERT INTO entities ({_COLUMNS}) "
    "SELECT %s, %s, g, n, false, f, d::jsonb "
    "FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[]) "
    "WITH ORDINALITY AS r(g, n, f, d, o) ORDER BY o "
    "RETURNING id, guid"
)
"""Binary arrays (`%b`): psycopg writes text arrays with every quote of the documents escaped,
which took three times as long."""


def insert_entities(
    conn: Connection, company_id: int, entity_type: str, rows: Sequence[NewEntity]
) -> list[int]:
    """Insert new, unarchived entities of one company and type; their ids, in order (which
    is also the order the ids ascend in)."""
    ids: list[int] = []
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[start : start + _ROWS_PER_STATEMENT]
        if conn.dialect.name == "postgresql":
            columns = list(zip(*chunk, strict=True))
            params: tuple[Any, ...] = (
                company_id,
                entity_type,
                list(columns[0]),
                list(columns[1]),
                list(columns[2]),
                [json_text(doc) for doc in columns[3]],
            )
            found = conn.exec_driver_sql(_POSTGRESQL, params).all()
        else:
            flat: list[Any] = []
            for guid, name, file_key, doc in chunk:
                flat += (company_id, entity_type, guid, name, file_key, json_text(doc))
            found = conn.exec_driver_sql(_sqlite(len(chunk)), tuple(flat)).all()
        # Neither database promises RETURNING's order: the guids (unique) say which is which.
        by_guid = {guid: row_id for row_id, guid in found}
        ids += (int(by_guid[guid]) for guid, *_ in chunk)
    return ids


@functools.lru_cache(maxsize=16)
def _sqlite(count: int) -> str:
    values = ", ".join(["(?, ?, ?, ?, 0, ?, ?)"] * count)
    return f"INSERT INTO entities ({_COLUMNS}) VALUES {values} RETURNING id, guid"
