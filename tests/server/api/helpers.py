"""Small helpers for driving the server through the generated client."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any, TypeVar

import attrs

from qalx_api_client import models
from qalx_api_client.types import Response, Unset

T = TypeVar("T")


def ok(response: Response[Any], status: int = 200) -> Any:
    """The parsed answer of a call that must succeed with `status`."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.parsed


@attrs.frozen
class Problem:
    """An error answer of our server, which always names the problem and a code (the spec's
    `Error` promises neither, as other servers may send neither)."""

    detail: str
    code: str


def error(response: Response[Any], status: int) -> Problem:
    """The parsed Error of a call that must fail with `status`."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    parsed = response.parsed
    assert isinstance(parsed, models.Error), response.content
    assert isinstance(parsed.detail, str) and parsed.detail, response.content
    assert isinstance(parsed.code, str) and parsed.code, response.content
    return Problem(parsed.detail, parsed.code)


def hex_of(ref: models.UuidGuid | models.BinaryGuid) -> str:
    """A guid's 32 hex digits, from either wire form (our server sends `$uuid`)."""
    if isinstance(ref, models.BinaryGuid):
        return base64.b64decode(ref.binary).hex()
    return ref.uuid


def uuid_of(ref: models.UuidGuid | models.BinaryGuid) -> uuid.UUID:
    return uuid.UUID(hex=hex_of(ref))


def present(value: T | Unset) -> T:
    assert not isinstance(value, Unset)
    return value


def doc(model: Any) -> dict[str, Any]:
    """A model as the JSON document that was on the wire."""
    result: dict[str, Any] = model.to_dict()
    return result


def query(filt: Any) -> str:
    return json.dumps(filt)


def save_body(entity: dict[str, Any], *, keep_status: bool = False) -> dict[str, Any]:
    """What pyqalx's save sends: the whole entity minus info, guid and (except factories)
    status."""
    dropped = {"info", "guid"} | (set() if keep_status else {"status"})
    return {k: v for k, v in entity.items() if k not in dropped}
