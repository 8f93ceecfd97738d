"""Factory entities through the SDK: plan files under `plan`, and plan validation by the API."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from qalx import Factory, QalxSession
from qalx.errors import QalxFactoryValidationError

PLAN = {
    "factory": {
        "name": "ofx",
        "bots": {
            "batch_bot": {
                "source": {"pypi": "qalx-orcaflex"},
                "bot_path": "qalx_orcaflex.bots:batch_bot",
            },
            "reports_bot": {"source": {"path": "bots"}, "bot_path": "report:riser_bot"},
        },
        "stages": {
            "stage-1": {
                "local_sector": {
                    "type": "local",
                    "bots": {"batch_bot": {"queue-name": "batch-queue", "processes": 2}},
                }
            }
        },
    }
}


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "factory-plan.yml"
    path.write_text(yaml.safe_dump(PLAN))
    return path


def test_validate_a_good_plan(session: QalxSession, plan_file: Path) -> None:
    session.factory.validate(str(plan_file))


def test_validate_refusals(session: QalxSession, tmp_path: Path) -> None:
    with pytest.raises(QalxFactoryValidationError, match="no plan file"):
        session.factory.validate(str(tmp_path / "missing.yml"))
    broken = tmp_path / "broken.yml"
    broken.write_text("factory: [unclosed")
    with pytest.raises(QalxFactoryValidationError, match="not YAML"):
        session.factory.validate(str(broken))
    nameless = tmp_path / "nameless.yml"
    nameless.write_text(yaml.safe_dump({"factory": {"bots": {}, "stages": {}}}))
    with pytest.raises(QalxFactoryValidationError, match="name"):
        session.factory.validate(str(nameless))


def test_add_save_with_plan_file(session: QalxSession, plan_file: Path) -> None:
    made = session.factory.add(name="ofx", source=str(plan_file), meta={"_class": "pyqalx.factory"})
    assert isinstance(made, Factory)
    assert made.plan.name == "factory-plan.yml" and "put_url" not in made.plan
    got = session.factory.get(made.guid)
    assert yaml.safe_load(got.read_file()) == PLAN
    got["status"] = "deployed"
    saved = session.factory.save(got)
    assert saved["status"] == "deployed"  # a factory's save sends its status, as pyqalx's does
    again = session.factory.save(saved, source=io.BytesIO(b"factory: {}\n"), file_name="v2.yml")
    assert session.factory.get(again.guid).read_file() == b"factory: {}\n"
    assert [f.guid for f in session.factory.find(query={"meta._class": "pyqalx.factory"})] == [
        made.guid
    ]
