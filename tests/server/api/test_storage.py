"""Storage guarantees: migrations equal the schema, and concurrent writers lose nothing."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from qalx_api_client import models
from qalx_api_client.api.bot import create_bot, get_bot, replace_bot_workers
from qalx_api_client.api.item import aggregate_items, create_item
from qalx_api_client.api.worker import update_worker
from qalx_server.store.database import Database
from qalx_server.store.tables import companies, entities, metadata
from tests.support.servers import BACKENDS, LiveServer, database_url

from .conftest import Tenant
from .helpers import ok, present, query, uuid_of


def test_migrations_build_exactly_the_declared_schema(live: LiveServer) -> None:
    with live.server.db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


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
