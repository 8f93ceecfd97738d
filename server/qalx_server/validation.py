"""Validators for the spec's component schemas, compiled once and shared by the API (request
bodies, answers) and the entities (factory plans).

OpenAPI 3.0 schemas are not plain JSON Schema (`nullable`, and formats such as `uuid`), so
they go through openapi-schema-validator's OAS 3.0 validator, built on jsonschema.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema.protocols import Validator
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from qalx_server.spec import load_spec


@functools.cache
def validator(ref: str) -> Validator:
    """A validator for a `#/components/schemas/...` reference or a schema name."""
    if not ref.startswith("#/"):
        ref = f"#/components/schemas/{ref}"
    return validator_for({"$ref": ref})


def validator_for(schema: dict[str, Any]) -> Validator:
    components = load_spec()["components"]
    root = {**_inlined(schema, components["schemas"], ()), "components": components}
    v: Validator = OAS30Validator(root, format_checker=oas30_format_checker)
    return v


_COMPONENT = "#/components/schemas/"


def _inlined(node: Any, schemas: dict[str, Any], expanding: tuple[str, ...]) -> Any:
    """`node` with each component `$ref` replaced by the schema it names (a recursive one
    stays a `$ref`). Resolving references through `referencing` on every validation was half
    the cost of checking a bulk create; resolving them once here costs nothing per request."""
    if isinstance(node, list):
        return [_inlined(v, schemas, expanding) for v in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_COMPONENT):
        name = ref[len(_COMPONENT) :]
        if name in expanding or name not in schemas:
            return node
        return _inlined(schemas[name], schemas, (*expanding, name))
    return {k: _inlined(v, schemas, expanding) for k, v in node.items()}


def problems(v: Validator, document: Any, where: str) -> list[dict[str, str]]:
    """Each validation error as `{field, detail}`, most specific first."""
    found = []
    for error in sorted(v.iter_errors(document), key=lambda e: (-len(e.path), str(e.path))):
        # For oneOf/anyOf, the failing branch's own errors say more than "not valid under any".
        best = error
        if error.context:
            best = min(error.context, key=lambda e: len(e.context or []))
        field = ".".join(str(p) for p in best.absolute_path)
        found.append({"field": f"{where}.{field}" if field else where, "detail": best.message})
    return found
