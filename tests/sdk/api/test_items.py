"""Every generic adapter method, through items, against the real server."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

import pytest

from qalx import Item, QalxEntityNotFound, QalxListEntity, QalxMultipleEntityReturned, QalxSession
from qalx.errors import QalxAPINotFound, QalxError, QalxNoGUIDError


def test_add_get_round_trips_types(session: QalxSession) -> None:
    aware = dt.datetime(2024, 5, 1, 12, 30, 15, 123000, tzinfo=dt.UTC)
    london = dt.datetime(2024, 7, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    naive = dt.datetime(2020, 1, 2, 3, 4, 5)
    ref = uuid.uuid4()
    data = {
        "height": 5,
        "ratio": 0.25,
        "name": "beam ✓",
        "flags": [True, False, None],
        "when": aware,
        "local": london,
        "naive": naive,
        "ref": ref,
        "blob": b"\x00\x01\xff",
        "nested": {"deep": {"list": [{"x": 1}]}},
    }
    item = session.item.add(data=data, meta={"shape": "square"})
    assert isinstance(item, Item)
    assert isinstance(item.guid, uuid.UUID)
    got = session.item.get(item.guid)
    assert got.data.to_dict() == data
    assert got.data.local.utcoffset() == dt.timedelta(hours=1)
    assert got.data.naive.tzinfo is None
    assert got.data.nested.deep.list[0].x == 1
    assert got["data"]["nested"]["deep"]["list"][0]["x"] == 1
    assert got.meta.shape == "square"
    assert got.file == {}
    assert isinstance(got.info.created.on, dt.datetime)
    # the guid as text works too
    assert session.item.get(str(item.guid)).guid == item.guid


def test_missing_attribute_is_attribute_error(session: QalxSession) -> None:
    item = session.item.add(data={"a": 1})
    assert not hasattr(item.data, "b")
    with pytest.raises(AttributeError):
        _ = item.data.b


def test_save_reload_archive_delete(session: QalxSession) -> None:
    item = session.item.add(data={"h": 1})
    item.data.h = 2
    item.meta.edited = True
    saved = session.item.save(item)
    assert saved.data.h == 2 and saved.meta.edited is True
    assert session.item.reload(item).data.h == 2
    archived = session.item.archive(item)
    assert archived.info.archived is True
    assert session.item.find(query={"guid": item.guid}).data == []
    session.item.delete(item)
    with pytest.raises(QalxAPINotFound) as caught:
        session.item.get(item.guid)
    assert caught.value.status_code == 404
    assert "-vvv-" in str(caught.value) and "status_code: 404" in str(caught.value)


def test_save_without_guid_is_refused(session: QalxSession) -> None:
    with pytest.raises(QalxNoGUIDError):
        session.item.save(Item({"data": {}}))


def test_find_query_sort_skip_limit(session: QalxSession) -> None:
    for thickness in (3, 1, 2):
        session.item.add(data={"thickness": thickness}, meta={"_class": "plate"})
    found = session.item.find(query={"meta._class": "plate"}, sort="-data__thickness")
    assert isinstance(found, QalxListEntity)
    assert [i.data.thickness for i in found] == [3, 2, 1]
    assert len(found) == 3 and found[0].data.thickness == 3
    page = session.item.find(
        query={"metadata.data._class": "plate"}, sort=["data__thickness"], skip=1, limit=1
    )
    assert [i.data.thickness for i in page] == [2]
    assert found.query.count == 3
    assert isinstance(found["data"], list)


def test_find_all_walks_every_page(session: QalxSession) -> None:
    made = {session.item.add(data={"n": n}, meta={"walk": True}).guid for n in range(23)}
    walked = list(session.item.find_all(query={"meta.walk": True}, sort="data__n", page_size=5))
    assert [i.data.n for i in walked] == list(range(23))
    assert {i.guid for i in walked} == made


def test_find_one_and_its_errors(session: QalxSession) -> None:
    session.item.add(data={"code": "B1"})
    session.item.add(data={"code": "B2"})
    session.item.add(data={"code": "B2"})
    assert session.item.find_one({"data.code": "B1"}).data.code == "B1"
    with pytest.raises(QalxEntityNotFound, match="item not found"):
        session.item.find_one({"data.code": "nope"})
    with pytest.raises(QalxMultipleEntityReturned):
        session.item.find_one({"data.code": "B2"})
    single = session.item.find(query={"data.code": "B1"}, many=False)
    assert single.data.code == "B1"


def test_fields_projection(session: QalxSession) -> None:
    item = session.item.add(data={"a": 1, "b": 2}, meta={"m": 3})
    got = session.item.get(item.guid, fields=["data.a"])
    assert got.data.to_dict() == {"a": 1}
    assert "meta" not in got
    with pytest.raises(AttributeError, match="fields="):
        _ = got.meta


def test_aggregate(session: QalxSession) -> None:
    for n in (1, 2, 3):
        session.item.add(data={"n": n, "kind": "agg"})
    result = session.item.aggregate(
        [{"$match": {"data.kind": "agg"}}, {"$group": {"_id": None, "total": {"$sum": "$data.n"}}}]
    )
    assert [row["total"] for row in result] == [6]


def test_add_many(session: QalxSession) -> None:
    answer = session.item.add_many(
        [{"data": {"n": n}, "meta": {"bulk": True}} for n in range(1205)]
    )
    assert answer["items_created"] == 1205 and answer["items_errored"] == 0
    assert [i.data.n for i in answer.items_] == list(range(1205))
    assert all(isinstance(i.guid, uuid.UUID) for i in answer.items_)
    stored = list(session.item.find_all(query={"meta.bulk": True}, page_size=500))
    assert len(stored) == 1205


def test_add_many_refusals_write_nothing(session: QalxSession) -> None:
    with pytest.raises(QalxError, match="list"):
        session.item.add_many({"data": {}})  # type: ignore[arg-type]
    with pytest.raises(QalxError, match=r"items\[1\]"):
        session.item.add_many([{"data": {"ok": 1}}, {"data": "not a dict"}])
    assert session.item.find().data == []


def test_registered_subclass(session: QalxSession) -> None:
    class Beam(Item):
        def stiffness(self) -> float:
            return float(self.data.E) * float(self.data.I)

    session.register(Beam)
    made = session.item.add(data={"E": 2.0, "I": 3.0})
    assert isinstance(made, Beam) and made.stiffness() == 6.0
    assert isinstance(session.item.find().data[0], Beam)
    session.unregister(Beam)
    assert type(session.item.get(made.guid)) is Item


def test_registration_errors(session: QalxSession) -> None:
    from qalx.errors import (
        QalxAlreadyRegistered,
        QalxCannotUnregister,
        QalxRegistrationClassNotFound,
    )

    class Beam(Item):
        pass

    with pytest.raises(QalxRegistrationClassNotFound):
        session.register(dict)  # type: ignore[arg-type]
    session.register(Beam)
    with pytest.raises(QalxAlreadyRegistered):
        session.register(Beam)
    with pytest.raises(QalxCannotUnregister):
        session.unregister(Item)
