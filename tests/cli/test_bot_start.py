"""`qalx bot-start TARGET`: TARGET and class options checked before anything starts (each
failure a message and a non-zero exit), what reaches `Bot.start`, and a real bot run by the
installed command from the user's own directory."""

from __future__ import annotations

import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qalx import Item

from .conftest import Company, qalx, qalx_process


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The user's directory (the current one), where their bot modules live."""
    where = tmp_path / "project"
    where.mkdir()
    monkeypatch.chdir(where)
    before = set(sys.modules)
    yield where
    for name in set(sys.modules) - before:
        if name.startswith("userbots_"):
            del sys.modules[name]


def module(project: Path, source: str) -> str:
    """Write a module of bots into the project; its (fresh) name."""
    name = f"userbots_{uuid.uuid4().hex[:8]}"
    (project / f"{name}.py").write_text(textwrap.dedent(source))
    return name


RECORDING = """
    from qalx import Bot, BotConfig, Item, QalxSession, UserConfig

    CALLS = []

    class RecordingBot(Bot):
        def start(self, *args, **kwargs):
            CALLS.append((args, kwargs))

    bot = RecordingBot("recorder")
    not_a_bot = "recorder"

    class MySession(QalxSession):
        pass

    class MyUserConfig(UserConfig):
        pass

    class MyBotConfig(BotConfig):
        pass

    class MyItem(Item):
        pass

    def broken():
        pass
"""


def start_error(result: Any, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, (fragment, result.output)


def test_target_must_be_module_colon_bot(project: Path) -> None:
    name = module(project, RECORDING)
    start_error(
        qalx("bot-start", "no_colon", "-q", "jobs"),
        "Invalid value for 'TARGET'",
        "expected the form dotted.module:attribute",
    )
    start_error(qalx("bot-start", "a:b:c", "-q", "jobs"), "expected the form")
    start_error(qalx("bot-start", ":bot", "-q", "jobs"), "expected the form")
    start_error(
        qalx("bot-start", "no_such_module_here:bot", "-q", "jobs"),
        "cannot import 'no_such_module_here'",
        "No module named 'no_such_module_here'",
    )
    start_error(
        qalx("bot-start", f"{name}:missing", "-q", "jobs"),
        f"'missing' not found in module '{name}'",
    )
    start_error(
        qalx("bot-start", f"{name}:not_a_bot", "-q", "jobs"),
        f"'{name}:not_a_bot' is a str, not an instance of qalx.bot.Bot",
    )
    start_error(
        qalx("bot-start", f"{name}:RecordingBot", "-q", "jobs"),
        "is a type, not an instance of qalx.bot.Bot",
    )
    failing = module(project, "raise RuntimeError('bad setup')\n")
    start_error(
        qalx("bot-start", f"{failing}:bot", "-q", "jobs"),
        f"importing '{failing}' failed: RuntimeError: bad setup",
    )
    start_error(qalx("bot-start", f"{name}:bot"), "Missing option '-q' / '--queue-name'")
    start_error(qalx("bot-start", f"{name}:bot", "-q", "jobs", "-p", "0"), "0 is not in the range")
    start_error(qalx("bot-start", f"{name}:bot", "-q", "jobs", "--meta", "novalue"),
                "'novalue' is not in the form key=value")  # fmt: skip
    assert sys.modules[name].CALLS == []  # nothing was started


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--qalx-session-class", "MyUserConfig", "a subclass of qalx.QalxSession"),
        ("--qalx-session-class", "bot", "is a RecordingBot, not a subclass of qalx.QalxSession"),
        ("--user-config-class", "MyBotConfig", "the class MyBotConfig, not a subclass of "
         "qalx.UserConfig"),
        ("--bot-config-class", "MyUserConfig", "not a subclass of qalx.BotConfig"),
        ("--entity-class", "MySession", "not a subclass of qalx.QalxEntity"),
        ("--entity-class", "broken", "is a function, not a subclass of qalx.QalxEntity"),
        ("--entity-class", "absent", "'absent' not found"),
    ],
)  # fmt: skip
def test_class_options_must_be_subclasses(
    project: Path, option: str, value: str, message: str
) -> None:
    name = module(project, RECORDING)
    result = qalx("bot-start", f"{name}:bot", "-q", "jobs", option, f"{name}:{value}")
    start_error(result, f"Invalid value for '{option}'", message)
    assert sys.modules[name].CALLS == []


