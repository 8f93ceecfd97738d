"""Items end to end, through the generated client, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import math
import uuid
from typing import Any

import httpx
import pytest

from qalx_api_client import models
from qalx_api_client.api.item import (
    aggregate_items,
    archive_item,
    create_item,
    delete_item,
    get_item,
    list_items,
    update_item,
)
from qalx_api_client.models import CreateItemQalxBulk

from .conftest import Tenant
from .helpers import doc, error, hex_of, ok, present, query, save_body

WHEN = {"$date": 1764000000000, "$zone": None, "$offset": None}


def _add(tenant: Tenant, **body: object) -> dict[str, object]:
    full = {"data": {}, "meta": {}, "encrypt": True, "tags": [], **body}
    created = ok(
        create_item.sync_detailed(client=tenant.client, body=models.ItemCreate.from_dict(full)),
        201,
    )
    assert isinstance(created, models.Item)
    return doc(created)


def _guid(entity: dict[str, object]) -> uuid.UUID:
    ref = entity["guid"]
    assert isinstance(ref, dict)
    return uuid.UUID(hex=ref["$uuid"])


def test_create_answers_the_wire_shape(tenant: Tenant) -> None:
    data = {"height": 5, "when": WHEN, "part": {"$uuid": "11111111-2222-3333-4444-555555555555"}}
    item = _add(tenant, data=data, meta={"shape": "square"})

    assert item["data"] == {**data, "part": {"$uuid": "11111111222233334444555555555555"}}
    assert item["meta"] == {"shape": "square"}
    assert item["file"] == {}
    assert "encrypt" not in item
    info = item["info"]
    assert isinstance(info, dict)
    assert info["created"]["on"]["$zone"] == "UTC"
    assert info["created"]["by"]["email"] == tenant.email
    assert info["created"]["by"]["entity"] == "user"


def test_get_update_archive_delete(tenant: Tenant) -> None:
    item = _add(tenant, data={"height": 5})
    guid = _guid(item)

    fetched = ok(get_item.sync_detailed(guid, client=tenant.client))
    assert doc(fetched) == item

    body = save_body({**item, "data": {"height": 6}}) | {"encrypt": True}
    updated = doc(
        ok(
            update_item.sync_detailed(
                guid, client=tenant.client, body=models.ItemUpdate.from_dict(body)
            )
        )
    )
    assert updated["data"] == {"height": 6}
    assert updated["info"]["created"] == item["info"]["created"]  # type: ignore[index]
    assert updated["info"]["modified"]["on"]["$date"] >= item["info"]["modified"]["on"]["$date"]  # type: ignore[index]

    archived = doc(ok(archive_item.sync_detailed(guid, client=tenant.client)))
    assert archived["info"]["archived"] is True
    assert ok(get_item.sync_detailed(guid, client=tenant.client)) is not None

    assert delete_item.sync_detailed(guid, client=tenant.client).status_code == 204
    error(get_item.sync_detailed(guid, client=tenant.client), 404)
    error(delete_item.sync_detailed(guid, client=tenant.client), 404)


def test_file_upload_and_download_through_signed_urls(tenant: Tenant) -> None:
    item = _add(tenant, file={"name": "datasheet.pdf", "keyfile": "qalx.key"})
    record = item["file"]
    assert isinstance(record, dict)
    assert record["keyfile"] == "qalx.key"
    payload = bytes(range(256)) * 100

    # pyqalx PUTs raw bytes with Content-Type: application/json and no Authorization.
    put = httpx.put(
        record["put_url"], content=payload, headers={"Content-Type": "application/json"}
    )
    assert put.status_code < 400
    assert httpx.get(record["url"]).content == payload

    # A later read has a fresh download URL but no upload URL.
    again = doc(ok(get_item.sync_detailed(_guid(item), client=tenant.client)))
    assert "put_url" not in again["file"]
    assert httpx.get(again["file"]["url"]).content == payload

    # Saving with the read-back record keeps the same file.
    body = save_body(again)
    saved = doc(
        ok(
            update_item.sync_detailed(
                _guid(item), client=tenant.client, body=models.ItemUpdate.from_dict(body)
            )
        )
    )
    assert httpx.get(saved["file"]["url"]).content == payload
    assert "put_url" in saved["file"]  # a write naming a file gets one


def test_as_file_is_echoed(tenant: Tenant) -> None:
    item = _add(tenant, file={"name": "item_data_1.bson", "as_file": True})
    assert item["file"]["as_file"] is True  # type: ignore[index]
    assert "put_url" in item["file"]  # type: ignore[operator]


def test_a_page_counts_every_match_only_when_asked(tenant: Tenant) -> None:
    for height in range(3):
        _add(tenant, data={"height": height})
    headers = {"Authorization": f"Token {tenant.token}"}
    plain = httpx.get(tenant.live.base_url + "item?limit=2", headers=headers).json()["query"]
    assert "total" not in plain
    assert (plain["count"], plain["next"]) == (2, "item?skip=2&limit=2")  # more follow
    last = httpx.get(tenant.live.base_url + plain["next"], headers=headers).json()["query"]
    assert (last["count"], last["next"]) == (1, None)
    exact = httpx.get(tenant.live.base_url + "item?limit=3", headers=headers).json()["query"]
    assert (exact["count"], exact["next"]) == (3, None)  # a full page with nothing after it
    counted = ok(list_items.sync_detailed(client=tenant.client, limit=2, total=True)).query
    assert (counted.count, counted.total, counted.next_) == (2, 3, "item?skip=2&limit=2&total=true")
    refused = httpx.get(tenant.live.base_url + "item?total=maybe", headers=headers)
    assert refused.status_code == 400
    assert refused.json()["detail"] == "query parameter 'total' must be true or false, not 'maybe'"


def test_list_filters_sorts_and_pages(tenant: Tenant) -> None:
    for height in (3, 1, 2, 5, 4):
        _add(tenant, data={"height": height}, meta={"shape": "sq" if height % 2 else "rect"})

    page = ok(
        list_items.sync_detailed(
            client=tenant.client,
            query=query({"metadata.data.shape": "sq"}),
            sort=["-data__height"],
            limit=2,
            total=True,
        )
    )
    assert [present(i.data)["height"] for i in page.data] == [5, 3]
    assert (page.query.count, page.query.total) == (2, 3)
    assert isinstance(page.query.next_, str) and not page.query.next_.startswith("/")

    # Following `next` (relative to the base URL, carrying its own query) gives the rest.
    rest = httpx.get(
        tenant.live.base_url + page.query.next_,
        headers={"Authorization": f"Token {tenant.token}"},
    ).json()
    assert [i["data"]["height"] for i in rest["data"]] == [1]
    assert rest["query"]["next"] is None

    same = ok(
        list_items.sync_detailed(
            client=tenant.client, query=query({"meta.shape": "sq"}), total=True
        )
    )
    assert same.query.total == 3


def test_fields_projection_keeps_guid_and_file(tenant: Tenant) -> None:
    item = _add(tenant, data={"height": 5, "width": 2}, meta={"case_name": "c1"})
    projected = doc(
        ok(
            get_item.sync_detailed(
                _guid(item), client=tenant.client, fields=["data.height", "meta.case_name"]
            )
        )
    )
    assert projected == {
        "guid": item["guid"],
        "file": {},
        "data": {"height": 5},
        "meta": {"case_name": "c1"},
    }


def test_archived_items_leave_lists_unless_asked_for(tenant: Tenant) -> None:
    kept, gone = _add(tenant, data={"k": 1}), _add(tenant, data={"k": 2})
    ok(archive_item.sync_detailed(_guid(gone), client=tenant.client))

    listed = ok(list_items.sync_detailed(client=tenant.client))
    assert [hex_of(i.guid) for i in listed.data] == [kept["guid"]["$uuid"]]  # type: ignore[index]
    archived = ok(
        list_items.sync_detailed(client=tenant.client, query=query({"info.archived": True}))
    )
    assert [hex_of(i.guid) for i in archived.data] == [gone["guid"]["$uuid"]]  # type: ignore[index]


def test_bulk_create_reports_per_index_errors(tenant: Tenant) -> None:
    body = {
        "items": [
            {"data": {"i": 0}, "meta": {}, "encrypt": True, "tags": []},
            {"data": {}, "meta": {}, "file": {"name": ""}},
            {"data": {"i": 2}, "meta": {}, "file": {"name": "two.txt"}},
        ],
        "tags": [{"name": "project_name", "value": "beams"}],
        "data": {},
        "source": None,
        "file_name": "",
        "encrypt": True,
        "as_file": False,
        "blueprint_name": None,
        "meta": None,
    }
    result = ok(
        create_item.sync_detailed(
            client=tenant.client,
            body=models.ItemBulkCreate.from_dict(body),
            qalx_bulk=CreateItemQalxBulk.TRUE,
        )
    )
    assert isinstance(result, models.ItemBulkResult)
    assert (result.items_created, result.items_errored) == (2, 1)
    assert [present(i.data)["i"] for i in result.items] == [0, 2]
    assert list(result.errors.additional_properties) == ["1"]
    failed = result.errors.additional_properties["1"]
    assert isinstance(failed, models.Error)
    assert "file.name" in present(failed.detail)
    assert present(result.items[0].tags) == []  # its own (empty) tags win
    assert present(result.items[1].tags)[0].value == "beams"  # shared tags fill in
    assert present(result.items[1].file).put_url


def test_bulk_created_items_read_back_as_answered_in_their_order(tenant: Tenant) -> None:
    http = tenant.client.get_httpx_client()
    items = [
        {"data": {"i": n, "x": n / 3, "s": 'é"😀'}, "meta": {"n": n}, "tags": []}
        for n in range(1000)
    ]
    items[7]["file"] = {"name": "seven.txt", "keyfile": None}
    answer = http.post("item", json={"items": items}, headers={"qalx-bulk": "true"})
    assert answer.status_code == 200, answer.text
    created = answer.json()
    assert (created["items_created"], created["items_errored"], created["errors"]) == (1000, 0, {})
    assert [item["data"]["i"] for item in created["items"]] == list(range(1000))
    listed: list[dict[str, Any]] = []
    skip = 0
    while len(listed) < 1000:
        page = http.get("item", params={"limit": 500, "skip": skip}).json()["data"]
        listed += page
        skip += len(page)
    assert [item["guid"] for item in listed] == [item["guid"] for item in created["items"]]
    for n in (0, 7, 999):
        fetched = http.get(f"item/{created['items'][n]['guid']['$uuid']}").json()
        shown = {**created["items"][n]}
        if n == 7:  # a fresh upload URL only in the create's answer, signed URLs differ
            assert created["items"][7]["file"]["put_url"]
            fetched["file"].pop("url"), shown["file"].pop("url"), shown["file"].pop("put_url")
        assert fetched == shown


def test_a_bulk_body_without_the_bulk_header_is_refused(tenant: Tenant) -> None:
    body = models.ItemBulkCreate.from_dict({"items": [{"data": {"i": 0}}]})
    refused = error(create_item.sync_detailed(client=tenant.client, body=body), 400)
    assert "qalx-bulk" in refused.detail
    assert ok(list_items.sync_detailed(client=tenant.client, total=True)).query.total == 0


@pytest.mark.parametrize(
    ("headers", "named"),
    [
        ({"qalx-bulk": "yes"}, "header 'qalx-bulk': 'yes' is not one of"),
        ({"qalx-bulk": "TRUE"}, "header 'qalx-bulk': 'TRUE' is not one of"),
        ({"idempotency-key": "k" * 256}, "header 'Idempotency-Key'"),
    ],
)
def test_a_header_the_spec_does_not_allow_is_refused_naming_it(
    tenant: Tenant, headers: dict[str, str], named: str
) -> None:
    """Before: `qalx-bulk: yes` made a single create of a bulk body's junk keys."""
    http = tenant.client.get_httpx_client()
    body = {"items": [{"data": {"i": 0}}], "data": {"i": 1}}
    refused = http.post("item", json=body, headers=headers)
    assert refused.status_code == 400, refused.text
    assert named in refused.json()["detail"]
    assert ok(list_items.sync_detailed(client=tenant.client, total=True)).query.total == 0
    single = http.post("item", json={"data": {"i": 2}}, headers={"qalx-bulk": "false"})
    assert single.status_code == 201, single.text


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"sort": "data.\x00x"}, "NUL"),
        ({"query": json.dumps({"data.\x00x": 1})}, "NUL"),
        ({"fields": "data.\x00x"}, "NUL"),
        ({"skip": str(2**63)}, "skip"),
        ({"skip": "1000000001"}, "skip"),
    ],
)
def test_list_parameters_beyond_what_the_databases_take_are_400(
    tenant: Tenant, params: dict[str, str], named: str
) -> None:
    """Each was a 500: a NUL reaches PostgreSQL's text, a skip past 64 bits either driver."""
    answer = tenant.client.get_httpx_client().get("item", params=params)
    assert answer.status_code == 400, answer.text
    assert named in answer.json()["detail"]


