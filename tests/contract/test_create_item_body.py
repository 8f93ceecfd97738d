"""`POST item` takes one item or a bulk body: under a strict OpenAPI validator, every real body
matches exactly one branch of the request `oneOf`, so validating clients and proxies pass it."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from . import wire_documents as wire
from .spec import operations, spec

SINGLE = [body for name, body in wire.REQUESTS if name == "ItemCreate"]
BULK = [body for name, body in wire.REQUESTS if name == "ItemBulkCreate"] + [
    {"items": [{"data": {"x": 1}}]},  # the plain bulk body
    {"items": [{}], "tags": wire.TAGS},
]


def _validator(schema: dict[str, Any]) -> OAS30Validator:
    root = {**schema, "components": spec()["components"]}
    return OAS30Validator(root, format_checker=oas30_format_checker)


def _request_schema() -> dict[str, Any]:
    body = operations()[("POST", "/item")]["requestBody"]["content"]["application/json"]
    schema: dict[str, Any] = body["schema"]
    return schema


def _matching_branches(document: dict[str, Any]) -> list[str]:
    return [
        branch["$ref"].rsplit("/", 1)[1]
        for branch in _request_schema()["oneOf"]
        if _validator(branch).is_valid(document)
    ]


@pytest.mark.parametrize("body", SINGLE, ids=lambda b: ",".join(sorted(b)))
def test_a_single_item_body_matches_only_the_item_branch(body: dict[str, Any]) -> None:
    assert _matching_branches(body) == ["ItemCreate"]
    _validator(_request_schema()).validate(body)


@pytest.mark.parametrize("body", BULK, ids=lambda b: ",".join(sorted(b)))
def test_a_bulk_body_matches_only_the_bulk_branch(body: dict[str, Any]) -> None:
    assert _matching_branches(body) == ["ItemBulkCreate"]
    _validator(_request_schema()).validate(body)


def test_a_body_with_items_that_are_not_item_bodies_matches_neither() -> None:
    assert _matching_branches({"items": "not a list"}) == []
    assert not _validator(_request_schema()).is_valid({"items": "not a list"})


@pytest.mark.parametrize("status", ["200", "201"])
def test_create_item_answers_match_exactly_one_branch(status: str) -> None:
    answer = operations()[("POST", "/item")]["responses"][status]
    schema = answer["content"]["application/json"]["schema"]
    documents = {"Item": wire.ITEM, "ItemBulkResult": dict(wire.ENVELOPES)["ItemBulkResult"]}
    for name, document in documents.items():
        matching = [
            branch["$ref"].rsplit("/", 1)[1]
            for branch in schema["oneOf"]
            if _validator(branch).is_valid(document)
        ]
        assert matching == [name]
