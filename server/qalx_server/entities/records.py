"""An entity row as the service works with it, and how to answer with it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs


@attrs.define
class Stored:
    """One entity row as the service works with it."""

    id: int
    guid: str
    doc: dict[str, Any]
    file_key: str | None
    archived: bool


@attrs.frozen
class Rendering:
    """How to answer with a document: where the server is, and what to add or keep."""

    base_url: str
    put_url: bool = False
    fields: tuple[str, ...] = ()
    extra_info: Mapping[str, Any] | None = None