def test_what_reaches_bot_start(project: Path) -> None:
    name = module(project, RECORDING)
    result = qalx(
        "-u", "dev", "-b", "night",
        "bot-start", f"{name}:bot",
        "-q", "beam calcs", "-p", "3", "--skip-ini", "--stop",
        "--meta", "site=lab", "--meta", " n = 3 ", "--meta", 'tags=["a", "b"]',
        "--meta", "note=two words", "--meta", "eq=a=b",
        "--workflow", "next", "--workflow", "last",
        "--qalx-session-class", f"{name}:MySession",
        "--user-config-class", f"{name}:MyUserConfig",
        "--bot-config-class", f"{name}:MyBotConfig",
        "--entity-class", f"{name}:MyItem",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == "Starting recorder reading from beam calcs with 3 workers.\n"
    users = sys.modules[name]
    [(args, kwargs)] = users.CALLS
    assert args == ("beam calcs",)
    assert kwargs == {
        "processes": 3,
        "qalx_session_class": users.MySession,
        "user_config_class": users.MyUserConfig,
        "bot_config_class": users.MyBotConfig,
        "entity_classes": [users.MyItem],
        "user_profile_name": "dev",
        "bot_profile_name": "night",
        "skip_ini": True,
        "stop": True,
        "meta": {"site": "lab", "n": 3, "tags": ["a", "b"], "note": "two words", "eq": "a=b"},
        "workflow": ["next", "last"],
    }


def test_defaults_reaching_bot_start(project: Path) -> None:
    name = module(project, RECORDING)
    result = qalx("bot-start", f"{name}:bot", "--queue-name", "jobs")
    assert result.exit_code == 0, result.output
    assert "with 1 workers." in result.output
    [(args, kwargs)] = sys.modules[name].CALLS
    assert args == ("jobs",)
    assert kwargs == {
        "processes": 1,
        "qalx_session_class": None,
        "user_config_class": None,
        "bot_config_class": None,
        "entity_classes": [],
        "user_profile_name": "default",
        "bot_profile_name": "default",
        "skip_ini": False,
        "stop": False,
        "meta": None,
        "workflow": [],
    }


def test_a_qalx_error_from_start_is_a_message(project: Path) -> None:
    name = module(
        project,
        """
        from qalx import Bot
        bot = Bot("lazy")   # no process step
        """,
    )
    result = qalx("bot-start", f"{name}:bot", "-q", "jobs")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.splitlines() == [
        "Starting lazy reading from jobs with 1 workers.",
        "Error: bot start failed: bot 'lazy' has no `process` step",
    ]


DOUBLER = """
    from qalx import Bot

    bot = Bot("doubler")

    @bot.process
    def process(job):
        job.entity.data["doubled"] = job.entity.data["n"] * 2
"""


def test_a_real_bot_from_the_users_directory(
    company: Company, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a user would: `qalx configure`, then the installed `qalx bot-start` runs a bot module
    found in the current directory until its workers run out of work (KILL_AFTER); the bot it
    made carries the --meta given."""
    name = module(project, DOUBLER)
    session = company.session()
    # no profiles yet: the message says how to make them
    unconfigured = qalx_process("bot-start", f"{name}:bot", "-q", "doubling", cwd=project)
    assert unconfigured.returncode == 1 and "Traceback" not in unconfigured.stderr
    assert "no config file at" in unconfigured.stderr
    assert "`qalx configure`, or give --skip-ini" in unconfigured.stderr
    monkeypatch.delenv("QALX_USER_TOKEN")
    monkeypatch.delenv("QALX_USER_BASE_URL")
    configured = qalx(
        "configure", f"BASE_URL={company.live.base_url}", input=f"{company.token}\n\nn\nn\n"
    )
    assert configured.exit_code == 0, configured.output
    queue = session.queue.get_or_create("doubling")
    items = [session.item.add(data={"n": n}) for n in range(3)]
    Item.add_to_queue(items, queue)
    for key, value in {
        "QALX_BOT_BASE_URL": company.live.base_url,
        "QALX_BOT_MSG_WAITTIMESECONDS": "1",
        "QALX_BOT_KILL_AFTER": "2",
    }.items():
        monkeypatch.setenv(key, value)
    done = qalx_process(
        "bot-start", f"{name}:bot", "-q", "doubling", "-p", "2", "--meta", "run=7", cwd=project
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Starting doubler reading from doubling with 2 workers.")
    assert "Traceback" not in done.stderr
    assert [session.item.get(i.guid).data.doubled for i in items] == [0, 2, 4]
    [made] = session.bot.find({"name": "doubler"}).data
    assert made.meta.run == 7 and len(made.workers) == 2
    # the bot, now finished, as bot-info shows it
    info = qalx("bot-info", "doubler")
    assert info.exit_code == 0 and "│ doubler " in info.output
