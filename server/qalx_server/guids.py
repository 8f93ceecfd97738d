"""Guids as the server stores them (32 lowercase hex) and as the wire carries them."""

from __future__ import annotations

import uuid
from typing import Any


def new_guid() -> str:
    return uuid.uuid4().hex


def parse_guid(text: str) -> str | None:
    """32-hex form of a guid given hyphenated or not; None when it is not a guid."""
    try:
        return uuid.UUID(text).hex
    except (ValueError, AttributeError, TypeError):
        return None


def wire(guid_hex: str) -> dict[str, Any]:
    """The legacy Extended JSON form: `{"$uuid": hex}`."""
    return {"$uuid": guid_hex}