def test_wide_filters_are_answered(tenant: Tenant) -> None:
    """A `$in` of 1,000 values and an `$or` of 600 branches: a flat OR of that many terms
    was deeper than SQLite's limit on an expression (1,000), a 500."""
    http = tenant.client.get_httpx_client()
    body = {"items": [{"data": {"i": n, "l": [n]}} for n in range(30)]}
    assert http.post("item", json=body, headers={"qalx-bulk": "true"}).status_code == 200
    wide: list[tuple[dict[str, Any], int]] = [
        ({"data.i": {"$in": list(range(0, 2000, 2))}}, 15),
        ({"data.l": {"$in": list(range(1000))}}, 30),
        ({"data.i": {"$nin": list(range(0, 2000, 2))}}, 15),
        ({"$or": [{"data.i": n} for n in range(10, 610)]}, 20),
    ]
    for filt, expected in wide:
        answer = http.get("item", params={"query": json.dumps(filt), "total": "true"})
        assert answer.status_code == 200, answer.text[:300]
        assert answer.json()["query"]["total"] == expected, list(filt)


def test_query_errors_are_400_naming_the_problem(tenant: Tenant) -> None:
    refused = error(
        list_items.sync_detailed(client=tenant.client, query=query({"$where": "1"})), 400
    )
    assert "$where" in refused.detail
    bad = error(list_items.sync_detailed(client=tenant.client, query="{not json"), 400)
    assert "query" in bad.detail
    limit = error(list_items.sync_detailed(client=tenant.client, limit=5000), 400)
    assert "limit" in limit.detail


