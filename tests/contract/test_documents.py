"""Each wire document of the contract is described by the spec and survives the models."""

from __future__ import annotations

import base64
import copy
import uuid
from typing import Any, TypeVar

import pytest

from qalx_api_client import models
from qalx_api_client.types import Unset

from . import wire_documents as wire
from .spec import schema_validator

T = TypeVar("T")


def present(value: T | Unset) -> T:
    """Narrow an optional model field, failing the test when it is missing."""
    assert not isinstance(value, Unset)
    return value


ALL = wire.RESPONSES + wire.REQUESTS + wire.ENVELOPES


def _id(case: tuple[str, dict[str, Any]]) -> str:
    return case[0]


@pytest.mark.parametrize("case", ALL, ids=[_id(c) for c in ALL])
def test_spec_schema_accepts_wire_document(case: tuple[str, dict[str, Any]]) -> None:
    name, document = case
    errors = [e.message for e in schema_validator(name).iter_errors(document)]
    assert errors == []


@pytest.mark.parametrize("case", ALL, ids=[_id(c) for c in ALL])
def test_generated_model_round_trips_wire_document(case: tuple[str, dict[str, Any]]) -> None:
    name, document = case
    original = copy.deepcopy(document)
    model = getattr(models, name).from_dict(document)
    assert model.to_dict() == original
    assert document == original, "from_dict must not mutate its input"


def test_item_fields_are_typed_not_left_as_extras() -> None:
    item = models.Item.from_dict(wire.ITEM_WITH_FILE)
    assert isinstance(item.guid, models.UuidGuid)
    assert item.guid.uuid == wire.ITEM_GUIDS[1]["$uuid"]
    created = present(present(present(item.info).created).on)
    assert isinstance(created, models.DateTime)
    assert (created.date, created.zone) == (1764060000000, "UTC")
    assert isinstance(item.file, models.File)
    assert item.file.put_url == wire.ITEM_WITH_FILE["file"]["put_url"]
    assert item.additional_properties == {}
    # Extended JSON inside free-form data is carried verbatim.
    assert present(item.data)["local"]["$offset"] == {"total_seconds": 3600.0}


def test_empty_file_on_item_stays_an_empty_object() -> None:
    item = models.Item.from_dict(wire.ITEM)
    assert isinstance(item.file, models.File)
    assert isinstance(item.file.name, Unset)
    assert item.to_dict()["file"] == {}


def test_set_and_group_refs_are_guids() -> None:
    set_ = models.Set.from_dict(wire.SET)
    refs = present(set_.items).additional_properties
    assert {k: v.to_dict()["$uuid"] for k, v in refs.items()} == {
        "item1": wire.ITEM_GUIDS[0]["$uuid"],
        "item2": wire.ITEM_GUIDS[1]["$uuid"],
    }
    group = models.Group.from_dict(wire.GROUP)
    assert present(group.sets).additional_properties["batch_1"].to_dict() == wire.SET_GUID


def test_set_write_accepts_both_ref_forms() -> None:
    body = dict(wire.REQUESTS)["SetWrite"]
    refs = models.SetWrite.from_dict(body).items
    assert not isinstance(refs, Unset)
    assert refs.additional_properties["item1"] == "11111111-2222-3333-4444-555555555555"
    assert isinstance(refs.additional_properties["item2"], models.UuidGuid)


def test_queue_carries_sqs_url_and_aware_credentials() -> None:
    queue = models.Queue.from_dict(wire.QUEUE)
    info = present(queue.info)
    assert present(info.queue_url).endswith(".fifo")
    credentials = present(info.credentials)
    assert (credentials.expiration.date, credentials.expiration.zone) == (1764067200000, "UTC")
    assert credentials.access_key_id == "ASIAQALXEXAMPLE"


def test_bot_carries_token_and_full_workers() -> None:
    bot = models.Bot.from_dict(wire.BOT)
    assert present(present(bot.info).credentials).token == "b0t-t0ken-0123456789abcdef"
    workers = present(bot.workers)
    assert [w.state for w in workers] == ["idle", "terminated"]
    signal = workers[1].signal
    assert (signal.terminate, signal.cold, signal.requeue_job) == (True, True, False)


