"""Authentication, tenant isolation and bad input: clear 4xx JSON errors, nothing leaked."""

from __future__ import annotations

import json

import httpx
import pytest

from qalx_api_client import AuthenticatedClient, Client, models
from qalx_api_client.api.bot import create_bot, replace_bot_workers
from qalx_api_client.api.health import get_health
from qalx_api_client.api.item import (
    aggregate_items,
    archive_item,
    create_item,
    delete_item,
    get_item,
    list_items,
    update_item,
)
from qalx_api_client.api.worker import get_worker, list_workers, update_worker
from tests.support.servers import LiveServer

from .conftest import Tenant
from .helpers import error, ok, present, query, uuid_of


def test_health_needs_no_token(live: LiveServer) -> None:
    with Client(base_url=live.base_url) as client:
        assert ok(get_health.sync_detailed(client=client)).status == "ok"


@pytest.mark.parametrize("token", ["None", "qalx_not-a-real-token", "x" * 300])
def test_bad_tokens_are_401(live: LiveServer, token: str) -> None:
    with AuthenticatedClient(base_url=live.base_url, token=token, prefix="Token") as client:
        refused = error(list_items.sync_detailed(client=client), 401)
    assert "token" in refused.detail.lower() or "authorization" in refused.detail.lower()


def test_missing_header_is_401_naming_the_scheme(live: LiveServer) -> None:
    answer = httpx.get(live.base_url + "item")
    assert answer.status_code == 401
    assert "Token <key>" in answer.json()["detail"]


def test_companies_never_see_each_other(tenant: Tenant, other_tenant: Tenant) -> None:
    body = models.ItemCreate.from_dict({"data": {"secret": 1}, "file": {"name": "s.txt"}})
    mine = ok(create_item.sync_detailed(client=tenant.client, body=body), 201)
    guid = uuid_of(mine.guid)
    theirs = other_tenant.client

    # Another company's guid is answered like a missing one, for every operation.
    error(get_item.sync_detailed(guid, client=theirs), 404)
    error(
        update_item.sync_detailed(
            guid, client=theirs, body=models.ItemUpdate.from_dict({"data": {}})
        ),
        404,
    )
    error(archive_item.sync_detailed(guid, client=theirs), 404)
    error(delete_item.sync_detailed(guid, client=theirs), 404)
    assert ok(list_items.sync_detailed(client=theirs, total=True)).query.total == 0
    by_guid = ok(
        list_items.sync_detailed(client=theirs, query=query({"guid": {"$uuid": guid.hex}}))
    )
    assert by_guid.data == []
    # ...and the owner still has it, unchanged.
    assert present(ok(get_item.sync_detailed(guid, client=tenant.client)).data).to_dict() == {
        "secret": 1
    }


def test_workers_of_another_company_are_404(tenant: Tenant, other_tenant: Tenant) -> None:
    bot = ok(create_bot.sync_detailed(client=tenant.client, body=models.BotCreate(name="b")), 201)
    token = present(present(bot.info).credentials).token
    guid = uuid_of(bot.guid)
    (worker,) = present(
        ok(
            replace_bot_workers.sync_detailed(
                guid, client=tenant.client_for(token), body=models.ReplaceWorkers(workers=1)
            )
        ).workers
    )
    worker_guid = uuid_of(worker.guid)
    error(list_workers.sync_detailed(guid, client=other_tenant.client), 404)
    error(get_worker.sync_detailed(guid, worker_guid, client=other_tenant.client), 404)
    stop = models.WorkerUpdate.from_dict({"signal": {"stop": True}})
    error(
        update_worker.sync_detailed(guid, worker_guid, client=other_tenant.client, body=stop), 404
    )


def test_malformed_guid_in_path_is_404(tenant: Tenant) -> None:
    answer = httpx.get(
        tenant.live.base_url + "item/not-a-guid", headers={"Authorization": f"Token {tenant.token}"}
    )
    assert answer.status_code == 404
    assert "not-a-guid" in answer.json()["detail"]


