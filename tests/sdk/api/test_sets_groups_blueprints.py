"""Sets, groups and blueprints: packing children on write, unpacking them on read, and
validating against blueprints before anything is written."""

from __future__ import annotations

import uuid

import jsonschema
import pytest

from qalx import Blueprint, Group, Item, QalxSession, Set
from qalx.errors import QalxError, QalxInvalidBlueprintError


def test_set_add_get_unpacks(session: QalxSession) -> None:
    dims = session.item.add(data={"height": 5, "width": 5})
    steel = session.item.add(data={"rho": 8000, "E": 193e9})
    made = session.set.add(items={"shape": dims, "material": steel.guid}, meta={"profile": "sq"})
    assert isinstance(made, Set)
    got = session.set.get(made.guid)
    assert isinstance(got.items_["shape"], Item)
    assert got.get_item_data("material") == {"rho": 8000, "E": 193e9}
    assert got.get_item_data("missing") is None
    packed = session.set.get(made.guid, unpack=False)
    assert packed.items_ == {"shape": dims.guid, "material": steel.guid}
    narrow = session.set.get(made.guid, child_fields=["data.height"])
    shape = narrow.items_["shape"]
    assert isinstance(shape, Item) and shape.data.to_dict() == {"height": 5}
    found = session.set.find_one({"meta.profile": "sq"})
    assert isinstance(found.items_["shape"], Item)
    assert isinstance(
        session.set.find(query={"meta.profile": "sq"}).data[0].items_["shape"], uuid.UUID
    )


def test_set_save_keeps_children(session: QalxSession) -> None:
    a = session.item.add(data={"n": 1})
    b = session.item.add(data={"n": 2})
    made = session.set.get(session.set.add(items={"a": a}).guid)
    made["items"]["b"] = b
    made.meta.saved = True
    saved = session.set.save(made)
    assert isinstance(saved.items_["b"], Item)
    again = session.set.get(made.guid)
    assert {k: v.data.n for k, v in again.items_.items()} == {"a": 1, "b": 2}  # type: ignore[union-attr]


def test_set_refusals(session: QalxSession) -> None:
    with pytest.raises(QalxError, match="no guid"):
        session.set.add(items={"a": Item({"data": {}})})
    with pytest.raises(QalxError, match="dict"):
        session.set.add(items=["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(QalxError, match="UUID"):
        session.set.add(items={"a": "not-a-guid"})
    assert session.set.find().data == []


def test_many_children_are_fetched_in_pages(session: QalxSession) -> None:
    answer = session.item.add_many([{"data": {"n": n}} for n in range(250)])
    made = session.set.add(items={f"k{i.data.n}": i for i in answer.items_})
    got = session.set.get(made.guid)
    assert len(got.items_) == 250
    assert got.get_item_data("k249") == {"n": 249}


def test_group_unpack_is_opt_in_and_nested(session: QalxSession) -> None:
    item = session.item.add(data={"x": 1})
    sets = {f"s{n}": session.set.add(items={"only": item}) for n in range(3)}
    group = session.group.add(sets=sets)
    assert isinstance(group, Group)
    packed = session.group.get(group.guid)
    assert all(isinstance(v, uuid.UUID) for v in packed.sets.values())
    full = session.group.get(group.guid, unpack=True)
    first = full.sets["s0"]
    assert isinstance(first, Set)
    assert first.get_item_data("only") == {"x": 1}
    assert isinstance(session.group.reload(full).sets["s1"], uuid.UUID)


def test_item_blueprint(session: QalxSession) -> None:
    schema = (
        Blueprint.item()
        .add_data("width", {"type": "number", "minimum": 1}, required=True)
        .add_data(
            "height", {"type": "number", "minimum": 3, "exclusiveMaximum": 100}, required=True
        )
        .add_meta("owner", {"type": "string"})
    )
    stored = session.blueprint.add(name="DimsBlueprint", schema=schema)
    assert stored["name"] == "DimsBlueprint"
    with pytest.raises(jsonschema.ValidationError):
        session.item.add(data={"width": 0.5, "height": 10}, blueprint_name="DimsBlueprint")
    assert session.item.find().data == []
    ok = session.item.add(data={"width": 5, "height": 10}, blueprint_name="DimsBlueprint")
    ok.data.height = 200
    with pytest.raises(jsonschema.ValidationError):
        session.item.save(ok, blueprint_name="DimsBlueprint")
    assert session.item.get(ok.guid).data.height == 10
    from qalx.errors import QalxAPIConflict

    with pytest.raises(QalxAPIConflict):
        session.blueprint.add(name="DimsBlueprint", schema=Blueprint.item())


def test_bad_schemas(session: QalxSession) -> None:
    with pytest.raises(jsonschema.SchemaError):
        Blueprint.item().add_data("x", {"type": "no-such-type"})
    with pytest.raises(jsonschema.SchemaError):
        session.blueprint.add(name="bad", schema={"type": 12, "entity_type": "item"})
    with pytest.raises(QalxInvalidBlueprintError, match="entity_type"):
        session.blueprint.add(name="bad", schema={"type": "object"})
    with pytest.raises(QalxInvalidBlueprintError):
        Blueprint.set().add_item("x", item_blueprint=Blueprint.item())  # not stored: no name
    assert session.blueprint.find().data == []


def test_nested_set_blueprint(session: QalxSession) -> None:
    dims = session.blueprint.add(
        name="dims", schema=Blueprint.item().add_data("w", {"type": "number"}, required=True)
    )
    stored_dims = session.blueprint.get(dims.guid)
    set_schema = Blueprint.set().add_item("shape", item_blueprint=stored_dims, required=True)
    set_schema.add_item("anything")
    made = session.blueprint.add(name="beam", schema=set_schema)
    assert made.schema["properties"]["items"]["properties"]["shape"]["name"] == "dims"
    raw = session.blueprint.get(made.guid, unpack=False)
    assert raw.schema["properties"]["items"]["properties"]["shape"] == {
        "type": "string",
        "enum": ["dims"],
    }
    unpacked = session.blueprint.get_by_name("beam")
    assert unpacked.schema["properties"]["items"]["properties"]["shape"]["properties"]["data"][
        "required"
    ] == ["w"]
    good = session.item.add(data={"w": 2})
    bad = session.item.add(data={"v": 2})
    assert session.set.add(items={"shape": good}, blueprint_name="beam")
    with pytest.raises(jsonschema.ValidationError):
        session.set.add(items={"shape": bad}, blueprint_name="beam")
    with pytest.raises(jsonschema.ValidationError):
        session.set.add(items={"anything": good}, blueprint_name="beam")  # shape is required


def test_blueprint_get_or_create_and_save(session: QalxSession) -> None:
    first = session.blueprint.get_or_create("bp", schema=Blueprint.item())
    again = session.blueprint.get_or_create("bp", schema=Blueprint.item())
    assert first.guid == again.guid
    again.schema["properties"]["data"]["properties"]["z"] = {"type": "integer"}
    saved = session.blueprint.save(again)
    assert session.blueprint.reload(saved).schema["properties"]["data"]["properties"]["z"] == {
        "type": "integer"
    }
