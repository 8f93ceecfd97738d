"""Plans judged alike by the SDK (before sending) and by the server, each problem named by the
key path of the offending key; in a file, with its line."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, cast

import pytest

from qalx import QalxSession
from qalx.errors import QalxAPIResponseError, QalxFactoryError, QalxFactoryValidationError
from qalx.factories import Factory
from qalx.factories._factory import _refusal
from qalx.factories._plan import plan_problems, read_plan
from qalx_server.entities import checks

from .plan_cases import CASES, Case


def _sdk(case: Case) -> list[tuple[str, str]]:
    return [(p.field, p.detail) for p in plan_problems(case.plan())]


def _server(case: Case) -> list[tuple[str, str]]:
    return [(p["field"], p["detail"]) for p in checks.plan_problems(case.plan())]


def _assert_named(case: Case, found: list[tuple[str, str]]) -> None:
    if case.field is None:
        assert found == []
        return
    details = [detail for field, detail in found if field == case.field]
    assert details, (case.field, found)
    assert any(case.words in d for d in details), (case.words, details)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@pytest.mark.parametrize("side", [_sdk, _server], ids=["sdk", "server"])
def test_each_side_names_the_key(case: Case, side: object) -> None:
    assert callable(side)
    _assert_named(case, side(case))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_both_sides_find_the_same_problems(case: Case) -> None:
    assert _sdk(case) == _server(case)


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.field], ids=[c.id for c in CASES if c.field]
)
def test_the_api_refuses_with_every_problem_by_field(session: QalxSession, case: Case) -> None:
    with pytest.raises(QalxAPIResponseError) as refused:
        session.factory.validate_plan(case.plan())
    assert refused.value.status_code == 400
    answer = cast(dict[str, Any], refused.value.errors)
    assert answer["code"] == "invalid"
    assert [(e["field"], e["detail"]) for e in answer["errors"]] == _server(case)
    assert case.field in answer["detail"]


def test_the_api_accepts_a_good_plan(session: QalxSession) -> None:
    session.factory.validate_plan(CASES[0].plan())


PLAN = """\
factory:
  name: beams
  bots:
    solver:
      source:
        path: bots/solver
        url: https://example.com/solver.git
      bot_path: beam_solver:bot
    reporter:
      source: {pypi: reports}
      bot_path: reports
  workflows:
    flow_1:
      solver:
        - reporter
        - solver
  stages:
    stage-1:
      workflow: flow_1
      ec2:
        type: aws
        bots:
          ghost: {}
"""


def test_validate_names_each_key_with_its_line(factory: Factory, tmp_path: Path) -> None:
    plan = tmp_path / "factory-plan.yml"
    plan.write_text(PLAN)
    with pytest.raises(QalxFactoryValidationError) as refused:
        factory.validate(plan)
    lines = str(refused.value).splitlines()
    assert lines[0] == f"the plan {str(plan)!r} is not valid:"
    assert lines[1:] == [
        "  factory.bots.reporter.bot_path: must be dotted.module:variable, not 'reports' (line 11)",
        "  factory.bots.solver.source: needs exactly one of path, url, pypi (found path, url)"
        " (line 5)",
        "  factory.workflows.flow_1.solver.1: 'solver' follows itself (flow_1 -> solver ->"
        " solver): a cycle (line 16)",
        "  factory.stages.stage-1.ec2.bots.ghost: is not a bot in factory.bots (line 23)",
        "  factory.stages.stage-1.ec2.parameters: an aws sector needs an ImageId (line 20)",
    ]


def test_a_missing_key_is_shown_on_the_mapping_that_lacks_it(tmp_path: Path) -> None:
    path = tmp_path / "plan.yml"
    path.write_text("factory:\n  bots: {}\n  stages:\n    s: {}\n")
    plan = read_plan(path)
    found = [(p.field, p.detail) for p in plan_problems(plan.data)]
    assert ("factory.name", "is required") in found
    assert plan.line("factory.name") == 1
    assert plan.line("factory.stages.s") == 4


def test_the_apis_refusal_is_shown_with_lines(session: QalxSession, tmp_path: Path) -> None:
    """What the user sees if the API refuses a plan the local check let through (a server
    with rules of its own): every problem the answer lists, on its line of the file."""
    path = tmp_path / "plan.yml"
    path.write_text(PLAN)
    plan = read_plan(path)
    with pytest.raises(QalxAPIResponseError) as refused:
        session.factory.validate_plan(plan.data)
    shown = _refusal(plan, str(path), refused.value).splitlines()
    assert shown[0] == f"the API refused the plan {str(path)!r}:"
    assert (
        "  factory.stages.stage-1.ec2.bots.ghost: is not a bot in factory.bots (line 23)" in shown
    )
    assert len(shown) == 6


def test_no_file_and_bad_yaml(factory: Factory, tmp_path: Path) -> None:
    with pytest.raises(QalxFactoryValidationError, match="no plan file"):
        factory.validate(tmp_path / "missing.yml")
    broken = tmp_path / "broken.yml"
    broken.write_text(
        textwrap.dedent("""\
        factory:
          name: [unclosed
        """)
    )
    with pytest.raises(QalxFactoryError, match="is not YAML") as refused:
        factory.validate(broken)
    assert type(refused.value) is QalxFactoryError
    assert "line 3" in str(refused.value)


def test_a_good_plan_file_validates(factory: Factory, tmp_path: Path) -> None:
    import yaml

    plan = tmp_path / "plan.yml"
    plan.write_text(yaml.safe_dump(CASES[0].plan()))
    factory.validate(plan)
