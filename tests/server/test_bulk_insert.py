"""Many entity rows in one statement (store.bulk), on SQLite and PostgreSQL: each row stored
as given, the ids returned in order, and the engine's statement limit still in force."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from qalx_server.guids import new_guid
from qalx_server.store.bulk import NewEntity, insert_entities
from qalx_server.store.database import Database
from qalx_server.store.tables import companies, entities
from tests.support.servers import BACKENDS, database_url


@pytest.mark.parametrize("backend", BACKENDS)
def test_rows_are_stored_as_given_and_their_ids_come_back_in_order(
    backend: str, tmp_path: Path
) -> None:
    with database_url(backend, tmp_path) as url:
        db = Database(url, statement_seconds=30)
        try:
            db.migrate()
            with db.write() as conn:
                made = conn.execute(
                    companies.insert().values(
                        guid=new_guid(), name="co", created_at=dt.datetime.now(dt.UTC)
                    )
                ).inserted_primary_key
                assert made is not None
                company = int(made[0])
                if backend == "sqlite":
                    # A deadline left from an earlier statement on the connection: the
                    # insert must set its own (it runs through the engine's events).
                    conn.connection.info["deadline"][0] = 0.0
                rows: list[NewEntity] = [
                    (
                        new_guid(),
                        f"name {n}" if n % 3 == 0 else None,
                        f"files/{n}.txt" if n % 2 else None,
                        {"data": {"i": n, "x": n / 7, "s": "é\"'\\\n😀"}, "tags": [], "n": None},
                    )
                    for n in range(1500)  # two statements
                ]
                ids = insert_entities(conn, company, "queue", rows)
            assert ids == sorted(ids) and len(set(ids)) == len(rows)
            with db.read() as conn:
                stored = conn.execute(
                    sa.select(
                        entities.c.id,
                        entities.c.company_id,
                        entities.c.entity_type,
                        entities.c.guid,
                        entities.c.unique_name,
                        entities.c.file_key,
                        entities.c.archived,
                        entities.c.doc,
                    ).order_by(entities.c.id)
                ).all()
            assert [tuple(row) for row in stored] == [
                (row_id, company, "queue", guid, name, key, False, doc)
                for row_id, (guid, name, key, doc) in zip(ids, rows, strict=True)
            ]
        finally:
            db.dispose()
