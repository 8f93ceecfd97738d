"""schemathesis (which tests the server against the spec) reads every operation of the spec."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from schemathesis.core.result import Ok

from .spec import SPEC_PATH, operations, parameters

pytestmark = pytest.mark.slow  # fuzzing every operation: make test-slow

SCHEMA = schemathesis.openapi.from_path(str(SPEC_PATH))
LOADED = list(SCHEMA.get_all_operations())


def test_schemathesis_loads_every_operation_without_errors() -> None:
    ok = [result.ok() for result in LOADED if isinstance(result, Ok)]
    assert len(ok) == len(LOADED)
    loaded = {(operation.method.upper(), operation.path) for operation in ok}
    assert loaded == set(operations())


@pytest.mark.parametrize("key", sorted(operations()), ids=lambda k: f"{k[0]} {k[1]}")
def test_schemathesis_generates_requests_within_the_spec(key: tuple[str, str]) -> None:
    operation = SCHEMA[key[1]][key[0]]
    declared = {p["name"] for p in parameters(key[1], key[0]) if p["in"] == "query"}

    @settings(
        max_examples=5,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: Case[Any]) -> None:
        assert "{" not in case.formatted_path
        assert set(case.query or {}) <= declared
        if "requestBody" in operations()[key]:
            assert case.body is not None

    check()