def test_aggregate_runs_match_in_the_database_and_the_rest_after(tenant: Tenant) -> None:
    for height, shape in ((1, "sq"), (2, "sq"), (5, "rect"), (7, "sq")):
        _add(tenant, data={"height": height}, meta={"shape": shape})
    pipeline = [
        {"$match": {"data.height": {"$gt": 1}}},
        {
            "$group": {
                "_id": "$metadata.data.shape",
                "n": {"$sum": 1},
                "top": {"$max": "$data.height"},
            }
        },
        {"$sort": {"_id": 1}},
    ]
    # pyqalx double-encodes: the pipeline is JSON text inside the JSON body.
    body = models.AggregateRequest(aggregate=query(pipeline))
    result = ok(aggregate_items.sync_detailed(client=tenant.client, body=body))
    assert [row.to_dict() for row in result.data] == [
        {"_id": "rect", "n": 1, "top": 5},
        {"_id": "sq", "n": 2, "top": 7},
    ]


def test_sort_follows_mongodb_type_order(tenant: Tenant) -> None:
    for value in ("b", 3, None, "a", 1.5, True):
        _add(tenant, data={"v": value})
    _add(tenant, data={})  # missing sorts with null
    page = ok(list_items.sync_detailed(client=tenant.client, sort=["data__v"]))
    values = [present(i.data).to_dict().get("v", "missing") for i in page.data]
    assert values == [None, "missing", 1.5, 3, "a", "b", True]


