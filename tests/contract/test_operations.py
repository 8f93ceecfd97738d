"""The spec's operations are exactly wire-contract §2, plus extensions that say why they exist."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest

from .spec import operations, parameters, resolve, spec

ENTITY_TYPES = ["item", "set", "group", "blueprint", "queue", "bot", "factory", "notification"]

# wire-contract §2.1: the generic operations, on every adapter.
GENERIC = [
    ("POST", "/{T}"),
    ("GET", "/{T}/{guid}"),
    ("GET", "/{T}"),
    ("PATCH", "/{T}/{guid}"),
    ("PATCH", "/{T}/{guid}/archive"),
    ("DELETE", "/{T}/{guid}"),
    ("POST", "/{T}/aggregate"),
]
# wire-contract §2.3: the special endpoints (bulk create shares POST item).
SPECIAL = [
    ("POST", "/tags/validate"),
    ("POST", "/factory/validate"),
    ("PATCH", "/bot/{bot_guid}/replace-workers"),
    ("GET", "/bot/{bot_guid}/worker"),
    ("GET", "/bot/{bot_guid}/worker/{worker_guid}"),
    ("PATCH", "/bot/{bot_guid}/worker/{worker_guid}"),
    ("DELETE", "/bot/{bot_guid}/worker/{worker_guid}"),
]
EXPECTED = {
    (method, path.replace("{T}", entity_type))
    for method, path in GENERIC
    for entity_type in ENTITY_TYPES
} | set(SPECIAL)

LIST_OPERATIONS = [("GET", f"/{t}") for t in ENTITY_TYPES] + [("GET", "/bot/{bot_guid}/worker")]


def test_every_wire_contract_operation_is_in_the_spec() -> None:
    missing = sorted(EXPECTED - operations().keys())
    assert missing == []


def test_every_other_operation_is_a_documented_extension() -> None:
    extras = sorted(operations().keys() - EXPECTED)
    assert ("GET", "/health") in extras
    for key in extras:
        operation = operations()[key]
        assert operation.get("x-qalx-extension") is True, f"{key} is not in the wire contract"
        assert len(operation.get("description", "")) > 40, f"{key} must say why it exists"


def test_contract_operations_are_not_marked_as_extensions() -> None:
    marked = [key for key in EXPECTED if operations()[key].get("x-qalx-extension")]
    assert marked == []


def test_no_path_ends_with_a_slash_or_has_a_version_prefix() -> None:
    for path in spec()["paths"]:
        assert not path.endswith("/")
        assert not path.startswith(("/v1", "/api"))


@pytest.mark.parametrize(("method", "path"), LIST_OPERATIONS)
def test_list_operations_take_the_pyqalx_list_parameters(method: str, path: str) -> None:
    params = {p["name"]: p for p in parameters(path, method) if p["in"] == "query"}
    assert {"skip", "limit", "sort", "query", "fields"} <= params.keys()
    # `query` must be a plain string: the generator silently drops content-encoded parameters.
    assert params["query"]["schema"] == {"type": "string"}
    assert "content" not in params["query"]
    for repeatable in ("sort", "fields"):
        assert params[repeatable]["schema"]["type"] == "array"
        assert params[repeatable].get("explode", True) is True
        assert params[repeatable].get("style", "form") == "form"


def test_bulk_create_is_post_item_with_the_qalx_bulk_header() -> None:
    (header,) = [p for p in parameters("/item", "POST") if p["name"] == "qalx-bulk"]
    assert header["in"] == "header"
    assert "true" in header["schema"]["enum"]
    body = operations()[("POST", "/item")]["requestBody"]["content"]["application/json"]
    refs = {s["$ref"].rsplit("/", 1)[1] for s in body["schema"]["oneOf"]}
    assert refs == {"ItemCreate", "ItemBulkCreate"}


def _error_statuses(operation: dict[str, Any]) -> set[int]:
    return {int(code) for code in operation["responses"] if str(code).startswith("4")}


@pytest.mark.parametrize("key", sorted(operations()), ids=lambda k: f"{k[0]} {k[1]}")
def test_errors_are_declared_with_the_error_schema(key: tuple[str, str]) -> None:
    operation = operations()[key]
    statuses = _error_statuses(operation)
    if operation.get("security") == []:
        return  # health: no token, no client errors
    assert {401, 403} <= statuses
    if "requestBody" in operation:
        assert {400, 413, 415} <= statuses
    if "{" in key[1]:
        assert 404 in statuses
    for status in statuses:
        response = resolve(operation["responses"][str(status)])
        schema = response["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}


def test_token_security_scheme() -> None:
    scheme = spec()["components"]["securitySchemes"]["TokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert spec()["security"] == [{"TokenAuth": []}]


@pytest.mark.parametrize("key", sorted(operations()), ids=lambda k: f"{k[0]} {k[1]}")
def test_each_operation_has_a_generated_function(key: tuple[str, str]) -> None:
    operation = operations()[key]
    tag = operation["tags"][0]
    package = "set_" if tag == "set" else tag
    module = importlib.import_module(f"qalx_api_client.api.{package}.{operation['operationId']}")
    for name in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        assert callable(getattr(module, name))


def test_operation_ids_are_unique() -> None:
    ids = [op["operationId"] for op in operations().values()]
    assert len(ids) == len(set(ids))


CREATES = [("POST", f"/{t}") for t in ENTITY_TYPES]
DELETES = [("DELETE", f"/{t}/{{guid}}") for t in ENTITY_TYPES] + [
    ("DELETE", "/bot/{bot_guid}/worker/{worker_guid}")
]


@pytest.mark.parametrize("key", CREATES, ids=lambda k: f"{k[0]} {k[1]}")
def test_creates_accept_200_beside_201_with_the_same_answer(key: tuple[str, str]) -> None:
    responses = operations()[key]["responses"]
    assert responses["200"]["content"] == responses["201"]["content"]


@pytest.mark.parametrize("key", DELETES, ids=lambda k: f"{k[0]} {k[1]}")
def test_deletes_accept_200_beside_204(key: tuple[str, str]) -> None:
    assert {"200", "204"} <= operations()[key]["responses"].keys()


@pytest.mark.parametrize("key", sorted(operations()), ids=lambda k: f"{k[0]} {k[1]}")
def test_every_operation_declares_throttling_and_server_errors(key: tuple[str, str]) -> None:
    responses = operations()[key]["responses"]
    for status in ("429", "5XX", "default"):
        schema = resolve(responses[status])["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}


def test_error_requires_nothing_and_allows_other_keys() -> None:
    error = spec()["components"]["schemas"]["Error"]
    assert "required" not in error
    assert error["additionalProperties"] is True


@pytest.mark.parametrize(
    "where",
    [
        ("components", "parameters", "Limit"),
        ("components", "schemas", "ItemBulkCreate", "properties", "items"),
        ("components", "schemas", "ToRecipients"),
        ("components", "schemas", "AggregateRequest", "properties", "aggregate"),
        ("components", "schemas", "ReplaceWorkers", "properties", "workers"),
        ("paths", "/tags/validate", "post"),
    ],
    ids=lambda w: "/".join(w),
)
def test_limits_of_ours_are_marked_as_deliberate(where: tuple[str, ...]) -> None:
    node: Any = spec()
    for part in where:
        node = node[part]
    assert isinstance(node.get("x-qalx-limit"), str) and node["x-qalx-limit"]
    assert "our" in node["description"], "say that the limit is our choice"


@pytest.mark.parametrize("key", CREATES, ids=lambda k: f"{k[0]} {k[1]}")
def test_creates_take_an_idempotency_key_the_client_can_send(key: tuple[str, str]) -> None:
    (header,) = [p for p in parameters(key[1], key[0]) if p["name"] == "Idempotency-Key"]
    assert header["in"] == "header" and header["required"] is False
    assert header["x-qalx-extension"] is True and "retry" in header["description"]
    assert header["schema"] == {"type": "string", "minLength": 1, "maxLength": 255}
    operation = operations()[key]
    assert "422" in operation["responses"]
    tag = operation["tags"][0]
    package = "set_" if tag == "set" else tag
    module = importlib.import_module(f"qalx_api_client.api.{package}.{operation['operationId']}")
    for name in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        assert "idempotency_key" in inspect.signature(getattr(module, name)).parameters
