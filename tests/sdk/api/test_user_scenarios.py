"""The user scenarios of qalx-user-docs §10 that need no bot, written as a user would (18,
retried 5xx answers, is in test_transport)."""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from qalx import Blueprint, Item, QalxEntityNotFound, QalxSession, Set
from qalx.errors import QalxAPIConflict, QalxAPINotFound
from tests.sdk.api.conftest import Company, make_company


def test_1_quickstart_dimensions_and_a_set(session: QalxSession) -> None:
    dims = [
        session.item.add(data={"height": h, "width": w}, meta={"_class": "thing.dimensions"})
        for h, w in ((5, 5), (10, 2), (3, 7))
    ]
    things = session.set.add(
        items={f"item{n}": d for n, d in enumerate(dims, 1)}, meta={"_class": "thing.things"}
    )
    found = session.set.find_one({"meta._class": "thing.things"})
    assert found.guid == things.guid
    assert found.get_item_data("item2") == {"height": 10, "width": 2}
    assert len(session.item.find(query={"meta._class": "thing.dimensions"})) == 3


def test_2_datasheet_found_and_saved_to_disk(session: QalxSession, tmp_path: Path) -> None:
    datasheet = tmp_path / "316_datasheet.pdf"
    datasheet.write_bytes(b"%PDF-1.4 steel 316 datasheet")
    session.item.add(
        source=str(datasheet),
        data={"rho": 8000, "E": 193e9},
        meta={"library": "materials", "family": "steel", "grade": "316"},
    )
    steel = session.item.find_one(query={"meta.grade": "316"})
    assert steel.data.E == 193e9
    saved = steel.save_file_to_disk(tmp_path / "downloads")
    assert Path(saved).read_bytes() == datasheet.read_bytes()


def test_3_datetimes_come_back_as_datetimes(session: QalxSession) -> None:
    time_run = dt.datetime(2026, 12, 1, 9, 30, 0, 125000, tzinfo=dt.UTC)
    item = session.item.add(data={"time_run": time_run})
    assert session.item.get(item.guid).data.time_run == time_run


def test_4_dims_blueprint(session: QalxSession) -> None:
    bp = Blueprint.item()
    bp.add_data("width", {"type": "number", "minimum": 1}, required=True)
    bp.add_data("height", {"type": "number", "minimum": 3, "exclusiveMaximum": 100}, required=True)
    session.blueprint.add(name="DimsBlueprint", schema=bp)
    with pytest.raises(jsonschema.ValidationError):
        session.item.add(data={"width": 0.5, "height": 10}, blueprint_name="DimsBlueprint")
    made = session.item.add(data={"width": 5, "height": 10}, blueprint_name="DimsBlueprint")
    assert isinstance(made, Item)
    with pytest.raises(QalxAPIConflict):
        session.blueprint.add(name="DimsBlueprint", schema=bp)


def test_10_combined_sort(session: QalxSession) -> None:
    rows = [("ann", 3.0), ("bob", 1.0), ("ann", 5.0), ("bob", 2.0)]
    for owner, thickness in rows:
        session.item.add(data={"thickness": thickness}, meta={"owner": {"name": owner}})
        time.sleep(0.002)  # distinct creation times
    ordered = session.item.find(sort=["meta__owner__name", "-data__thickness", "created"])
    assert [(i.meta.owner.name, i.data.thickness) for i in ordered] == [
        ("ann", 5.0),
        ("ann", 3.0),
        ("bob", 2.0),
        ("bob", 1.0),
    ]


def test_11_companies_see_only_their_own(company: Company, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = company.session()
    secret = mine.item.add(data={"secret": True})
    theirs = make_company(company.live, monkeypatch).session()
    assert theirs.item.find().data == []
    with pytest.raises(QalxAPINotFound):
        theirs.item.get(secret.guid)
    theirs.close()


def test_12_project_name_tags_everything(make_session: Callable[..., QalxSession]) -> None:
    project = make_session(project_name="P123")
    made = project.item.add(data={})
    group = project.group.add(sets={"s": project.set.add(items={"i": made})})
    assert made.tags == [{"name": "project_name", "value": "p123"}]
    assert project.group.get(group.guid).tags == [{"name": "project_name", "value": "p123"}]
    assert make_session(project_name="other").item.find().data == []


def test_13_custom_item_class(session: QalxSession) -> None:
    class Beam(Item):
        @property
        def area(self) -> float:
            return float(self.data.height) * float(self.data.width)

    session.register(Beam)
    beam = session.item.add(data={"height": 2, "width": 3})
    assert isinstance(beam, Beam) and beam.area == 6.0
    session.unregister(Beam)
    assert not isinstance(session.item.get(beam.guid), Beam)


def test_15_report_from_a_stream_and_emailed_link(session: QalxSession) -> None:
    batch = session.set.add(items={}, meta={"batch": "b1"})
    report = session.item.add(source=io.BytesIO(b"PK docx bytes"), file_name="report.docx")
    batch.meta["report"] = report.guid
    saved = session.set.save(batch)
    assert saved.meta.report == report.guid
    assert report.file.url.startswith("http")
    note = session.notification.add(
        subject="Report ready",
        message=f"<a href='{report.file.url}'>report.docx</a>",
        to=[session.item.get(report.guid).info.created.by.email],
    )
    assert note["subject"] == "Report ready"


def test_find_one_of_nothing_is_entity_not_found(session: QalxSession) -> None:
    with pytest.raises(QalxEntityNotFound):
        session.set.find_one({"meta.batch": "none"})
    assert isinstance(session.set.add(items={}), Set)
