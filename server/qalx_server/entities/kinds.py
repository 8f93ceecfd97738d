"""What differs between entity types. The writable keys of each type come from the spec's
create and update schemas, so a field added to the spec is stored without code changes here."""

from __future__ import annotations

import copy
import functools
from typing import Any, Literal

import attrs

from qalx_server.spec import load_spec

EntityType = Literal["item", "set", "group", "blueprint", "queue", "bot", "factory", "notification"]


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
    unique_name: bool = False
    """Names are unique per company among entities not archived (409 on a clash)."""
    ignored_on_create: frozenset[str] = frozenset({"encrypt"})
    ignored_on_update: frozenset[str] = frozenset({"encrypt"})
    required_in_projection: tuple[str, ...] = ("guid",)

    def fresh(self) -> dict[str, Any]:
        return copy.deepcopy(self.defaults)

    def writable(self, schema: str, ignored: frozenset[str]) -> frozenset[str]:
        properties = load_spec()["components"]["schemas"][schema].get("properties", {})
        return frozenset(properties) - ignored

    @functools.cached_property
    def create_keys(self) -> frozenset[str]:
        return self.writable(self.create_schema, self.ignored_on_create)

    @functools.cached_property
    def update_keys(self) -> frozenset[str]:
        return self.writable(self.update_schema, self.ignored_on_update)


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
            required_in_projection=("guid", "file"),
        ),
        Kind("set", "SetWrite", "SetWrite", {"items": {}, **_COMMON}, ref_maps=("items",)),
        Kind("group", "GroupWrite", "GroupWrite", {"sets": {}, **_COMMON}, ref_maps=("sets",)),
        Kind("blueprint", "BlueprintCreate", "BlueprintUpdate", {**_COMMON}, unique_name=True),
        Kind(
            "queue",
            "QueueCreate",
            "QueueUpdate",
            {"parameters": {"VisibilityTimeout": 30}, **_COMMON},
            unique_name=True,
        ),
        Kind(
            "bot",
            "BotCreate",
            "BotUpdate",
            {"config": {}, "host": {}, "workers": [], "state": "idle", "status": {}, **_COMMON},
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
            # pyqalx sends these artefacts on create; plans are never encrypted
            ignored_on_create=frozenset({"encrypt", "data", "file_key"}),
            required_in_projection=("guid", "plan"),
        ),
        Kind(
            "notification",
            "NotificationCreate",
            "NotificationUpdate",
            {"cc": [], "bcc": [], **_COMMON},
        ),
    )
}

WORKER_DEFAULTS: dict[str, Any] = {"signal": {}, "state": "idle", "status": {}}
WORKER_REQUIRED_IN_PROJECTION = ("guid", "signal", "state")
