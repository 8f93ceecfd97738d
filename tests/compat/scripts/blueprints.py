"""Blueprints: add with a jsonschema, get, get_by_name, and validation of items against them."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from pyqalx import Blueprint, QalxSession  # type: ignore[import-not-found]
from pyqalx.core.errors import QalxAPIResponseError  # type: ignore[import-not-found]

qalx = QalxSession(skip_ini=True)
out: dict[str, Any] = {}


def snap(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


schema = Blueprint.item()
schema.add_data("width", {"type": "number", "minimum": 1}, required=True)
schema.add_data("height", {"type": "number", "minimum": 3, "exclusiveMaximum": 100}, required=True)
out["sent_schema"] = snap(schema)

made = qalx.blueprint.add(name="DimsBlueprint", schema=schema, meta={"owner": "compat"})
out["add"] = {"name": made.name, "entity_type": made.entity_type, "schema": snap(made.schema)}

by_name = qalx.blueprint.get_by_name("DimsBlueprint")
out["get_by_name"] = {
    "same_guid": by_name.guid == made.guid,
    "schema": snap(by_name.schema),
    "meta": snap(by_name.meta),
}
by_guid = qalx.blueprint.get(made.guid)
out["get"] = {"name": by_guid.name, "schema": snap(by_guid.schema)}

good = qalx.item.add(data={"width": 5, "height": 10}, blueprint_name="DimsBlueprint")
out["valid_item"] = snap(qalx.item.get(good.guid).data)
try:
    qalx.item.add(data={"width": 0.5, "height": 10}, blueprint_name="DimsBlueprint")
    out["invalid_item"] = "accepted"
except jsonschema.ValidationError as exc:
    out["invalid_item"] = f"ValidationError: {exc.message}"

whole = Blueprint.item()
whole.add_schema(
    {
        "data": {
            "type": "object",
            "properties": {"rho": {"type": "number"}},
            "required": ["rho"],
        }
    }
)
qalx.blueprint.add(name="Material", schema=whole)
steel = qalx.item.add(data={"rho": 8000}, blueprint_name="Material")
out["material_item"] = snap(steel.data)

try:
    qalx.blueprint.add(name="DimsBlueprint", schema=schema)
    out["duplicate_name"] = "accepted"
except QalxAPIResponseError as exc:
    out["duplicate_name"] = "rejected: " + str(exc).split("status_code: ")[1][:3]

print(json.dumps(out, default=str))
