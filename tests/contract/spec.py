"""The spec, loaded once, and a validator for any of its component schemas."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from jsonschema.protocols import Validator
from openapi_schema_validator import OAS30Validator, oas30_format_checker

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "qalx.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@functools.cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
    return loaded


def operations() -> dict[tuple[str, str], dict[str, Any]]:
    """(METHOD, path) -> operation object."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for path, item in spec()["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                found[(method.upper(), path)] = item[method]
    return found


def parameters(path: str, method: str) -> list[dict[str, Any]]:
    """An operation's parameters (path-level ones included), with $refs resolved."""
    item = spec()["paths"][path]
    params = [*item.get("parameters", []), *item[method.lower()].get("parameters", [])]
    return [resolve(p) for p in params]


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def schema_validator(name: str) -> Validator:
    """A validator for components.schemas[name] with OpenAPI 3.0 semantics (nullable etc.)."""
    root = {"$ref": f"#/components/schemas/{name}", "components": spec()["components"]}
    validator: Validator = OAS30Validator(root, format_checker=oas30_format_checker)
    return validator