def _raw(tenant: Tenant, method: str, path: str, **kwargs: object) -> httpx.Response:
    headers = {"Authorization": f"Token {tenant.token}", **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    return httpx.request(method, tenant.live.base_url + path, headers=headers, **kwargs)  # type: ignore[arg-type]


def test_bodies_must_be_json(tenant: Tenant) -> None:
    form = _raw(
        tenant,
        "POST",
        "item",
        content=b"a=1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 415 and form.json()["code"] == "unsupported_media_type"
    broken = _raw(
        tenant, "POST", "item", content=b'{"data": ', headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["detail"]
    empty = _raw(tenant, "POST", "item", headers={"Content-Type": "application/json"})
    assert empty.status_code == 400


def test_integers_beyond_64_bits_are_refused_not_rounded(tenant: Tenant) -> None:
    headers = {"Content-Type": "application/json"}
    body = b'{"data": {"n": [1, 14239313293728224972647149076480]}, "meta": {"id": "%s"}}'
    long_id = b"1" * 30  # a long run of digits in a string is only text
    refused = _raw(tenant, "POST", "item", content=body % b"x", headers=headers)
    assert refused.status_code == 400
    assert "integer beyond 64 bits at data.n.1" in refused.json()["detail"]
    assert (
        ok(list_items.sync_detailed(client=tenant.client, total=True)).query.total == 0
    )  # nothing stored
    largest = (
        b'{"data": {"n": 9223372036854775807, "m": -9223372036854775808}, "meta": {"id": "%s"}}'
    )
    made = _raw(tenant, "POST", "item", content=largest % long_id, headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["data"] == {"n": 2**63 - 1, "m": -(2**63)}
    assert made.json()["meta"]["id"] == long_id.decode()


def test_bodies_over_the_limit_are_413(tenant: Tenant) -> None:
    limit = tenant.live.server.settings.max_body_bytes
    huge = json.dumps({"data": {"blob": "x" * (limit + 1)}}).encode()
    answer = _raw(
        tenant, "POST", "item", content=huge, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413 and answer.json()["code"] == "too_large"
    assert (
        ok(list_items.sync_detailed(client=tenant.client, total=True)).query.total == 0
    )  # nothing stored


def test_json_content_type_on_get_is_accepted(tenant: Tenant) -> None:
    # pyqalx sends Content-Type: application/json (and no body) on every GET.
    answer = _raw(tenant, "GET", "item", headers={"Content-Type": "application/json"})
    assert answer.status_code == 200


def test_schema_violations_name_the_field(tenant: Tenant) -> None:
    answer = _raw(
        tenant,
        "POST",
        "item",
        content=json.dumps({"data": [1, 2]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "body.data"


def test_unknown_query_parameters_are_ignored(tenant: Tenant) -> None:
    answer = _raw(tenant, "GET", "item?unpack=True&config=TOKEN&config=REGION")
    assert answer.status_code == 200


def test_unsupported_aggregate_stage_is_refused_up_front(tenant: Tenant) -> None:
    pipeline = json.dumps([{"$lookup": {"from": "x"}}])
    refused = error(
        aggregate_items.sync_detailed(
            client=tenant.client, body=models.AggregateRequest(aggregate=pipeline)
        ),
        400,
    )
    assert "$lookup" in refused.detail or "aggregat" in refused.detail


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"meta": {"x": "a\\u0000b"}}', "NUL"),
        (b'{"data": {"\\udaa1": 1}}', "surrogate"),
    ],
)
def test_unstorable_values_are_refused_on_every_database(
    tenant: Tenant, body: bytes, says: str
) -> None:
    answer = _raw(
        tenant, "POST", "item", content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert says in answer.json()["detail"]
    assert ok(list_items.sync_detailed(client=tenant.client, total=True)).query.total == 0
