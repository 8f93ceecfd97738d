"""Blueprints: JSON-Schema documents that items and sets are checked against when they are
added or saved with `blueprint_name=` (runtime-contract §8.2 to §8.4).

A `Blueprint` is two things, as in pyqalx: a schema being built (`Blueprint.item()`, then
`add_data`/`add_meta`/`add_item`/`add_schema`), and a stored blueprint entity (`name`, `schema`,
`entity_type`) whose `validate` checks a document against its `schema`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from qalx.errors import QalxInvalidBlueprintError

from ._base import QalxEntity


def _latest_validator() -> Any:
    from jsonschema import validators

    return validators.validator_for({})  # the newest draft jsonschema knows


def check_schema(schema: Mapping[str, Any]) -> None:
    """Raise `jsonschema.SchemaError` unless `schema` is a valid schema of the newest draft."""
    _latest_validator().check_schema(schema)


class _OwnKindFirst:
    """`Blueprint.entity_type` is "blueprint"; on an instance, the blueprint's own
    `entity_type` key (the kind of entity its schema is for) wins, as in pyqalx."""

    def __get__(self, instance: Blueprint | None, owner: type[Blueprint]) -> str:
        if instance is not None and "entity_type" in instance:
            return str(instance["entity_type"])
        return "blueprint"


class Blueprint(QalxEntity):
    """A JSON-Schema blueprint for items or sets."""

    entity_type: ClassVar[str] = _OwnKindFirst()  # type: ignore[assignment]

    @classmethod
    def _base_blueprint(cls, entity_type: str, child_key: str) -> Blueprint:
        def empty() -> dict[str, Any]:
            return {"type": "object", "properties": {}, "required": []}

        blueprint = cls({"type": "object", "properties": {"meta": empty(), child_key: empty()}})
        blueprint["entity_type"] = entity_type
        blueprint["required"] = [child_key]
        return blueprint

    @classmethod
    def item(cls) -> Blueprint:
        """The default schema of an item blueprint: `data` required, `meta` optional."""
        return cls._base_blueprint("item", "data")

    @classmethod
    def set(cls) -> Blueprint:
        """The default schema of a set blueprint: `items` required, `meta` optional."""
        return cls._base_blueprint("set", "items")

    def check_schema(self, schema: Mapping[str, Any] | None = None) -> None:
        """Raise `jsonschema.SchemaError` if `schema` (default: this blueprint) is malformed."""
        check_schema(self if schema is None else schema)

    def validate(self, entity: Mapping[str, Any]) -> None:
        """Check `entity` against this stored blueprint's `schema`; raise
        `jsonschema.ValidationError` if it does not conform."""
        import jsonschema

        schema = self.get("schema")
        if not isinstance(schema, Mapping):
            raise QalxInvalidBlueprintError(
                "validate needs a stored blueprint (with a `schema`); to check a schema being "
                "built, store it first with session.blueprint.add(name, schema)"
            )
        jsonschema.validate(instance=_for_validation(entity), schema=schema)

    def add_schema(self, schema_value: Mapping[str, Any]) -> Blueprint:
        """Replace the whole of `properties` with `schema_value`."""
        self["properties"] = dict(schema_value)
        self.check_schema()
        return self

    def _update_property(
        self, property_key: str, key: str, schema_value: Mapping[str, Any], required: bool
    ) -> Blueprint:
        try:
            target = self["properties"][property_key]
        except KeyError:
            raise QalxInvalidBlueprintError(
                f"this blueprint has no properties.{property_key}: start from "
                f"Blueprint.{'set' if property_key == 'items' else 'item'}()"
            ) from None
        target.setdefault("properties", {})[key] = dict(schema_value)
        needed = target.setdefault("required", [])
        if required and key not in needed:
            needed.append(key)
        self.check_schema()
        return self

    def add_data(
        self, key: str, schema_value: Mapping[str, Any], required: bool = False
    ) -> Blueprint:
        """Set the schema of `data.<key>` (an item blueprint)."""
        return self._update_property("data", key, schema_value, required)

    def add_meta(
        self, key: str, schema_value: Mapping[str, Any], required: bool = False
    ) -> Blueprint:
        """Set the schema of `meta.<key>`."""
        return self._update_property("meta", key, schema_value, required)

    def add_item(
        self, key: str, item_blueprint: Blueprint | None = None, required: bool = False
    ) -> Blueprint:
        """Add item `key` to a set blueprint: any item without `item_blueprint`, or only items
        conforming to that stored item blueprint."""
        if item_blueprint is None:
            schema_value: dict[str, Any] = {"type": "object"}
        else:
            if not isinstance(item_blueprint, Blueprint):
                raise QalxInvalidBlueprintError(
                    "item_blueprint must be a stored Blueprint; "
                    f"got {type(item_blueprint).__name__}"
                )
            if not item_blueprint.get("name") or not isinstance(
                item_blueprint.get("schema"), Mapping
            ):
                raise QalxInvalidBlueprintError(
                    "item_blueprint must be a stored blueprint with a name and a schema "
                    "(from session.blueprint.add or .get)"
                )
            schema_value = {**item_blueprint["schema"], "name": item_blueprint["name"]}
        return self._update_property("items", key, schema_value, required)


def _for_validation(entity: Any) -> Any:
    """`entity` as JSON-Schema sees it: UUIDs and datetimes as their text, entities as dicts."""
    import datetime as dt
    import uuid

    if isinstance(entity, Mapping):
        return {k: _for_validation(v) for k, v in entity.items()}
    if isinstance(entity, list | tuple):
        return [_for_validation(v) for v in entity]
    if isinstance(entity, uuid.UUID):
        return str(entity)
    if isinstance(entity, dt.datetime):
        return entity.isoformat()
    return entity
