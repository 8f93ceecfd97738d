"""Fixtures for driving `qalx` as a user does, against the real server (SQLite): a home
directory of its own per test, no qalx settings from the machine, a fresh company, and helpers
that run the command in-process (click's runner) or as the installed `.venv/bin/qalx`."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner, Result

from qalx import BotConfig, QalxSession
from qalx.cli import main
from qalx.entities import Bot
from qalx_server.auth.admin import create_user
from tests.support.home import fresh_home
from tests.support.servers import LiveServer, live_server

QALX = Path(sys.executable).with_name("qalx")


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLUMNS", "250")  # rich tables at full width, cells unwrapped
    return fresh_home(tmp_path, monkeypatch)


@pytest.fixture(autouse=True)
def no_qalx_loggers() -> Iterator[None]:
    """Sessions made by a command keep their logger (and its file in this test's home)."""
    yield
    registry = logging.root.manager.loggerDict
    for name in [n for n in registry if n == "qalx" or n.startswith("qalx.")]:
        found = registry.pop(name)
        if isinstance(found, logging.Logger):
            for handler in list(found.handlers):
                found.removeHandler(handler)
                handler.close()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server("sqlite", tmp_path_factory.mktemp("cli-server")) as server:
        yield server


def qalx(*args: str, input: str | None = None) -> Result:
    """`qalx ARGS...` in this process; an exception other than click's own (a traceback, for
    a user) fails the test."""
    return CliRunner().invoke(
        main, list(args), input=input, prog_name="qalx", catch_exceptions=False
    )


def qalx_process(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The installed `qalx ARGS...` as its own process, in `cwd`, with this environment."""
    return subprocess.run(
        [str(QALX), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
        check=False,
    )


@attrs.frozen
class Company:
    """A company on the live server and its user token; the CLI sees it through
    QALX_USER_BASE_URL and QALX_USER_TOKEN (no ~/.qalx)."""

    live: LiveServer
    email: str
    token: str
    monkeypatch: pytest.MonkeyPatch
    opened: list[QalxSession] = attrs.field(factory=list)
    tokens: dict[uuid.UUID, str] = attrs.field(factory=dict)

    def session(self) -> QalxSession:
        made = QalxSession(skip_ini=True)
        self.opened.append(made)
        return made

    def bot(self, name: str, workers: int = 0) -> Bot:
        """A bot made through the SDK as `Bot.start` makes it, with `workers` workers."""
        bot = self.session().bot.add(name, config={"queue_name": "jobs"})
        self.tokens[bot.guid] = bot["info"]["credentials"]["token"]
        if not workers:
            return bot
        return self.bot_session(bot).bot.replace_workers(bot, workers)

    def bot_session(self, bot: Bot) -> QalxSession:
        """A session with the bot's own token, as its workers have."""
        self.monkeypatch.setenv("QALX_BOT_BASE_URL", self.live.base_url)
        self.monkeypatch.setenv("QALX_BOT_TOKEN", self.tokens[bot.guid])
        made = QalxSession(config_class=BotConfig, skip_ini=True)
        self.monkeypatch.delenv("QALX_BOT_TOKEN")
        self.opened.append(made)
        return made


@pytest.fixture
def company(live: LiveServer, monkeypatch: pytest.MonkeyPatch, home: Path) -> Iterator[Company]:
    name = f"cli-{uuid.uuid4().hex[:8]}"
    user = create_user(live.server.db, name, f"{name}@example.com")
    monkeypatch.setenv("QALX_USER_BASE_URL", live.base_url)
    monkeypatch.setenv("QALX_USER_TOKEN", user.token)
    made = Company(live, f"{name}@example.com", user.token, monkeypatch)
    yield made
    for session in made.opened:
        session.close()