def test_unreadable_sort_keys_are_refused_naming_the_key(tenant: Tenant) -> None:
    _add(tenant, data={"x": 1})
    for bad in ("data.x:-1", "--x", "-", "data..x", "a,,b"):
        problem = error(list_items.sync_detailed(client=tenant.client, sort=[bad]), 400)
        assert repr(bad) in problem.detail, problem.detail
    empty = error(list_items.sync_detailed(client=tenant.client, sort=[""]), 400)
    assert "sort" in empty.detail


def test_aggregate_runs_harmless_stages_and_names_refused_ones(tenant: Tenant) -> None:
    for v in (1, 2, 3):
        _add(tenant, data={"v": v}, meta={"kind": "odd" if v % 2 else "even"})
    pipeline = [
        {"$set": {"k": "$meta.kind"}},
        {"$addFields": {"data.double": "$data.v"}},
        {
            "$facet": {
                "n": [{"$count": "n"}],
                "odd": [{"$match": {"k": "odd"}}, {"$sort": {"data.v": -1}}],
            }
        },
    ]
    body = models.AggregateRequest(aggregate=query(pipeline))
    (row,) = [
        r.to_dict() for r in ok(aggregate_items.sync_detailed(client=tenant.client, body=body)).data
    ]
    assert row["n"] == [{"n": 3}]
    assert [(d["data"]["v"], d["data"]["double"], d["k"]) for d in row["odd"]] == [
        (3, 3, "odd"),
        (1, 1, "odd"),
    ]
    for stage in ({"$out": "x"}, {"$merge": "x"}, {"$lookup": {"from": "item"}}):
        refused = models.AggregateRequest(aggregate=query([{"$match": {}}, stage]))
        problem = error(aggregate_items.sync_detailed(client=tenant.client, body=refused), 400)
        assert next(iter(stage)) in problem.detail
        assert problem.code == "unsupported_operator"


