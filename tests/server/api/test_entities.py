"""Sets, groups, blueprints, queues, factories, notifications and the check endpoints."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import httpx
import pytest

from qalx_api_client import models
from qalx_api_client.api.blueprint import (
    archive_blueprint,
    create_blueprint,
    list_blueprints,
    update_blueprint,
)
from qalx_api_client.api.bot import archive_bot, create_bot, list_bots
from qalx_api_client.api.factory import (
    archive_factory,
    create_factory,
    get_factory,
    list_factories,
    update_factory,
    validate_factory_plan,
)
from qalx_api_client.api.group import create_group, get_group
from qalx_api_client.api.item import create_item, list_items
from qalx_api_client.api.notification import (
    archive_notification,
    create_notification,
    delete_notification,
    list_notifications,
)
from qalx_api_client.api.queue import archive_queue, create_queue, get_queue, list_queues
from qalx_api_client.api.set_ import create_set, get_set, update_set
from qalx_api_client.api.tags import validate_tags

from .conftest import Tenant
from .helpers import doc, error, hex_of, ok, present, query, save_body, uuid_of


def _item(tenant: Tenant) -> models.Item:
    body = models.ItemCreate.from_dict({"data": {}, "meta": {}, "encrypt": True, "tags": []})
    created = ok(create_item.sync_detailed(client=tenant.client, body=body), 201)
    assert isinstance(created, models.Item)
    return created


def test_set_refs_come_back_as_guids_whatever_form_was_sent(tenant: Tenant) -> None:
    a, b = _item(tenant), _item(tenant)
    hyphenated = str(uuid_of(a.guid))
    body = {"items": {"first": hyphenated, "second": {"$uuid": hex_of(b.guid)}}, "meta": {}}
    created = ok(
        create_set.sync_detailed(client=tenant.client, body=models.SetWrite.from_dict(body)), 201
    )
    refs = present(created.items).to_dict()
    assert refs == {"first": {"$uuid": hex_of(a.guid)}, "second": {"$uuid": hex_of(b.guid)}}

    # pyqalx's unpack: look the children up by `guid $in`, then match by equality.
    children = ok(
        list_items.sync_detailed(
            client=tenant.client,
            query=query({"guid": {"$in": list(refs.values())}}),
            limit=100,
        )
    )
    assert {hex_of(i.guid) for i in children.data} == {hex_of(a.guid), hex_of(b.guid)}

    # A save sends the unpacked refs back as strings; they stay guids.
    guid = uuid_of(created.guid)
    saved = save_body(doc(created)) | {"items": {"first": hyphenated}}
    updated = ok(
        update_set.sync_detailed(guid, client=tenant.client, body=models.SetWrite.from_dict(saved))
    )
    assert present(updated.items).to_dict() == {"first": {"$uuid": hex_of(a.guid)}}
    assert doc(ok(get_set.sync_detailed(guid, client=tenant.client))) == doc(updated)


def test_group_of_sets(tenant: Tenant) -> None:
    set_ = ok(
        create_set.sync_detailed(
            client=tenant.client, body=models.SetWrite.from_dict({"items": {}})
        ),
        201,
    )
    body = models.GroupWrite.from_dict({"sets": {"batch": str(uuid_of(set_.guid))}})
    group = ok(create_group.sync_detailed(client=tenant.client, body=body), 201)
    fetched = ok(get_group.sync_detailed(uuid_of(group.guid), client=tenant.client))
    assert present(fetched.sets).to_dict() == {"batch": {"$uuid": hex_of(set_.guid)}}


def test_set_refs_must_be_guids(tenant: Tenant) -> None:
    body = models.SetWrite.from_dict({"items": {"x": "not-a-guid"}})
    refused = error(create_set.sync_detailed(client=tenant.client, body=body), 400)
    assert "items" in refused.detail


SCHEMA: dict[str, Any] = {"type": "object", "entity_type": "item", "properties": {}}


def test_refs_as_bson_binary_are_stored_as_guids(tenant: Tenant) -> None:
    item = _item(tenant)
    binary = {"$binary": base64.b64encode(bytes.fromhex(hex_of(item.guid))).decode(), "$type": "04"}
    body = models.SetWrite.from_dict({"items": {"only": binary}})
    created = ok(create_set.sync_detailed(client=tenant.client, body=body), 201)
    assert present(created.items).to_dict() == {"only": {"$uuid": hex_of(item.guid)}}


def test_blueprint_names_are_unique_per_company(tenant: Tenant, other_tenant: Tenant) -> None:
    body = models.BlueprintCreate.from_dict({"name": "Dims", "schema": SCHEMA})
    created = ok(create_blueprint.sync_detailed(client=tenant.client, body=body), 201)
    assert created.entity_type == "item"  # copied from the schema
    clash = error(create_blueprint.sync_detailed(client=tenant.client, body=body), 409)
    assert "Dims" in clash.detail
    # Another company may use the same name.
    ok(create_blueprint.sync_detailed(client=other_tenant.client, body=body), 201)
    # get_by_name: find_one({"name": ...}) with limit 2
    found = ok(
        list_blueprints.sync_detailed(client=tenant.client, query=query({"name": "Dims"}), limit=2)
    )
    assert [b.name for b in found.data] == ["Dims"]
    # Renaming onto a taken name is a clash too.
    second = ok(
        create_blueprint.sync_detailed(
            client=tenant.client,
            body=models.BlueprintCreate.from_dict({"name": "Other", "schema": SCHEMA}),
        ),
        201,
    )
    rename = models.BlueprintUpdate.from_dict({"name": "Dims"})
    error(
        update_blueprint.sync_detailed(uuid_of(second.guid), client=tenant.client, body=rename),
        409,
    )


NAMED: dict[str, tuple[Any, Any, Any, Any, dict[str, Any]]] = {
    "blueprint": (
        create_blueprint,
        archive_blueprint,
        list_blueprints,
        models.BlueprintCreate,
        {"schema": SCHEMA},
    ),
    "queue": (create_queue, archive_queue, list_queues, models.QueueCreate, {}),
    "bot": (create_bot, archive_bot, list_bots, models.BotCreate, {}),
    "factory": (create_factory, archive_factory, list_factories, models.FactoryCreate, {}),
}


@pytest.mark.parametrize("entity_type", sorted(NAMED))
def test_archived_entities_free_their_name(tenant: Tenant, entity_type: str) -> None:
    create, archive, list_, model, extra = NAMED[entity_type]
    body = model.from_dict({"name": "reused", "meta": {}, "tags": [], **extra})
    first = ok(create.sync_detailed(client=tenant.client, body=body), 201)
    ok(archive.sync_detailed(uuid_of(first.guid), client=tenant.client))
    # pyqalx's get_or_create: get_by_name finds nothing (archived entities leave lists), so
    # it adds one of the same name.
    by_name = query({"name": "reused"})
    assert ok(list_.sync_detailed(client=tenant.client, query=by_name, limit=2)).data == []
    second = ok(create.sync_detailed(client=tenant.client, body=body), 201)
    assert hex_of(second.guid) != hex_of(first.guid)
    found = ok(list_.sync_detailed(client=tenant.client, query=by_name, limit=2)).data
    assert [hex_of(e.guid) for e in found] == [hex_of(second.guid)]
    if entity_type in ("blueprint", "queue"):  # names of live ones still clash
        error(create.sync_detailed(client=tenant.client, body=body), 409)


def test_blueprint_schema_needs_entity_type(tenant: Tenant) -> None:
    body = {"name": "NoType", "schema": {"type": "object"}}
    with pytest.raises(KeyError):  # the generated client already refuses to build it
        models.BlueprintCreate.from_dict(body)
    answer = httpx.post(
        tenant.live.base_url + "blueprint",
        json=body,
        headers={"Authorization": f"Token {tenant.token}"},
    )
    assert answer.status_code == 400
    assert "entity_type" in answer.json()["detail"]


def test_queue_create_and_unique_name(tenant: Tenant) -> None:
    body = models.QueueCreate.from_dict({"name": "beams", "parameters": {"VisibilityTimeout": 30}})
    created = ok(create_queue.sync_detailed(client=tenant.client, body=body), 201)
    assert present(created.parameters).visibility_timeout == 30
    error(create_queue.sync_detailed(client=tenant.client, body=body), 409)
    fetched = ok(get_queue.sync_detailed(uuid_of(created.guid), client=tenant.client))
    assert fetched.name == "beams"
    listed = ok(list_queues.sync_detailed(client=tenant.client, query=query({"name": "beams"})))
    assert listed.query.count == 1


def test_factory_plan_file_and_bot_refs(tenant: Tenant) -> None:
    body = {
        "name": "beam-factory",
        "stage": "dev",
        "meta": {"pyqalx": {"build_path": "builds_1"}},
        "plan": {"name": "plan.yaml"},
        "tags": [],
        "data": {},
        "encrypt": False,
        "file_key": "plan",
    }
    created = ok(
        create_factory.sync_detailed(
            client=tenant.client, body=models.FactoryCreate.from_dict(body)
        ),
        201,
    )
    created_doc = doc(created)
    assert created_doc["status"] == "deploying"
    assert not {"data", "encrypt", "file_key"} & created_doc.keys()
    plan = b"factory:\n  name: beam-factory\n"
    assert httpx.put(created_doc["plan"]["put_url"], content=plan).status_code < 400
    assert httpx.get(created_doc["plan"]["url"]).content == plan

    guid = uuid_of(created.guid)
    bot_ref = str(uuid.uuid4())
    saved = save_body(created_doc, keep_status=True) | {
        "status": "deployed",
        "bots": [{"code": bot_ref, "bot": {"$uuid": uuid.uuid4().hex}}],
        "stacks": {"remote": "stack-1"},
    }
    updated = doc(
        ok(
            update_factory.sync_detailed(
                guid, client=tenant.client, body=models.FactoryUpdate.from_dict(saved)
            )
        )
    )
    assert updated["status"] == "deployed"
    assert updated["bots"][0]["code"] == {"$uuid": uuid.UUID(bot_ref).hex}
    fetched = doc(ok(get_factory.sync_detailed(guid, client=tenant.client)))
    assert httpx.get(fetched["plan"]["url"]).content == plan


PLAN = {
    "factory": {
        "name": "beam-factory",
        "bots": {"checker": {"source": {"path": "bots/checker"}, "bot_path": "checker:bot"}},
        "stages": {"dev": {"local_sector": {"type": "local", "bots": {"checker": {}}}}},
    }
}


def test_factory_validate(tenant: Tenant) -> None:
    import json

    good = models.FactoryValidate(plan=json.dumps(PLAN))
    assert ok(validate_factory_plan.sync_detailed(client=tenant.client, body=good)).valid is True
    broken = json.loads(json.dumps(PLAN))
    broken["factory"]["stages"]["dev"]["local_sector"]["bots"] = {"ghost": {}}
    refused = error(
        validate_factory_plan.sync_detailed(
            client=tenant.client, body=models.FactoryValidate(plan=json.dumps(broken))
        ),
        400,
    )
    assert "ghost" in refused.detail
    error(
        validate_factory_plan.sync_detailed(
            client=tenant.client, body=models.FactoryValidate(plan="{")
        ),
        400,
    )


def test_notifications_crud(tenant: Tenant) -> None:
    body = models.NotificationCreate.from_dict(
        {
            "subject": "Batch done",
            "message": "12 beams",
            "to": ["eng@example.com"],
            "meta": {},
            "tags": [],
        }
    )
    created = ok(create_notification.sync_detailed(client=tenant.client, body=body), 201)
    assert doc(created)["cc"] == [] and doc(created)["bcc"] == []
    guid = uuid_of(created.guid)
    ok(archive_notification.sync_detailed(guid, client=tenant.client))
    assert ok(list_notifications.sync_detailed(client=tenant.client)).query.count == 0
    assert delete_notification.sync_detailed(guid, client=tenant.client).status_code == 204


def test_tags_validate(tenant: Tenant) -> None:
    good = models.TagsValidate.from_dict({"tags": [{"name": "project_name", "value": "beams"}]})
    assert ok(validate_tags.sync_detailed(client=tenant.client, body=good)).tags[0].value == "beams"
    for bad in (
        {"name": "Project", "value": "x"},
        {"name": "_secret", "value": "x"},
        {"name": "a", "value": ""},
    ):
        refused = error(
            validate_tags.sync_detailed(
                client=tenant.client, body=models.TagsValidate.from_dict({"tags": [bad]})
            ),
            400,
        )
        assert "tags.0" in refused.detail


def test_tag_scoped_find_with_elem_match(tenant: Tenant) -> None:
    tagged = {"data": {}, "meta": {}, "tags": [{"name": "project_name", "value": "beams"}]}
    ok(
        create_item.sync_detailed(client=tenant.client, body=models.ItemCreate.from_dict(tagged)),
        201,
    )
    _item(tenant)
    scoped = {"$and": [{"tags": {"$elemMatch": {"name": "project_name", "value": "beams"}}}]}
    found = ok(list_items.sync_detailed(client=tenant.client, query=query(scoped), total=True))
    assert found.query.total == 1
