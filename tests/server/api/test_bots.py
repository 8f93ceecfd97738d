"""Bots and workers: bot tokens, replace-workers, signals and states (wire-contract §2.3-§2.4)."""

from __future__ import annotations

from qalx_api_client import models
from qalx_api_client.api.bot import (
    create_bot,
    delete_bot,
    get_bot,
    list_bots,
    replace_bot_workers,
    update_bot,
)
from qalx_api_client.api.item import create_item
from qalx_api_client.api.worker import delete_worker, get_worker, list_workers, update_worker

from .conftest import Tenant
from .helpers import doc, error, hex_of, ok, present, query, save_body, uuid_of

BOT = {
    "name": "beam-bot",
    "config": {"TOKEN": None, "Q_MSGBATCHSIZE": 1, "queue_name": "beams", "REGION": "eu-west-2"},
    "host": {"node": "ws-7", "platform": "Linux", "ip": None},
    "meta": {},
    "tags": [],
}


def _bot(tenant: Tenant) -> tuple[models.Bot, str]:
    created = ok(
        create_bot.sync_detailed(client=tenant.client, body=models.BotCreate.from_dict(BOT)), 201
    )
    token = present(present(created.info).credentials).token
    return created, token


def test_bot_create_mints_a_bot_token_that_acts_as_the_bot(tenant: Tenant) -> None:
    bot, token = _bot(tenant)
    assert (bot.state, present(bot.workers)) == ("idle", [])
    assert doc(bot)["config"] == BOT["config"]
    as_bot = tenant.client_for(token)
    made = ok(
        create_item.sync_detailed(client=as_bot, body=models.ItemCreate.from_dict({"data": {}})),
        201,
    )
    by = present(present(made.info).created).by
    assert (by.entity, hex_of(present(by.guid))) == ("bot", hex_of(bot.guid))
    # Bots cannot make bots; the token is only shown on create.
    error(create_bot.sync_detailed(client=as_bot, body=models.BotCreate.from_dict(BOT)), 403)
    fetched = doc(ok(get_bot.sync_detailed(uuid_of(bot.guid), client=tenant.client)))
    assert "credentials" not in fetched["info"]


def test_replace_workers_needs_the_bots_own_token(tenant: Tenant) -> None:
    bot, token = _bot(tenant)
    guid = uuid_of(bot.guid)
    body = models.ReplaceWorkers(workers=3)
    error(replace_bot_workers.sync_detailed(guid, client=tenant.client, body=body), 403)
    other, _ = _bot(tenant)
    error(
        replace_bot_workers.sync_detailed(
            uuid_of(other.guid), client=tenant.client_for(token), body=body
        ),
        403,
    )

    replaced = ok(
        replace_bot_workers.sync_detailed(guid, client=tenant.client_for(token), body=body)
    )
    workers = present(replaced.workers)
    assert len(workers) == 3
    assert all(w.state == "idle" and w.signal.to_dict() == {} for w in workers)
    again = ok(
        replace_bot_workers.sync_detailed(
            guid, client=tenant.client_for(token), body=models.ReplaceWorkers(workers=1)
        )
    )
    assert len(present(again.workers)) == 1


def test_worker_signals_merge_and_are_read_with_fields(tenant: Tenant) -> None:
    bot, token = _bot(tenant)
    bot_guid = uuid_of(bot.guid)
    as_bot = tenant.client_for(token)
    (worker,) = present(
        ok(
            replace_bot_workers.sync_detailed(
                bot_guid, client=as_bot, body=models.ReplaceWorkers(workers=1)
            )
        ).workers
    )
    worker_guid = uuid_of(worker.guid)

    def patch(body: dict[str, object]) -> None:
        ok(
            update_worker.sync_detailed(
                bot_guid,
                worker_guid,
                client=tenant.client,
                body=models.WorkerUpdate.from_dict(body),
            )
        )

    patch({"state": "terminated"})
    patch({"signal": {"terminate": True, "warm": True}})
    patch({"signal": {"stop": True}})  # a later stop keeps the pending terminate
    read = ok(get_worker.sync_detailed(bot_guid, worker_guid, client=as_bot, fields=["signal"]))
    assert read.signal.to_dict() == {"terminate": True, "warm": True, "stop": True}
    assert read.state == "terminated"

    patch({"status": {"message": "warm exit signal found"}})
    embedded = present(ok(get_bot.sync_detailed(bot_guid, client=tenant.client)).workers)
    assert present(embedded[0].status).message == "warm exit signal found"


