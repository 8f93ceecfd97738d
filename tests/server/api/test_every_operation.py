"""Every generic operation of wire-contract §2.1, for every entity type, through the generated
client: create, get, list, update, archive, delete and aggregate."""

from __future__ import annotations

import importlib
import json
import uuid
from types import ModuleType
from typing import Any

import pytest

from qalx_api_client import models

from .conftest import Tenant
from .helpers import doc, error, ok, save_body

CREATE: dict[str, tuple[str, dict[str, Any]]] = {
    "item": ("ItemCreate", {"data": {"n": 1}, "meta": {"k": "v"}}),
    "set": ("SetWrite", {"items": {}, "meta": {"k": "v"}}),
    "group": ("GroupWrite", {"sets": {}, "meta": {"k": "v"}}),
    "blueprint": (
        "BlueprintCreate",
        {"name": "bp", "schema": {"entity_type": "item"}, "meta": {"k": "v"}},
    ),
    "queue": ("QueueCreate", {"name": "q", "meta": {"k": "v"}}),
    "bot": ("BotCreate", {"name": "b", "meta": {"k": "v"}}),
    "factory": ("FactoryCreate", {"name": "f", "meta": {"k": "v"}}),
    "notification": (
        "NotificationCreate",
        {"subject": "s", "message": "m", "to": ["a@b.c"], "meta": {"k": "v"}},
    ),
}
UPDATE = {
    "item": "ItemUpdate",
    "set": "SetWrite",
    "group": "GroupWrite",
    "blueprint": "BlueprintUpdate",
    "queue": "QueueUpdate",
    "bot": "BotUpdate",
    "factory": "FactoryUpdate",
    "notification": "NotificationUpdate",
}
PLURAL = {"factory": "factories"}


def _api(entity_type: str, operation: str) -> ModuleType:
    package = "set_" if entity_type == "set" else entity_type
    return importlib.import_module(f"qalx_api_client.api.{package}.{operation}")


@pytest.mark.parametrize("entity_type", sorted(CREATE))
def test_generic_operations(tenant: Tenant, entity_type: str) -> None:
    plural = PLURAL.get(entity_type, entity_type + "s")
    model, body = CREATE[entity_type]
    client = tenant.client

    created = doc(
        ok(
            _api(entity_type, f"create_{entity_type}").sync_detailed(
                client=client, body=getattr(models, model).from_dict(body)
            ),
            201,
        )
    )
    guid = uuid.UUID(hex=created["guid"]["$uuid"])
    assert created["meta"] == {"k": "v"}

    fetched = doc(ok(_api(entity_type, f"get_{entity_type}").sync_detailed(guid, client=client)))
    assert fetched["guid"] == created["guid"] and fetched["meta"] == {"k": "v"}

    listed = ok(_api(entity_type, f"list_{plural}").sync_detailed(client=client))
    assert [doc(e)["guid"] for e in listed.data] == [created["guid"]]

    changed = save_body(fetched, keep_status=entity_type == "factory") | {"meta": {"k": "w"}}
    updated = doc(
        ok(
            _api(entity_type, f"update_{entity_type}").sync_detailed(
                guid, client=client, body=getattr(models, UPDATE[entity_type]).from_dict(changed)
            )
        )
    )
    assert updated["meta"] == {"k": "w"}

    counted = models.AggregateRequest(
        aggregate=json.dumps([{"$group": {"_id": "$meta.k", "n": {"$sum": 1}}}])
    )
    rows = ok(
        _api(entity_type, f"aggregate_{plural}").sync_detailed(client=client, body=counted)
    ).data
    assert [r.to_dict() for r in rows] == [{"_id": "w", "n": 1}]

    archived = doc(
        ok(_api(entity_type, f"archive_{entity_type}").sync_detailed(guid, client=client))
    )
    assert archived["info"]["archived"] is True
    assert ok(_api(entity_type, f"list_{plural}").sync_detailed(client=client)).data == []

    delete = _api(entity_type, f"delete_{entity_type}")
    assert delete.sync_detailed(guid, client=client).status_code == 204
    error(_api(entity_type, f"get_{entity_type}").sync_detailed(guid, client=client), 404)
    error(delete.sync_detailed(guid, client=client), 404)
