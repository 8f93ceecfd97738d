"""Each spec operation compiled once into what a request needs checked: parameters, body,
answers. Routes are made from these, so the server serves exactly the operations of the spec."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs
from jsonschema.protocols import Validator
from starlette.datastructures import QueryParams

from qalx_server.spec import load_spec
from qalx_server.validation import problems, validator_for

from .errors import bad_request

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = load_spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


_BOOLEANS = {"true": True, "false": False}
"""How httpx, requests and browsers spell a boolean query parameter."""


@attrs.frozen
class QueryParam:
    name: str
    kind: str  # "integer", "number", "boolean", "string" or "array"
    default: Any
    check: Validator

    def parse(self, params: QueryParams) -> Any:
        if self.kind == "array":
            values: Any = params.getlist(self.name)
            if not values:
                return self.default
        else:
            raw = params.get(self.name)
            if raw is None:
                return self.default
            values = raw
            if self.kind == "boolean":
                values = _BOOLEANS.get(raw.lower())
                if values is None:
                    raise bad_request(
                        f"query parameter {self.name!r} must be true or false, not {raw!r}"
                    )
            elif self.kind in ("integer", "number"):
                try:
                    values = int(raw) if self.kind == "integer" else float(raw)
                    if not math.isfinite(values):
                        raise ValueError(raw)
                except ValueError:
                    what = "an integer" if self.kind == "integer" else "a number"
                    raise bad_request(
                        f"query parameter {self.name!r} must be {what}, not {raw!r}"
                    ) from None
        if not self.check.is_valid(values):
            errors = problems(self.check, values, f"query.{self.name}")
            raise bad_request(f"query parameter {self.name!r}: {errors[0]['detail']}", errors)
        return values


@attrs.frozen
class Operation:
    operation_id: str
    method: str
    path: str
    path_params: tuple[str, ...]
    """The guids of the path (its parameters of `format: uuid`)."""
    text_params: Mapping[str, Validator]
    """The path's other parameters, each checked against its schema (`parse_text_params`)."""
    query_params: tuple[QueryParam, ...]
    header_params: Mapping[str, Validator]
    """The headers the operation declares, as the spec spells them, each checked against its
    schema when sent (`check_headers`; header names are matched without regard to case)."""
    body_ref: str | None
    """`#/components/schemas/X` of the request body, or None for none / a oneOf (the handler
    picks the schema, e.g. bulk or single item create)."""
    has_body: bool
    public: bool
    responses: Mapping[str, Validator | None]
    """By status as the spec writes it: `"200"`, a range such as `"5XX"`, or `"default"`."""

    def parse_text_params(self, params: Mapping[str, str]) -> dict[str, str]:
        found = {}
        for name, check in self.text_params.items():
            value = params[name]
            if not check.is_valid(value):
                errors = problems(check, value, f"path.{name}")
                raise bad_request(f"path parameter {name!r}: {errors[0]['detail']}", errors)
            found[name] = value
        return found

    def check_headers(self, headers: Mapping[str, str]) -> None:
        for name, check in self.header_params.items():
            value = headers.get(name)
            if value is not None and not check.is_valid(value):
                errors = problems(check, value, f"header.{name}")
                raise bad_request(f"header {name!r}: {errors[0]['detail']}", errors)

    def parse_query(self, params: QueryParams) -> dict[str, Any]:
        return {p.name: p.parse(params) for p in self.query_params}

    def answer_schema(self, status: int) -> tuple[bool, Validator | None]:
        """Whether the spec declares `status` for this operation, and its body's validator.
        Only a status of its own counts as declared: the range and `default` entries describe
        what other servers may answer, not what ours should."""
        exact = str(status)
        if exact in self.responses:
            return True, self.responses[exact]
        for key in (f"{exact[0]}XX", "default"):
            if key in self.responses:
                return False, self.responses[key]
        return False, None


def _query_param(param: dict[str, Any]) -> QueryParam:
    schema = param.get("schema", {})
    kind = schema.get("type", "string")
    default = schema.get("default", [] if kind == "array" else None)
    return QueryParam(param["name"], kind, default, validator_for(schema))


def _is_guid(param: dict[str, Any]) -> bool:
    return bool(_resolve(param.get("schema", {})).get("format") == "uuid")


def compile_operations() -> list[Operation]:
    spec = load_spec()
    found = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method not in item:
                continue
            raw = item[method]
            params = [_resolve(p) for p in [*shared, *raw.get("parameters", [])]]
            body = raw.get("requestBody")
            body_schema = _resolve(body)["content"]["application/json"]["schema"] if body else None
            responses: dict[str, Validator | None] = {}
            for status, response in raw["responses"].items():
                content = _resolve(response).get("content")
                schema = content["application/json"]["schema"] if content else None
                responses[str(status)] = validator_for(schema) if schema else None
            found.append(
                Operation(
                    operation_id=raw["operationId"],
                    method=method.upper(),
                    path=path,
                    path_params=tuple(
                        p["name"] for p in params if p["in"] == "path" and _is_guid(p)
                    ),
                    text_params={
                        p["name"]: validator_for(p["schema"])
                        for p in params
                        if p["in"] == "path" and not _is_guid(p)
                    },
                    query_params=tuple(_query_param(p) for p in params if p["in"] == "query"),
                    header_params={
                        p["name"]: validator_for(p["schema"]) for p in params if p["in"] == "header"
                    },
                    body_ref=body_schema.get("$ref") if body_schema else None,
                    has_body=body is not None,
                    public=raw.get("security") == [],
                    responses=responses,
                )
            )
    return found