def test_nested_projections_keep_what_each_embedded_object_requires(tenant: Tenant) -> None:
    bot, token = _bot(tenant)
    guid = uuid_of(bot.guid)
    ok(
        replace_bot_workers.sync_detailed(
            guid, client=tenant.client_for(token), body=models.ReplaceWorkers(workers=2)
        )
    )
    ok(
        update_bot.sync_detailed(
            guid, client=tenant.client, body=models.BotUpdate.from_dict({"state": "draining"})
        )
    )
    # The server checks every answer against the spec, so a worker without its guid or
    # signal would be a 500 here.
    read = doc(ok(get_bot.sync_detailed(guid, client=tenant.client, fields=["workers.state"])))
    assert set(read) == {"guid", "workers"}
    assert [set(w) for w in read["workers"]] == [{"guid", "signal", "state"}] * 2
    listed = ok(list_bots.sync_detailed(client=tenant.client, fields=["workers.info", "state"]))
    (row,) = [doc(b) for b in listed.data]
    assert row["state"] == "draining"  # run states are an open set
    assert [set(w) for w in row["workers"]] == [{"guid", "info", "signal", "state"}] * 2
    tags = models.BotUpdate.from_dict({"tags": [{"name": "site", "value": "leeds"}]})
    ok(update_bot.sync_detailed(guid, client=tenant.client, body=tags))
    named = doc(ok(get_bot.sync_detailed(guid, client=tenant.client, fields=["tags.name"])))
    assert named["tags"] == [{"name": "site", "value": "leeds"}]


def test_bot_state_patches_and_full_saves(tenant: Tenant) -> None:
    bot, token = _bot(tenant)
    guid = uuid_of(bot.guid)
    as_bot = tenant.client_for(token)
    ok(
        replace_bot_workers.sync_detailed(
            guid, client=as_bot, body=models.ReplaceWorkers(workers=2)
        )
    )
    ok(
        update_bot.sync_detailed(
            guid, client=as_bot, body=models.BotUpdate.from_dict({"state": "active"})
        )
    )
    ok(
        update_bot.sync_detailed(
            guid, client=as_bot, body=models.BotUpdate.from_dict({"status": {"message": "up"}})
        )
    )
    current = doc(ok(get_bot.sync_detailed(guid, client=tenant.client)))
    assert current["state"] == "active" and current["status"] == {"message": "up"}

    # A full save (with stale embedded workers) leaves the workers alone.
    stale = save_body(current) | {"workers": [], "meta": {"owner": "eng"}}
    saved = doc(
        ok(
            update_bot.sync_detailed(
                guid, client=tenant.client, body=models.BotUpdate.from_dict(stale)
            )
        )
    )
    assert saved["meta"] == {"owner": "eng"}
    assert len(saved["workers"]) == 2


def test_bot_lists_filter_on_workers(tenant: Tenant) -> None:
    busy, token = _bot(tenant)
    _bot(tenant)
    ok(
        replace_bot_workers.sync_detailed(
            uuid_of(busy.guid),
            client=tenant.client_for(token),
            body=models.ReplaceWorkers(workers=2),
        )
    )
    with_workers = ok(
        list_bots.sync_detailed(
            client=tenant.client, query=query({"workers": {"$not": {"$size": 0}}})
        )
    )
    assert [hex_of(b.guid) for b in with_workers.data] == [hex_of(busy.guid)]


def test_worker_list_and_delete(tenant: Tenant) -> None:
    bot, token = _bot(tenant)
    guid = uuid_of(bot.guid)
    workers = present(
        ok(
            replace_bot_workers.sync_detailed(
                guid, client=tenant.client_for(token), body=models.ReplaceWorkers(workers=3)
            )
        ).workers
    )
    listed = ok(list_workers.sync_detailed(guid, client=tenant.client, limit=2, total=True))
    assert (listed.query.count, listed.query.total) == (2, 3)
    assert listed.query.next_ == f"bot/{guid.hex}/worker?skip=2&limit=2&total=true"
    first = uuid_of(workers[0].guid)
    ok(
        update_worker.sync_detailed(
            guid,
            first,
            client=tenant.client,
            body=models.WorkerUpdate.from_dict({"state": "active"}),
        )
    )
    active = ok(
        list_workers.sync_detailed(guid, client=tenant.client, query=query({"state": "active"}))
    )
    assert [hex_of(w.guid) for w in active.data] == [hex_of(workers[0].guid)]
    assert delete_worker.sync_detailed(guid, first, client=tenant.client).status_code == 204
    error(get_worker.sync_detailed(guid, first, client=tenant.client), 404)
    assert ok(list_workers.sync_detailed(guid, client=tenant.client, total=True)).query.total == 2


def test_deleting_a_bot_revokes_its_token(tenant: Tenant) -> None:
    bot, token = _bot(tenant)
    assert delete_bot.sync_detailed(uuid_of(bot.guid), client=tenant.client).status_code == 204
    tenant.live.server.auth.forget()  # this process's token cache
    refused = error(
        create_item.sync_detailed(client=tenant.client_for(token), body=models.ItemCreate()), 401
    )
    assert "token" in refused.detail
