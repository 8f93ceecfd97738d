"""Validators for the spec's component schemas, compiled once and shared by the API (request
bodies, answers) and the entities (factory plans).

OpenAPI 3.0 schemas are not plain JSON Schema (`nullable`, and formats such as `uuid`), so
they go through openapi-schema-validator's OAS 3.0 validator, built on jsonschema. That
validator says what is wrong; whether anything is wrong, on the hot paths (request bodies, the
items of a bulk create), is asked first of the same schema compiled by jsonschema-rs, a
hundred times faster, where its meaning in JSON Schema draft 4 is the same (`accepts`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jsonschema_rs
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


@functools.cache
def accepts(ref: str) -> Callable[[Any], bool]:
    """Whether a document matches a schema (a reference or a name, as for `validator`):
    always `validator(ref).is_valid`'s answer, from jsonschema-rs where the schema can be
    said in draft 4, which takes microseconds where jsonschema takes tens of them. Only a
    document it refuses (the rare case) is asked of jsonschema again, so that jsonschema's
    answer is the one that counts."""
    slow = validator(ref)
    if not ref.startswith("#/"):
        ref = f"#/components/schemas/{ref}"
    components = load_spec()["components"]["schemas"]
    draft4 = _draft4(_inlined({"$ref": ref}, components, ()))
    if draft4 is None:
        return slow.is_valid
    try:
        fast = jsonschema_rs.Draft4Validator(draft4).is_valid
    except (ValueError, jsonschema_rs.ValidationError):
        return slow.is_valid

    def check(document: Any) -> bool:
        try:
            if fast(document):
                return True
        except (ValueError, TypeError, OverflowError):
            pass  # what JSON cannot hold (a non-string key): jsonschema decides
        return slow.is_valid(document)

    return check


_SAME_IN_DRAFT4 = frozenset(
    {
        "required",
        "enum",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minLength",
        "maxLength",
        "minProperties",
        "maxProperties",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
    }
)
"""Keywords whose values jsonschema-rs reads as openapi-schema-validator's OAS 3.0 validator
does: its own overrides of `required` and `items` differ only around `readOnly`/`writeOnly`
(refused below) and array `items` (refused too)."""
_ANNOTATIONS = frozenset(
    {"title", "description", "default", "example", "deprecated", "externalDocs", "xml"}
)
"""What the OAS 3.0 validator ignores, and so can be left out."""


def _draft4(node: Any) -> Any:
    """An inlined OAS 3.0 schema in JSON Schema draft 4 with the same meaning, or None if it
    uses anything whose meaning might differ: `format` (openapi-schema-validator checks every
    format jsonschema knows), `pattern` (ECMA regular expressions there), `multipleOf`
    (floating point), `readOnly`/`writeOnly` (they change `required`), `discriminator`, a
    `$ref` left (recursive schemas), or a keyword not known here."""
    if isinstance(node, bool):
        return node
    if not isinstance(node, dict):
        return None
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _ANNOTATIONS or key.startswith("x-") or key == "nullable":
            continue
        if key == "type":
            if not isinstance(value, str):
                return None
            # OAS 3.0: `nullable: true` lets None through the `type` keyword (only that one).
            out[key] = [value, "null"] if node.get("nullable") is True else value
        elif key in _SAME_IN_DRAFT4:
            out[key] = value
        elif key in ("not", "additionalProperties", "items"):
            if key == "items" and not isinstance(value, dict):
                return None
            out[key] = _draft4(value)
            if out[key] is None:
                return None
        elif key in ("allOf", "anyOf", "oneOf"):
            if not isinstance(value, list):
                return None
            out[key] = [_draft4(part) for part in value]
            if any(part is None for part in out[key]):
                return None
        elif key == "properties":
            if not isinstance(value, dict):
                return None
            out[key] = {name: _draft4(sub) for name, sub in value.items()}
            if any(sub is None for sub in out[key].values()):
                return None
        else:
            return None
    return out


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
        detail = best.message
        described = best.schema.get("description") if isinstance(best.schema, dict) else None
        if best.validator == "pattern" and described:
            # A regular expression says less to a reader than the schema's own words.
            detail = f"{best.instance!r} is not allowed: {' '.join(described.split())}"
        found.append({"field": f"{where}.{field}" if field else where, "detail": detail})
    return found
