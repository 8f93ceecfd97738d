"""`Factory.pack` on real code: a directory, a git repository, a pypi package; the build
directory kept or removed; every failure named by bot, leaving nothing behind."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from qalx.errors import QalxFactoryPackError, QalxFactoryValidationError
from qalx.factories import Factory, PackedBot

from . import code


@pytest.fixture
def solver(tmp_path: Path) -> Path:
    return code.bot_dir(tmp_path / "solver")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return code.git_repo(tmp_path / "reports-repo")


@pytest.fixture
def plan(tmp_path: Path, solver: Path, repo: Path) -> Path:
    return code.plan(tmp_path / "factory-plan.yml", solver, repo)


def _builds(pack_dir: Path) -> list[Path]:
    return sorted(pack_dir.glob("builds_*")) if pack_dir.exists() else []


def test_pack_a_stage_and_keep_it(factory: Factory, plan: Path, pack_dir: Path) -> None:
    seen: list[PackedBot] = []
    build = factory.pack(plan, stage="stage-2", delete=False, on_bot=seen.append)
    assert build.parent == pack_dir and build.name.startswith("builds_")
    assert sorted(p.name for p in build.iterdir()) == ["reporter", "solver"]
    assert (build / "solver" / "beam_solver.py").is_file()
    assert (build / "reporter" / "reports" / "bots.py").is_file()  # the dev branch
    assert sorted(b.name for b in seen) == ["reporter", "solver"]
    assert "beam_solver" not in sys.modules  # imported in a child process only


def test_pack_every_bot_and_remove_it(factory: Factory, plan: Path, pack_dir: Path) -> None:
    build, bots = factory.pack_bots(plan)
    assert not build.exists() and _builds(pack_dir) == []
    by_name = {b.name: b for b in bots}
    assert sorted(by_name) == ["batcher", "reporter", "solver"]
    assert by_name["batcher"] == PackedBot("batcher", "pypi", None, "qalx-orcaflex==1.2.0")
    assert by_name["reporter"].source == "url" and by_name["solver"].source == "path"


def test_pypi_bots_are_recorded_not_fetched(factory: Factory, plan: Path) -> None:
    build, bots = factory.pack_bots(plan, stage="stage-1", delete=False)
    assert [p.name for p in build.iterdir()] == ["solver"]
    assert [b.requirement for b in bots] == [None, "qalx-orcaflex==1.2.0"]


def test_unknown_stage(factory: Factory, plan: Path, pack_dir: Path) -> None:
    with pytest.raises(QalxFactoryPackError, match=r"no stage 'prod' .*'stage-1', 'stage-2'"):
        factory.pack(plan, stage="prod")
    assert _builds(pack_dir) == []


def test_an_invalid_plan_is_not_packed(factory: Factory, tmp_path: Path, pack_dir: Path) -> None:
    plan = tmp_path / "plan.yml"
    plan.write_text("factory: {name: x, bots: {}, stages: {}}\n")
    with pytest.raises(QalxFactoryValidationError, match=r"factory\.bots"):
        factory.pack(plan)
    assert _builds(pack_dir) == []


@pytest.mark.parametrize(
    ("body", "bot_path", "words"),
    [
        (code.BOT, "beam_solver:robot", "module 'beam_solver' has no 'robot'"),
        ("bot = 42\n", "beam_solver:bot", "is a int, not a qalx.bot.Bot"),
        (code.BOT, "beam_solvr:bot", "no module 'beam_solvr' in the bot's code"),
        ("raise RuntimeError('no licence')\n", "beam_solver:bot", "RuntimeError: no licence"),
        ("import sys\nsys.exit(3)\n", "beam_solver:bot", "SystemExit: 3"),
    ],
    ids=["no-variable", "not-a-bot", "no-module", "module-raises", "module-exits"],
)
def test_a_bad_bot_path_fails_and_leaves_nothing(
    factory: Factory, tmp_path: Path, repo: Path, pack_dir: Path, body: str, bot_path: str,
    words: str,
) -> None:  # fmt: skip
    solver = code.bot_dir(tmp_path / "bad", body=body)
    plan = code.plan(tmp_path / "plan.yml", solver, repo, solver_bot_path=bot_path)
    with pytest.raises(QalxFactoryPackError) as failed:
        factory.pack(plan, stage="stage-2", delete=False)
    assert f"bot 'solver': bot_path {bot_path!r}: " in str(failed.value)
    assert words in str(failed.value)
    assert _builds(pack_dir) == []


def test_a_missing_third_party_module_only_warns(
    factory: Factory, tmp_path: Path, repo: Path, caplog: pytest.LogCaptureFixture
) -> None:
    solver = code.bot_dir(tmp_path / "s", body="import orcfxapi_not_here\n")
    plan = code.plan(tmp_path / "plan.yml", solver, repo)
    _, bots = factory.pack_bots(plan, stage="stage-1")
    assert bots[0].warning is not None and "'orcfxapi_not_here'" in bots[0].warning
    assert "orcfxapi_not_here" in caplog.text


def test_sources_that_cannot_be_fetched(
    factory: Factory, tmp_path: Path, solver: Path, pack_dir: Path
) -> None:
    """Every failing bot is named, and nothing is left behind."""
    plan = code.plan(tmp_path / "plan.yml", tmp_path / "nowhere", tmp_path / "no-repo")
    with pytest.raises(QalxFactoryPackError) as failed:
        factory.pack(plan, stage="stage-2")
    lines = str(failed.value).splitlines()
    assert lines[0] == "packing failed:"
    assert lines[1].startswith("bot 'reporter': git clone ") and "failed: " in lines[1]
    assert lines[2] == f"bot 'solver': source path {str(tmp_path / 'nowhere')!r} is not a directory"
    assert _builds(pack_dir) == []


def test_a_git_option_that_git_refuses(factory: Factory, tmp_path: Path, solver: Path) -> None:
    repo = code.git_repo(tmp_path / "r")
    plan = code.plan(tmp_path / "plan.yml", solver, repo)
    plan.write_text(plan.read_text().replace("branch: dev", "branch: nope"))
    with pytest.raises(QalxFactoryPackError, match=r"bot 'reporter': git clone .*nope"):
        factory.pack(plan, stage="stage-2")
