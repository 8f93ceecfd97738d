"""What differs between entity types. The writable keys of each type come from the spec's
create and update schemas, and the keys every answer keeps under a projection from its answer
schema's `required`, so a field added to the spec needs no code changes here."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Literal

import attrs
import orjson

from qalx_server.queue_model import DEFAULT_VISIBILITY_TIMEOUT
from qalx_server.spec import load_spec

from .errors import Invalid
from .seen import FRESH

Required = dict[str, tuple[str, ...]]
"""Dotted path inside an answer ("" for the top) -> the keys an object there must carry."""

EntityType = Literal["item", "set", "group", "blueprint", "queue", "bot", "factory", "notification"]


def _no_rule(doc: dict[str, Any]) -> None:
    """Most types have no rule of their own on a document."""


@attrs.frozen
class Kind:
    name: EntityType
    create_schema: str
    update_schema: str
    defaults: dict[str, Any]
    file_field: str | None = None
    """The key holding the entity's file record (`file` on items, `plan` on factories)."""
    ref_maps: tuple[str, ...] = ()
    """Keys mapping names to entity guids (set `items`, group `sets`), stored as `$uuid`."""
    ref_lists: tuple[str, ...] = ()
    """Keys holding lists of such mappings (a factory's `bots`), stored the same way."""
    unique_name: bool = False
    """Names are unique per company among entities not archived (409 on a clash)."""
    bots_may_create: bool = True
    """False for bots: a bot token cannot make another bot (403), only a user's can."""
    settle: Callable[[dict[str, Any]], None] = _no_rule
    """The type's own rule on a whole document about to be stored: completes it, or raises
    `Invalid` naming what is wrong."""
    ignored_on_create: frozenset[str] = frozenset({"encrypt"})
    ignored_on_update: frozenset[str] = frozenset({"encrypt"})

    def fresh(self) -> dict[str, Any]:
        """A new copy of the defaults (from their JSON: copy.deepcopy was a tenth of the time
        of a bulk create)."""
        fresh: dict[str, Any] = orjson.loads(self._defaults_json)
        return fresh

    @functools.cached_property
    def _defaults_json(self) -> bytes:
        return orjson.dumps(self.defaults)

    def writable(self, schema: str, ignored: frozenset[str]) -> frozenset[str]:
        properties = load_spec()["components"]["schemas"][schema].get("properties", {})
        return frozenset(properties) - ignored

    @functools.cached_property
    def create_keys(self) -> frozenset[str]:
        return self.writable(self.create_schema, self.ignored_on_create)

    @functools.cached_property
    def update_keys(self) -> frozenset[str]:
        return self.writable(self.update_schema, self.ignored_on_update)

    @functools.cached_property
    def required(self) -> Required:
        """What a projected answer keeps (pyqalx's save needs an item's `file`, for one)."""
        return required_paths(self.name.capitalize())


def required_paths(schema_name: str) -> Required:
    """Every object's required keys in an answer schema, by dotted path; arrays are looked
    through, as projections map over them. Keys starting with `$` belong to Extended JSON
    values, which projections keep whole or not at all."""
    found: Required = {}
    _walk({"$ref": f"#/components/schemas/{schema_name}"}, "", found, depth=0)
    return found


def _walk(schema: dict[str, Any], path: str, found: Required, depth: int) -> None:
    schema = _resolve(schema)
    if depth > 8:
        return
    if schema.get("type") == "array":
        _walk(schema.get("items", {}), path, found, depth + 1)
        return
    parts = [_resolve(part) for part in schema.get("allOf", [])] or [schema]
    required = [k for part in parts for k in part.get("required", []) if not k.startswith("$")]
    if required:
        found[path] = (*found.get(path, ()), *required)
    for part in parts:
        for name, sub in part.get("properties", {}).items():
            if name.startswith("$"):
                continue
            _walk(sub, f"{path}.{name}" if path else name, found, depth + 1)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = load_spec()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _blueprint_entity_type(doc: dict[str, Any]) -> None:
    """A blueprint checks entities of the type its schema names, and says so at the top."""
    schema = doc.get("schema")
    if not isinstance(schema, dict) or "entity_type" not in schema:
        raise Invalid("schema: a blueprint schema must contain 'entity_type'")
    doc.setdefault("entity_type", schema["entity_type"])


_COMMON: dict[str, Any] = {"meta": {}, "tags": []}

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "item",
            "ItemCreate",
            "ItemUpdate",
            {"data": {}, **_COMMON, "file": {}},
            file_field="file",
        ),
        Kind("set", "SetWrite", "SetWrite", {"items": {}, **_COMMON}, ref_maps=("items",)),
        Kind("group", "GroupWrite", "GroupWrite", {"sets": {}, **_COMMON}, ref_maps=("sets",)),
        Kind(
            "blueprint",
            "BlueprintCreate",
            "BlueprintUpdate",
            {**_COMMON},
            unique_name=True,
            settle=_blueprint_entity_type,
        ),
        Kind(
            "queue",
            "QueueCreate",
            "QueueUpdate",
            {"parameters": {"VisibilityTimeout": DEFAULT_VISIBILITY_TIMEOUT}, **_COMMON},
            unique_name=True,
        ),
        Kind(
            "bot",
            "BotCreate",
            "BotUpdate",
            {"config": {}, "host": {}, "workers": [], "state": "idle", "status": {}, **_COMMON},
            bots_may_create=False,
            # workers change only through replace-workers and the worker endpoints
            ignored_on_update=frozenset({"encrypt", "workers"}),
        ),
        Kind(
            "factory",
            "FactoryCreate",
            "FactoryUpdate",
            {
                "stage": None,
                "plan": {},
                "status": "deploying",
                "stacks": {},
                "bots": [],
                **_COMMON,
            },
            file_field="plan",
            ref_lists=("bots",),
            # pyqalx sends these artefacts on create; plans are never encrypted
            ignored_on_create=frozenset({"encrypt", "data", "file_key"}),
        ),
        Kind(
            "notification",
            "NotificationCreate",
            "NotificationUpdate",
            {"cc": [], "bcc": [], **_COMMON},
        ),
    )
}

WORKER_DEFAULTS: dict[str, Any] = {"signal": {}, "state": "idle", "status": {}, **FRESH}


@functools.cache
def worker_required() -> Required:
    """What a projected worker keeps: its guid, signal and state (pyqalx reads the signal
    with `fields=signal`)."""
    return required_paths("Worker")
