"""Factory build and demolish on this machine, against the real server: the bots run as real
processes under the supervisor and reach the server over HTTP."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from qalx import QalxSession
from qalx.entities import Item
from qalx.errors import QalxAPINotFound, QalxFactoryBuildError
from qalx.factories import Factory
from qalx.factories._launch import bot_query, bot_start_args
from qalx.factories._local import alive
from qalx.factories._tree import breadth_first, successors
from tests.support.cli import Company, qalx

from . import chain, code

SLOW = pytest.mark.slow  # make test-slow: builds virtualenvs and runs bot processes

T = TypeVar("T")
WAIT = 120.0
"""A bound on a hung build or bot, never a timing check."""


def until(check: Callable[[], T], what: str, timeout: float = WAIT) -> T:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


def test_bot_start_args() -> None:
    guid = uuid.uuid4()
    args = bot_start_args(
        {"queue-name": "q", "p": 2, "--meta": "k=v", "skip-ini": False},
        stage="s",
        factory_guid=guid,
        plan_bot_name="solver",
        bot_path="m:bot",
        workflow=["a", "b"],
    )
    meta = json.dumps({"factory_guid": str(guid), "plan_bot_name": "solver", "stage": "s"})
    assert args == [
        "--queue-name", "q", "-p", "2", "--meta", "k=v", "--skip-ini", "--stop",
        "--workflow", "a", "--workflow", "b",
        "--meta", "_class=pyqalx.factory", "--meta", f"pyqalx={meta}", "m:bot",
    ]  # fmt: skip
    assert "--stop" not in bot_start_args({}, stage="s", factory_guid=guid, plan_bot_name="x",
                                          bot_path="m:b", stop=False)  # fmt: skip


def test_workflow_tree() -> None:
    tree = {"a": {"b": ["c", {"d": "e"}]}}
    children = successors(tree)
    assert children == {"a": ["b"], "b": ["c", "d"], "c": [], "d": ["e"], "e": []}
    assert breadth_first(["a"], children, ["e", "x", "a", "c"]) == [
        ["x", "a"], ["b"], ["c", "d"], ["e"],
    ]  # fmt: skip
    assert breadth_first([], {}, ["p", "q"]) == [["p", "q"]]


@pytest.fixture
def bot_env(monkeypatch: pytest.MonkeyPatch, company: Company, tmp_path: Path) -> Path:
    """What the bot processes inherit: the server for their bot sessions, quick receives, a
    short visibility (a killed job reappears soon), pip with only the local wheels."""
    for name, value in {
        "QALX_BOT_BASE_URL": company.live.base_url,
        "QALX_BOT_MSG_WAITTIMESECONDS": "1",
        "QALX_USER_MSG_BLACKOUTSECONDS": "5",
        "QALX_BOT_LOGGING_LEVEL": "INFO",
        "PIP_FIND_LINKS": str(chain.wheels(tmp_path / "wheels")),
        "PIP_NO_INDEX": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }.items():
        monkeypatch.setenv(name, value)
    return tmp_path


def _processes_naming(text: str) -> list[int]:
    """Live processes whose command line holds `text` (bot processes and their workers carry
    the factory's guid in `--meta`)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                line = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if text.encode() in line and alive(int(entry.name)):
                found.append(int(entry.name))
    return found


@SLOW
def test_build_run_survive_a_kill_demolish(
    session: QalxSession, bot_env: Path, pack_dir: Path
) -> None:
    plan = chain.plan(
        bot_env / "plan.yml",
        chain.path_bot(bot_env / "first"),
        chain.url_bot(bot_env / "repo"),
        "chain",
    )
    factory = Factory(session)
    steps: list[str] = []
    built = factory.build(plan, "chain", on_progress=steps.append)
    guid = str(built.guid)
    try:
        assert built["status"] == "deployed" and built["stage"] == "chain"
        assert ("project", "chains") in [(t["name"], t["value"]) for t in session.tags]
        [build_dir] = pack_dir.glob("builds_*")
        assert built["meta"]["pyqalx"]["build_path"] == build_dir.name
        assert session.files.read(built["plan"]) == plan.read_bytes()
        items = {
            i["meta"]["pyqalx"]["plan_bot_name"]: i
            for i in session.item.find_all(bot_query(guid), include_session_tags=False)
        }
        assert sorted(items) == ["first", "last", "middle"]
        assert (
            items["middle"].get("file") in (None, {})
            and items["middle"]["meta"]["md5_hash"] is None
        )
        assert (
            len(items["first"]["meta"]["md5_hash"]) == 32
            and items["first"]["file"]["name"] == "first.zip"
        )
        bots = {
            b["meta"]["pyqalx"]["plan_bot_name"]: b
            for b in session.bot.find_all(bot_query(guid), include_session_tags=False)
        }
        assert sorted(bots) == ["first", "last", "middle"]
        assert {(r["code"], r["bot"]) for r in built["bots"]} == {
            (items[n].guid, bots[n].guid) for n in bots
        }
        assert len(bots["last"].workers) == 2
        record = built["meta"]["qalx"]["local"]
        status_path = Path(record["status"])
        assert any("made venv" in s for s in steps), steps

        queue = session.queue.get_by_name("chain-first", include_session_tags=False)

        def run_jobs(count: int) -> list[Item]:
            made = [session.item.add(data={"n": n}) for n in range(count)]
            Item.add_to_queue(made, queue)
            return made

        def all_done(jobs: list[Item]) -> list[Any]:
            fresh = [session.item.get(job.guid) for job in jobs]
            return fresh if all("last" in job["data"] for job in fresh) else []

        first_jobs = run_jobs(3)
        done = until(lambda: all_done(first_jobs), "three jobs through the chain")
        assert [(j["data"]["first"], j["data"]["middle"], j["data"]["last"]) for j in done] == [
            ("1.0", "2.0", "2.0")
        ] * 3

        # SIGKILL the middle bot's process: the supervisor kills its workers and restarts it
        status = json.loads(status_path.read_text())
        middle = status["bots"]["here/middle"]
        os.kill(middle["pid"], signal.SIGKILL)
        until(
            lambda: json.loads(status_path.read_text())["bots"]["here/middle"]["starts"] == 2,
            "the middle bot restarted",
        )
        later_jobs = run_jobs(3)
        done = until(lambda: all_done(first_jobs + later_jobs), "jobs after the kill")
        assert all(j["data"]["middle"] == "2.0" for j in done)
        restarted = list(
            session.bot.find_all(bot_query(guid, "middle"), include_session_tags=False)
        )
        assert len(restarted) == 1 and restarted[0].guid != bots["middle"].guid
        status = json.loads(status_path.read_text())
        pids = [*status["pids"], int(record["supervisor_pid"])]
        running = [bot["pid"] for bot in status["bots"].values()]
        assert len(pids) == 5 and middle["pid"] in pids and middle["pid"] not in running
        assert all(alive(pid) for pid in [*running, pids[-1]]) and not alive(middle["pid"])
        assert _processes_naming(guid)
    except BaseException:
        factory.demolish(guid)
        raise
    gone: list[str] = []
    factory.demolish(guid, on_progress=gone.append)
    assert any("terminated first" in line for line in gone), gone
    until(lambda: not any(alive(pid) for pid in pids), "every recorded process to end", 10)
    assert _processes_naming(guid) == []
    assert list(session.item.find_all(bot_query(guid), include_session_tags=False)) == []
    assert list(session.bot.find_all(bot_query(guid), include_session_tags=False)) == []
    with pytest.raises(QalxAPINotFound):
        session.factory.get(guid)
    assert not build_dir.exists()


def test_aws_sector_without_provider(
    company: Company, tmp_path: Path, pack_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no AWS provider installed, the build fails naming the cause, and nothing it made
    is left."""
    monkeypatch.setattr("qalx.factories._provider.AWS_PROVIDER", "qalx.factories._not_here")
    solver = code.bot_dir(tmp_path / "solver")
    plan = tmp_path / "plan.yml"
    plan.write_text(
        f"factory:\n  name: remote\n  bots:\n    solver:\n      source: {{path: '{solver}'}}\n"
        "      bot_path: beam_solver:bot\n  stages:\n    s:\n      cloud:\n        type: aws\n"
        "        parameters: {ImageId: ami-1}\n        bots:\n          solver: {queue-name: q}\n"
    )
    result = qalx("factory-build", "-p", str(plan), "--stage", "s")
    assert result.exit_code == 1
    assert "aws sectors need the AWS provider" in result.output
    assert "Factory build failed" in result.output
    session = company.session()
    assert session.factory.find().data == []
    assert session.item.find(include_session_tags=False).data == []
    assert list(pack_dir.glob("builds_*")) == []


def test_build_failures_named(company: Company, tmp_path: Path, pack_dir: Path) -> None:
    solver = code.bot_dir(tmp_path / "solver")
    repo = code.git_repo(tmp_path / "repo")
    plan = code.plan(tmp_path / "plan.yml", solver, repo)
    result = qalx("factory-build", "-p", str(plan), "--stage", "nope")
    assert result.exit_code == 1 and "no stage 'nope'" in result.output
    with pytest.raises(QalxFactoryBuildError, match="no stage"):
        Factory(company.session()).build(plan, "nope")
    result = qalx("factory-demolish", str(uuid.uuid4()), "--yes")
    assert result.exit_code == 1 and "Factory demolish failed" in result.output
    result = qalx("factory-info", "--name", "none")
    assert result.exit_code == 1 and "no factory called 'none'" in result.output


@SLOW
def test_cli_build_reuses_the_venv(company: Company, bot_env: Path, pack_dir: Path) -> None:
    """`factory-build` twice on the same code: the second build reuses the bot's venv;
    `factory-info` lists the factory and `factory-demolish --name` takes each down."""
    plan = chain.plan(
        bot_env / "plan.yml",
        chain.path_bot(bot_env / "first"),
        chain.url_bot(bot_env / "repo"),
        "solo",
    )
    for made in ("made venv", "reused venv"):
        result = qalx("factory-build", "-p", str(plan), "--stage", "solo")
        assert result.exit_code == 0, result.output
        assert made in result.output and "deployed: stage solo" in result.output
        listed = qalx("factory-info", "--name", "chain")
        assert listed.exit_code == 0 and "deployed" in listed.output, listed.output
        result = qalx("factory-demolish", "--name", "chain", "--yes")
        assert result.exit_code == 0, result.output
        assert "demolished" in result.output
    assert company.session().factory.find().data == []
    assert list(pack_dir.glob("builds_*")) == []


REFUSING_BOT = """\
from qalx.bot import Bot

bot = Bot("{name}")


@bot.initialisation
def refuse(session):
    return False


@bot.process
def process(job):
    pass
"""


@SLOW
def test_a_bot_that_cannot_start_fails_the_build(
    session: QalxSession, bot_env: Path, pack_dir: Path
) -> None:
    """The build names the bot and quotes its log, then leaves nothing behind."""
    solver = code.bot_dir(bot_env / "solver", body=REFUSING_BOT)
    plan = bot_env / "plan.yml"
    plan.write_text(
        f"factory:\n  name: refusing\n  bots:\n    solver:\n      source: {{path: '{solver}'}}\n"
        "      bot_path: beam_solver:bot\n  stages:\n    s:\n      here:\n        type: local\n"
        "        bots:\n          solver: {queue-name: refusing, skip-ini: true}\n"
    )
    with pytest.raises(QalxFactoryBuildError) as failed:
        Factory(session).build(plan, "s")
    message = str(failed.value)
    assert "bot 'solver' (here/solver) exited with 1 while starting" in message
    assert "initialisation returned" in message
    assert session.factory.find(include_session_tags=False).data == []
    assert session.item.find(include_session_tags=False).data == []
    assert session.bot.find(include_session_tags=False).data == []
    assert list(pack_dir.glob("builds_*")) == []
