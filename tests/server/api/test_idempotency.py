"""`Idempotency-Key` on every create: a repeat replays the first answer and makes nothing."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from qalx_api_client import models
from qalx_api_client.api.blueprint import create_blueprint, list_blueprints
from qalx_api_client.api.bot import create_bot, list_bots
from qalx_api_client.api.factory import create_factory, list_factories
from qalx_api_client.api.group import create_group, list_groups
from qalx_api_client.api.item import create_item, list_items
from qalx_api_client.api.notification import create_notification, list_notifications
from qalx_api_client.api.queue import archive_queue, create_queue, list_queues
from qalx_api_client.api.set_ import create_set, list_sets
from qalx_api_client.models import CreateItemQalxBulk
from qalx_server.store.tables import idempotency_keys
from tests.support.servers import BACKENDS, live_server

from .conftest import Tenant, make_tenant
from .helpers import error, hex_of, ok, uuid_of

SCHEMA = {"type": "object", "entity_type": "item"}
# entity type -> (create, list, body model, body)
CREATES: dict[str, tuple[Any, Any, Any, dict[str, Any]]] = {
    "item": (create_item, list_items, models.ItemCreate, {"data": {"i": 1}, "meta": {}}),
    "set": (create_set, list_sets, models.SetWrite, {"items": {}, "meta": {}}),
    "group": (create_group, list_groups, models.GroupWrite, {"sets": {}}),
    "blueprint": (
        create_blueprint,
        list_blueprints,
        models.BlueprintCreate,
        {"name": "dims", "schema": SCHEMA},
    ),
    "queue": (create_queue, list_queues, models.QueueCreate, {"name": "jobs"}),
    "bot": (create_bot, list_bots, models.BotCreate, {"name": "b", "config": {}}),
    "factory": (create_factory, list_factories, models.FactoryCreate, {"name": "f"}),
    "notification": (
        create_notification,
        list_notifications,
        models.NotificationCreate,
        {"subject": "s", "message": "m", "to": ["ops@example.com"]},
    ),
}


def _create(tenant: Tenant, entity_type: str, key: str | None, **changes: Any) -> Any:
    create, _, model, body = CREATES[entity_type]
    extra = {} if key is None else {"idempotency_key": key}
    return create.sync_detailed(
        client=tenant.client, body=model.from_dict({**body, **changes}), **extra
    )


def _count(tenant: Tenant, entity_type: str) -> int:
    total = ok(CREATES[entity_type][1].sync_detailed(client=tenant.client, total=True)).query.total
    assert isinstance(total, int)
    return total


@pytest.mark.parametrize("entity_type", sorted(CREATES))
def test_a_repeat_replays_the_first_answer_and_creates_nothing(
    tenant: Tenant, entity_type: str
) -> None:
    key = str(uuid.uuid4())
    first = _create(tenant, entity_type, key)
    again = _create(tenant, entity_type, key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert hex_of(again.parsed.guid) == hex_of(first.parsed.guid)
    assert again.parsed.to_dict() == first.parsed.to_dict()
    assert _count(tenant, entity_type) == 1
    # The same body under a new key is a new entity (names that must be unique aside).
    if entity_type not in ("blueprint", "queue"):
        ok(_create(tenant, entity_type, str(uuid.uuid4())), 201)
        assert _count(tenant, entity_type) == 2


def test_a_bot_repeat_replays_its_token(tenant: Tenant) -> None:
    first = ok(_create(tenant, "bot", "bot-1"), 201)
    again = ok(_create(tenant, "bot", "bot-1"), 201)
    assert again.info.credentials.token == first.info.credentials.token
    assert _count(tenant, "bot") == 1


def test_bulk_creates_replay_too(tenant: Tenant) -> None:
    body = models.ItemBulkCreate.from_dict({"items": [{"data": {"i": i}} for i in range(3)]})

    def bulk() -> models.ItemBulkResult:
        answer = create_item.sync_detailed(
            client=tenant.client, body=body, qalx_bulk=CreateItemQalxBulk.TRUE, idempotency_key="b"
        )
        parsed = ok(answer, 200)
        assert isinstance(parsed, models.ItemBulkResult)
        return parsed

    first, again = bulk(), bulk()
    assert [hex_of(i.guid) for i in again.items] == [hex_of(i.guid) for i in first.items]
    assert _count(tenant, "item") == 3
    # A single create under the bulk's key is another request.
    refused = error(_create(tenant, "item", "b"), 422)
    assert refused.code == "idempotency_key_reused"


def test_a_different_body_under_a_used_key_is_422(tenant: Tenant) -> None:
    ok(_create(tenant, "item", "k"), 201)
    refused = error(_create(tenant, "item", "k", data={"i": 2}), 422)
    assert "Idempotency-Key" in refused.detail and "'k'" in refused.detail
    assert refused.code == "idempotency_key_reused"
    error(_create(tenant, "set", "k"), 422)  # another operation is another request
    assert _count(tenant, "item") == 1
    # Key order and spacing do not make a body different.
    again = _create(tenant, "item", "k", meta={}, data={"i": 1})
    assert again.status_code == 201


def test_keys_are_per_company(tenant: Tenant, other_tenant: Tenant) -> None:
    mine = ok(_create(tenant, "item", "shared"), 201)
    theirs = ok(_create(other_tenant, "item", "shared"), 201)
    assert hex_of(theirs.guid) != hex_of(mine.guid)
    assert (_count(tenant, "item"), _count(other_tenant, "item")) == (1, 1)
    # Another company's different body under the same key is not a clash either.
    ok(_create(other_tenant, "item", "other", data={"x": 1}), 201)
    ok(_create(tenant, "item", "other", data={"y": 2}), 201)


def test_failed_creates_are_not_kept(tenant: Tenant) -> None:
    taken = ok(_create(tenant, "queue", None), 201)
    error(_create(tenant, "queue", "q"), 409)  # the name is taken
    ok(archive_queue.sync_detailed(uuid_of(taken.guid), client=tenant.client))
    ok(_create(tenant, "queue", "q"), 201)  # the same key, now that it can succeed


def test_keys_must_be_1_to_255_characters(tenant: Tenant) -> None:
    assert "Idempotency-Key" in error(_create(tenant, "item", "x" * 256), 400).detail
    assert _count(tenant, "item") == 0


def test_concurrent_repeats_create_exactly_one(tenant: Tenant) -> None:
    guids: list[str] = []
    failures: list[BaseException] = []
    start = threading.Barrier(8)

    def attempt() -> None:
        client = tenant.client_for(tenant.token)
        try:
            start.wait()
            answer = create_item.sync_detailed(
                client=client,
                body=models.ItemCreate.from_dict({"data": {"race": True}}),
                idempotency_key="race",
            )
            guids.append(hex_of(ok(answer, 201).guid))
        except BaseException as exc:  # surfaced below
            failures.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(guids) == 8 and len(set(guids)) == 1
    assert _count(tenant, "item") == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_keys_are_free_again_after_the_window_and_swept(backend: str, tmp_path: Path) -> None:
    with live_server(backend, tmp_path, idempotency_window_seconds=1) as live:
        tenant = make_tenant(live)
        try:
            first = ok(_create(tenant, "item", "k"), 201)
            ok(_create(tenant, "item", "other"), 201)
            assert hex_of(ok(_create(tenant, "item", "k"), 201).guid) == hex_of(first.guid)
            time.sleep(1.2)
            later = ok(_create(tenant, "item", "k", data={"new": True}), 201)
            assert hex_of(later.guid) != hex_of(first.guid)
            assert _count(tenant, "item") == 3
            with live.server.db.read() as conn:  # "other" expired and was swept
                kept = conn.execute(sa.select(idempotency_keys.c.key)).scalars().all()
            assert kept == ["k"]
        finally:
            tenant.close()