def _wire(tenant: Tenant, method: str, path: str, body: object = None, **params: object) -> object:
    """A call as pyqalx makes it: bodies written and answers read by Python's json, which
    writes and reads bare NaN and Infinity."""
    answer = httpx.request(
        method,
        tenant.live.base_url + path,
        content=None if body is None else json.dumps(body).encode(),
        params=params,  # type: ignore[arg-type]
        headers={"Authorization": f"Token {tenant.token}", "Content-Type": "application/json"},
    )
    assert answer.status_code < 300, (answer.status_code, answer.text)
    return json.loads(answer.content)


def test_nan_and_infinity_are_stored_answered_queried_and_sorted(tenant: Tenant) -> None:
    nan, inf = float("nan"), float("inf")
    values: list[object] = [1.5, inf, nan, -inf, [nan, 2]]
    guids = []
    for v in values:
        made = _wire(tenant, "POST", "item", {"data": {"x": v, "deep": {"y": [v]}}, "meta": {}})
        assert isinstance(made, dict)
        guids.append(made["guid"]["$uuid"])
    raw = httpx.get(
        f"{tenant.live.base_url}item/{uuid.UUID(hex=guids[2])}",
        headers={"Authorization": f"Token {tenant.token}"},
    ).content
    assert b'"x":NaN' in raw and b"$numberDouble" not in raw  # bare tokens on the wire
    read = _wire(tenant, "GET", f"item/{uuid.UUID(hex=guids[1])}")
    assert isinstance(read, dict) and read["data"] == {"x": inf, "deep": {"y": [inf]}}

    def found(filt: object, **params: object) -> list[str]:
        page = _wire(tenant, "GET", "item", query=json.dumps(filt), **params)
        assert isinstance(page, dict)
        return [row["guid"]["$uuid"] for row in page["data"]]

    assert found({"data.x": nan}) == [guids[2], guids[4]]  # NaN equals NaN, as in MongoDB
    assert found({"data.x": {"$gt": 1}}) == [guids[0], guids[1], guids[4]]
    assert found({"data.x": {"$lt": 0}}) == [guids[3]]
    assert found({"data.x": {"$numberDouble": "-Infinity"}}) == [guids[3]]
    order = found({"data.x": {"$type": "double"}}, sort="data.x")
    # NaN lowest, then -Infinity ... Infinity; the array [NaN, 2] sorts as an array, after
    assert order == [guids[2], guids[3], guids[0], guids[1], guids[4]]
    # Updates and bulk creates take them too; aggregation sums them.
    _wire(tenant, "PATCH", f"item/{uuid.UUID(hex=guids[0])}", {"data": {"x": -inf}})
    assert found({"data.x": -inf}) == [guids[0], guids[3]]
    total = _wire(
        tenant,
        "POST",
        "item/aggregate",
        {"aggregate": json.dumps([{"$group": {"_id": None, "t": {"$sum": "$data.x"}}}])},
    )
    assert isinstance(total, dict)
    (row,) = total["data"]
    assert math.isnan(row["t"])  # inf + -inf + nan
