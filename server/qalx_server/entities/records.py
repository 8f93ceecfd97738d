"""An entity row as the service works with it, and how to answer with it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


Projector = Callable[[dict[str, Any]], dict[str, Any]]
"""A compiled `fields` projection: built once per request, applied to each answer."""


@attrs.frozen
class Rendering:
    """How to answer with a document: where the server is, and what to add or keep."""

    base_url: str
    put_url: bool = False
    project: Projector | None = None
    extra_info: Mapping[str, Any] | None = None
