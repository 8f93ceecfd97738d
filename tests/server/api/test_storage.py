"""Storage guarantees: migrations equal the schema, and concurrent writers lose nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from qalx_api_client import models
from qalx_api_client.api.bot import create_bot, get_bot, replace_bot_workers
from qalx_api_client.api.item import aggregate_items, create_item
from qalx_api_client.api.worker import update_worker
from qalx_server.auth.principal import Principal
from qalx_server.entities.errors import NotFound
from qalx_server.entities.service import EntityService
from qalx_server.files.local import LocalFileStore
from qalx_server.store.database import Database
from qalx_server.store.tables import companies, entities, schema_differences
from tests.support.postgres import throwaway_database
from tests.support.servers import BACKENDS, LiveServer, database_url

from .conftest import Tenant
from .helpers import ok, present, query, uuid_of


def test_migrations_build_exactly_the_declared_schema(live: LiveServer) -> None:
    with live.server.db.engine.connect() as conn:
        assert schema_differences(conn) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_frees_the_names_of_entities_archived_before_it(
    backend: str, tmp_path: Path
) -> None:
    with database_url(backend, tmp_path) as url:
        db = Database(url)
        try:
            db.migrate("0002")
            with db.write() as conn:
                company = conn.execute(
                    companies.insert().values(
                        guid="c" * 32, name="co", created_at=dt.datetime.now(dt.UTC)
                    )
                ).inserted_primary_key
                assert company is not None
                for n, archived in enumerate([True, False]):
                    conn.execute(
                        entities.insert().values(
                            company_id=company[0],
                            entity_type="queue",
                            guid=f"{n}" * 32,
                            unique_name=f"q{n}",
                            archived=archived,
                            doc={},
                        )
                    )
            db.migrate()
            with db.read() as conn:
                held = conn.execute(
                    sa.select(entities.c.unique_name).order_by(entities.c.guid)
                ).scalars()
                assert list(held) == [None, "q1"]
        finally:
            db.dispose()


def test_concurrent_worker_updates_are_all_kept(tenant: Tenant) -> None:
    bot = ok(create_bot.sync_detailed(client=tenant.client, body=models.BotCreate(name="b")), 201)
    token = present(present(bot.info).credentials).token
    guid = uuid_of(bot.guid)
    body = models.ReplaceWorkers(workers=8)
    workers = present(
        ok(
            replace_bot_workers.sync_detailed(guid, client=tenant.client_for(token), body=body)
        ).workers
    )
    errors: list[BaseException] = []

    def report(index: int) -> None:
        # Each worker process PATCHes its own worker at the same moment (read-modify-write of
        # the bot document on the server).
        client = tenant.client_for(token)
        try:
            for step in range(5):
                state = models.WorkerUpdate.from_dict({"status": {"message": f"{index}:{step}"}})
                ok(
                    update_worker.sync_detailed(
                        guid, uuid_of(workers[index].guid), client=client, body=state
                    )
                )
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=report, args=(i,)) for i in range(len(workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    final = present(ok(get_bot.sync_detailed(guid, client=tenant.client)).workers)
    assert sorted(present(w.status).message or "" for w in final) == sorted(
        f"{i}:4" for i in range(8)
    )


def test_aggregation_sees_only_the_callers_company(tenant: Tenant, other_tenant: Tenant) -> None:
    for client in (tenant.client, other_tenant.client, other_tenant.client):
        ok(
            create_item.sync_detailed(
                client=client, body=models.ItemCreate.from_dict({"data": {"v": 1}})
            ),
            201,
        )
    count = models.AggregateRequest(aggregate=query([{"$count": "n"}]))
    rows = ok(aggregate_items.sync_detailed(client=tenant.client, body=count)).data
    assert [r.to_dict() for r in rows] == [{"n": 1}]


def _index_scans(node: dict[str, Any]) -> list[tuple[str, str]]:
    """(index, index condition) of every index scan in an EXPLAIN (FORMAT JSON) plan."""
    found = [(node["Index Name"], node.get("Index Cond", ""))] if "Index Name" in node else []
    for child in node.get("Plans", []):
        found += _index_scans(child)
    return found


def test_entity_lookup_uses_the_guid_index_on_postgresql_without_statistics(
    tmp_path: Path,
) -> None:
    """GET/PATCH item/{guid} stay O(log n) as one company's items grow. A fresh database (or
    one grown by bulk creates since its last ANALYZE) has no statistics; the lookup must still
    be planned on the guid's unique index, both as a one-off (custom) plan and as the generic
    plan psycopg's prepared statements keep, and never walk the company's items through the
    (company_id, entity_type, ...) indexes."""
    with throwaway_database() as url:
        db = Database(url)
        try:
            db.migrate()
            with db.write() as conn:
                made = conn.execute(
                    companies.insert().values(
                        guid="c" * 32, name="co", created_at=dt.datetime.now(dt.UTC)
                    )
                ).inserted_primary_key
                assert made is not None
                company = int(made[0])
                # No autovacuum ANALYZE mid-test: the plans are to be made without statistics.
                conn.execute(sa.text("ALTER TABLE entities SET (autovacuum_enabled = false)"))
                conn.execute(
                    sa.text(
                        "INSERT INTO entities (company_id, entity_type, guid, archived, doc) "
                        "SELECT :company, 'item', md5(n::text), false, '{\"data\": {}}' "
                        "FROM generate_series(1, 2000) AS n"
                    ),
                    {"company": company},
                )
            guid = hashlib.md5(b"1000").hexdigest()
            service = EntityService(db, LocalFileStore(tmp_path, b"s" * 32, max_bytes=1))
            who = Principal(company, "c" * 32, "user", "u" * 32, "u@example.com")
            outsider = Principal(company + 1, "d" * 32, "user", "v" * 32, "v@example.com")
            statements: list[tuple[str, Any]] = []

            def grab(*args: Any) -> None:
                statements.append((args[2], args[3]))

            sa.event.listen(db.engine, "before_cursor_execute", grab)
            with db.read() as conn:
                assert service.load(conn, who, "item", guid).guid == guid
            sa.event.remove(db.engine, "before_cursor_execute", grab)
            with db.read() as conn:  # another company's guid, or another type's, is missing
                for principal, entity_type in ((outsider, "item"), (who, "file")):
                    with pytest.raises(NotFound):
                        service.load(conn, principal, entity_type, guid)
            [(statement, params)] = statements
            with db.engine.connect() as conn:
                tuples = conn.execute(
                    sa.text("SELECT reltuples FROM pg_class WHERE relname = 'entities'")
                ).scalar_one()
                assert tuples < 0, "entities was analyzed: the test needs it without statistics"
                for mode in ("force_custom_plan", "force_generic_plan"):
                    conn.exec_driver_sql(f"SET plan_cache_mode = {mode}")
                    conn.exec_driver_sql(f"PREPARE lookup AS {_numbered(statement, params)}")
                    values = ", ".join(_literal(v) for v in params.values())
                    explained = conn.exec_driver_sql(
                        f"EXPLAIN (FORMAT JSON) EXECUTE lookup({values})"
                    ).scalar_one()
                    conn.exec_driver_sql("DEALLOCATE lookup")
                    plan = (json.loads(explained) if isinstance(explained, str) else explained)[0]
                    scans = _index_scans(plan["Plan"])
                    assert [name for name, _ in scans] == ["uq_entities_guid"], (mode, plan)
                    assert "company_id" not in scans[0][1], (mode, plan)
        finally:
            db.dispose()


def _numbered(statement: str, params: dict[str, Any]) -> str:
    """psycopg's `%(name)s` placeholders as PREPARE's `$1, $2, ...`."""
    for number, name in enumerate(params, start=1):
        statement = statement.replace(f"%({name})s", f"${number}")
    return statement


def _literal(value: Any) -> str:
    return str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"
