"""Request bodies read with jsonio: the canonical form is skipped only where it would change
nothing."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from qalx_server import jsonio
from qalx_server.store.query import canonical

_KEYS = st.sampled_from(["a", "$uuid", "$date", "$numberDouble", "x$", "é", "data"]) | st.text()
_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.sampled_from(["0" * 32, "2024-01-02T03:04:05Z", "NaN"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(_VALUES, st.booleans())
def test_a_body_read_as_canonical_is_its_own_canonical_form(value: Any, ascii_only: bool) -> None:
    raw = json.dumps(value, ensure_ascii=ascii_only).encode()
    try:
        body, already = jsonio.read(raw)
    except jsonio.InvalidJSON:
        return  # lone surrogates, NUL: refused before any canonical form
    if already:
        assert canonical(body) == body


def test_extended_json_and_non_finite_numbers_are_not_canonical_as_read() -> None:
    for raw in (
        b'{"a": {"$uuid": "00000000-0000-0000-0000-000000000000"}}',
        b'{"a": {"\\u0024date": "2024-01-02T03:04:05Z"}}',
        b'{"a": NaN}',
        b'{"a": [-Infinity]}',
        b'{"a": 1e400}',
    ):
        body, already = jsonio.read(raw)
        assert not already
        assert canonical(body) != body
    assert jsonio.read(b'{"items": [{"data": {"i": 1, "x": 0.5}}]}')[1]