def test_factory_always_has_plan_and_bot_refs() -> None:
    factory = models.Factory.from_dict(wire.FACTORY)
    assert isinstance(factory.plan, models.File)
    assert factory.plan.name == "plan.yaml"
    assert not isinstance(factory.bots, Unset)
    assert factory.bots[0].bot == models.UuidGuid(uuid=wire.BOT_GUID["$uuid"])


def test_bulk_result_parses_as_bulk_not_item() -> None:
    body = dict(wire.ENVELOPES)["ItemBulkResult"]
    result = models.ItemBulkResult.from_dict(body)
    assert [i.guid.to_dict() for i in result.items] == wire.ITEM_GUIDS
    failed = result.errors.additional_properties["1"]
    assert isinstance(failed, models.Error) and failed.code == "invalid"


def _without(document: dict[str, Any], dotted: str) -> dict[str, Any]:
    doc = copy.deepcopy(document)
    *parents, last = dotted.split(".")
    node: Any = doc
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    del node[last]
    return doc


@pytest.mark.parametrize(
    ("schema", "document", "missing"),
    [
        ("Item", wire.ITEM, "file"),  # pyqalx's save crashes without it
        ("Item", wire.ITEM, "info.created.on.$zone"),  # pyqalx KeyErrors without it
        ("Item", wire.ITEM, "info.created.on.$offset"),
        ("Queue", wire.QUEUE, "info.credentials.EXPIRATION"),
        ("Worker", wire.WORKER, "signal"),
        ("Worker", wire.WORKER, "state"),
        ("Bot", wire.BOT, "workers.0.signal"),
        ("Factory", wire.FACTORY, "plan"),
        ("Set", wire.SET, "guid"),
        ("ItemBulkResult", dict(wire.ENVELOPES)["ItemBulkResult"], "errors"),
        ("ItemList", wire.ENVELOPES[0][1], "data"),
        ("ItemList", wire.ENVELOPES[0][1], "query.count"),
        ("ItemList", wire.ENVELOPES[0][1], "query.next"),
    ],
)
def test_spec_requires_what_pyqalx_reads(
    schema: str, document: dict[str, Any], missing: str
) -> None:
    assert not schema_validator(schema).is_valid(_without(document, missing))


@pytest.mark.parametrize(
    ("schema", "document"),
    [
        ("Guid", {"$uuid": "not-a-guid"}),
        ("Guid", {"$uuid": "11111111222233334444555555555555", "extra": 1}),
        ("DateTime", {"$date": "yesterday", "$zone": "UTC", "$offset": None}),
        ("Tag", {"name": "project_name"}),
        ("WorkerUpdate", {"state": ""}),
        ("Guid", {"$binary": "ERERESIiMzNERFVVVVVVVQ==", "$type": "00"}),
        ("Guid", {"$binary": "not base64", "$type": "04"}),
        ("ReplaceWorkers", {"workers": -1}),
        ("SetWrite", {"items": {"a": 5}}),
        ("ItemBulkCreate", {"items": []}),
        ("ItemList", {"data": {"not": "a list"}, "query": {"count": 0, "next": None}}),
    ],
)
def test_spec_rejects_malformed_documents(schema: str, document: dict[str, Any]) -> None:
    assert not schema_validator(schema).is_valid(document)


# `?fields=` answers are projections: `guid` plus what was asked for, plus the keys pyqalx
# reads without a fallback (item `file`, worker `signal` and `state`, factory `plan`).
PROJECTIONS: list[tuple[str, dict[str, Any]]] = [
    ("Item", {"guid": wire.ITEM_GUIDS[0], "file": {}, "data": {"height": 5}}),
    ("Item", {"guid": wire.ITEM_GUIDS[0], "file": {}, "meta": {"case_name": "c1"}}),
    ("Worker", {"guid": wire.WORKER["guid"], "signal": {"stop": True}, "state": "stopped"}),
    ("Factory", {"guid": wire.FACTORY["guid"], "plan": {}, "status": "deployed"}),
    ("Set", {"guid": wire.SET_GUID, "items": {"item1": wire.ITEM_GUIDS[0]}}),
    ("Queue", {"guid": wire.QUEUE["guid"], "name": "beams-queue"}),
    ("Bot", {"guid": wire.BOT_GUID, "info": {"created": {"on": wire.when(1)}}}),
]


