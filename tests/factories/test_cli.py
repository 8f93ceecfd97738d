"""`qalx factory-validate` and `qalx factory-pack` as a user runs them: messages and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import Company, qalx

from . import code


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    solver = code.bot_dir(tmp_path / "solver")
    repo = code.git_repo(tmp_path / "repo")
    return code.plan(tmp_path / "factory-plan.yml", solver, repo)


def test_help() -> None:
    for command, words in {
        "factory-validate": ["-p, --plan FILE", "-aws, --aws-profile"],
        "factory-pack": ["-p, --plan FILE", "--stage", "--no-delete", "-aws, --aws-profile"],
        "factory-build": ["-p, --plan FILE", "--stage", "--shared-environment", "-aws"],
        "factory-demolish": ["[GUID]", "--name", "--index", "-y, --yes"],
        "factory-info": ["--name"],
    }.items():
        result = qalx(command, "--help")
        assert result.exit_code == 0
        assert all(word in result.output for word in words), result.output


def test_validate(company: Company, plan: Path) -> None:
    result = qalx("factory-validate", "--plan", str(plan))
    assert result.exit_code == 0, result.output
    assert f"The plan {plan} is valid." in result.output


def test_validate_failures(company: Company, plan: Path, tmp_path: Path) -> None:
    assert qalx("factory-validate").exit_code == 2  # --plan is required
    assert qalx("factory-validate", "-p", str(tmp_path / "none.yml")).exit_code == 2
    plan.write_text(plan.read_text().replace("bot_path: reports.bots:bot", "bot_path: reports"))
    result = qalx("factory-validate", "-p", str(plan))
    assert result.exit_code == 1
    assert "factory.bots.reporter.bot_path: must be dotted.module:variable" in result.output
    assert "(line 9)" in result.output and "Factory validate failed" in result.output
    plan.write_text("factory: [")
    result = qalx("factory-validate", "-p", str(plan))
    assert result.exit_code == 1 and "is not YAML" in result.output


def test_pack(
    company: Company, plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packs = tmp_path / "packs"
    monkeypatch.setenv("QALX_USER_FACTORY_PACK_DIR", str(packs))
    result = qalx("factory-pack", "-p", str(plan), "--stage", "stage-2", "--no-delete")
    assert result.exit_code == 0, result.output
    assert "packed solver (path: solver)" in result.output
    assert "packed reporter (url: reporter)" in result.output
    [build] = packs.glob("builds_*")
    assert f"Packed into {build}" in result.output
    result = qalx("factory-pack", "-p", str(plan))
    assert result.exit_code == 0, result.output
    assert "packed batcher (pypi: qalx-orcaflex==1.2.0)" in result.output
    assert list(packs.glob("builds_*")) == [build]  # the second pack removed its own


def test_pack_failures(company: Company, plan: Path, tmp_path: Path) -> None:
    result = qalx("factory-pack", "-p", str(plan), "--stage", "prod")
    assert result.exit_code == 1
    assert "no stage 'prod'" in result.output and "Factory pack failed" in result.output
    plan.write_text(plan.read_text().replace("beam_solver:bot", "beam_solver:nothing"))
    result = qalx("factory-pack", "-p", str(plan))
    assert result.exit_code == 1
    assert "bot 'solver': bot_path 'beam_solver:nothing'" in result.output


def test_no_token_is_an_error(plan: Path) -> None:
    result = qalx("factory-validate", "-p", str(plan))
    assert result.exit_code == 1 and "no TOKEN" in result.output
