"""The fast yes/no of `validation.accepts` always agrees with openapi-schema-validator's OAS
3.0 validator, on every schema of the spec it compiles to draft 4."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qalx_server.spec import load_spec
from qalx_server.validation import _draft4, _inlined, accepts, validator

SCHEMAS = load_spec()["components"]["schemas"]


def _names(node: Any, found: set[str]) -> set[str]:
    """Every property name a schema mentions, anywhere in it."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                found.update(value)
            _names(value, found)
    elif isinstance(node, list):
        for value in node:
            _names(value, found)
    return found


def _documents(schema: Any) -> st.SearchStrategy[Any]:
    """JSON values made of the schema's own property names, its enum values and the edges of
    the types (None, booleans against integers, 1.0, empty and long strings)."""
    names = sorted(_names(schema, set()))
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-3, 3)
        | st.sampled_from([0.5, 1.0, -1.0, 2**31, 2**63 - 1, 10**30])
        | st.sampled_from(["", "a", "x" * 1025, "idle", "item", "g1"])
        | st.text(max_size=3)
    )
    keys = st.sampled_from(names) if names else st.text(max_size=3)
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(keys, inner, max_size=5)
            | st.fixed_dictionaries({}, optional={name: inner for name in names})
        ),
        max_leaves=12,
    )


COMPILED = [
    name
    for name in SCHEMAS
    if _draft4(_inlined({"$ref": f"#/components/schemas/{name}"}, SCHEMAS, ())) is not None
]


def test_the_hot_schemas_compile() -> None:
    assert {"ItemCreate", "ItemUpdate", "ItemBulkCreate", "Tags"} <= set(COMPILED)


@pytest.mark.parametrize("name", COMPILED)
def test_the_fast_answer_is_the_oas_validators(name: str) -> None:
    inlined = _inlined({"$ref": f"#/components/schemas/{name}"}, SCHEMAS, ())
    check, slow = accepts(name), validator(name)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_documents(inlined))
    def agree(document: Any) -> None:
        assert check(document) == slow.is_valid(document), document

    agree()


def test_nullable_is_kept_and_only_on_its_type() -> None:
    item = accepts("ItemCreate")
    assert item({"file": {"name": "a.txt", "keyfile": None}})
    assert not item({"file": {"name": None}})
    assert not item({"tags": [{"name": "a"}]})
    assert not item({"items": []})