@pytest.mark.parametrize("case", PROJECTIONS, ids=[_id(c) for c in PROJECTIONS])
def test_field_projections_are_valid_answers(case: tuple[str, dict[str, Any]]) -> None:
    name, document = case
    assert schema_validator(name).is_valid(document)
    assert getattr(models, name).from_dict(document).to_dict() == document


@pytest.mark.parametrize(
    ("schema", "document"),
    [
        ("Item", {"guid": wire.ITEM_GUIDS[0], "data": {"height": 5}}),  # no file
        ("Worker", {"guid": wire.WORKER["guid"], "state": "idle"}),  # no signal
        ("Factory", {"guid": wire.FACTORY["guid"], "status": "deployed"}),  # no plan
        ("Queue", {"name": "beams-queue"}),  # no guid
    ],
)
def test_projections_must_keep_what_pyqalx_reads(schema: str, document: dict[str, Any]) -> None:
    assert not schema_validator(schema).is_valid(document)


BINARY_GUID = {"$binary": "ERERESIiMzNERFVVVVVVVQ==", "$type": "04"}  # 11111111-2222-...-5555


def test_guids_as_bson_binary_are_valid_answers_and_parse() -> None:
    assert schema_validator("Guid").is_valid(BINARY_GUID)
    assert schema_validator("Guid").is_valid({**BINARY_GUID, "$type": "03"})
    hosted = {**wire.ITEM, "guid": BINARY_GUID}
    assert schema_validator("Item").is_valid(hosted)
    item = models.Item.from_dict(hosted)
    assert isinstance(item.guid, models.BinaryGuid)
    assert uuid.UUID(bytes=base64.b64decode(item.guid.binary)) == uuid.UUID(
        "11111111-2222-3333-4444-555555555555"
    )
    assert item.to_dict()["guid"] == BINARY_GUID
    ours = models.Item.from_dict(wire.ITEM)  # qalx_server's `$uuid` still parses as before
    assert isinstance(ours.guid, models.UuidGuid)


@pytest.mark.parametrize(
    "body",
    [
        {"detail": "Not found."},
        {"name": ["This field is required."], "tags": ["Invalid tag."]},
        {},
        {"detail": "x", "code": "invalid", "errors": [{"field": "a", "detail": "b"}]},
    ],
)
def test_other_servers_error_bodies_are_valid_errors(body: dict[str, Any]) -> None:
    assert schema_validator("Error").is_valid(body)
    assert models.Error.from_dict(body).to_dict() == body


def test_run_states_are_an_open_set() -> None:
    worker = {**wire.BOT["workers"][0], "state": "draining"}
    assert schema_validator("Worker").is_valid(worker)
    assert models.Worker.from_dict(worker).state == "draining"
    bot = models.Bot.from_dict({**wire.BOT, "state": "paused"})
    assert bot.state == "paused"


def test_answers_whose_hosted_shape_is_unknown_require_nothing() -> None:
    other: dict[str, Any] = {"detail": "ok", "anything": [1]}
    for schema in ("FactoryValidateResult", "TagsValidateResult"):
        assert schema_validator(schema).is_valid({})
        assert schema_validator(schema).is_valid(other)
    hosted: dict[str, Any] = {
        "items": [],
        "errors": {"0": "blueprint check failed", "1": ["bad tag"], "2": {"detail": "x"}},
        "items_created": 0,
        "items_errored": 3,
    }
    assert schema_validator("ItemBulkResult").is_valid(hosted)
    errors = models.ItemBulkResult.from_dict(hosted).errors.additional_properties
    assert errors["0"] == "blueprint check failed" and errors["1"] == ["bad tag"]
    assert isinstance(errors["2"], models.Error)
