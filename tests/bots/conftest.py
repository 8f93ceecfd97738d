"""Bots run as real processes (`python -m tests.bots.sample_bots ...`) against the real server
and its built-in broker; the test side adds jobs and checks what the bot wrote."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import attrs
import pytest

from tests.sdk.api.conftest import Company
from tests.support.moto import REGION, aws_identities, moto_server
from tests.support.servers import BACKENDS, LiveServer, live_server

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT = 120.0
"""A bound on a hung bot, never a timing check."""
SQS = "sqs"
"""The `live` server whose queues are Amazon SQS (moto in server mode), for the core tests:
`@pytest.mark.parametrize("live", ON_EVERY_BROKER, indirect=True)`."""
ON_EVERY_BROKER = [*BACKENDS, pytest.param(SQS, marks=pytest.mark.slow)]


@pytest.fixture(scope="session", params=BACKENDS)
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The server on SQLite or PostgreSQL with its built-in broker, or (`sqs`) on SQLite with
    Amazon SQS, spoken to as AWS itself: STS credentials for a role, FIFO queues, redrive."""
    data_dir: Path = tmp_path_factory.mktemp(f"bots-server-{request.param}")
    with ExitStack() as stack:
        if request.param != SQS:
            yield stack.enter_context(live_server(request.param, data_dir))
            return
        endpoint = stack.enter_context(moto_server())
        aws = stack.enter_context(aws_identities(endpoint))
        with pytest.MonkeyPatch.context() as env:
            # the server's own AWS identity, from the standard chain as in production; boto3
            # reads it once, when the server makes its clients
            env.setenv("AWS_ACCESS_KEY_ID", aws.server_keys[0])
            env.setenv("AWS_SECRET_ACCESS_KEY", aws.server_keys[1])
            server = stack.enter_context(
                live_server(
                    "sqlite",
                    data_dir,
                    queues="sqs",
                    sqs_region=REGION,
                    sqs_endpoint_url=endpoint,
                    sts_endpoint_url=endpoint,
                    sqs_role_arn=aws.role_arn,
                )
            )
        yield server


@attrs.frozen
class Finished:
    returncode: int
    exit_codes: list[int | None]
    stdout: str
    stderr: str


@attrs.frozen
class BotRunner:
    company: Company
    home: Path

    def env(self, **extra: str) -> dict[str, str]:
        base = self.company.live.base_url
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "QALX_USER_BASE_URL": base,
            "QALX_USER_TOKEN": self.company.token,
            "QALX_BOT_BASE_URL": base,
            "QALX_BOT_MSG_WAITTIMESECONDS": "1",
            "QALX_BOT_KILL_AFTER": "2",
            "QALX_BOT_MSG_BLACKOUTSECONDS": "4",
            "QALX_BOT_LOGGING_LEVEL": "INFO",
        }
        if "PYTHONPATH" in os.environ:  # the bot imports what the test imports
            env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        env.update(extra)
        return env

    def command(
        self, bot: str, queue: str, processes: int, method: str | None, workflow: str | None
    ) -> list[str]:
        command = [sys.executable, "-m", "tests.bots.sample_bots", bot, queue, str(processes)]
        command.append(method or "-")
        if workflow:
            command.append(workflow)
        return command

    def run(
        self,
        bot: str,
        queue: str,
        processes: int = 1,
        method: str | None = None,
        workflow: str | None = None,
        **env: str,
    ) -> Finished:
        done = subprocess.run(
            self.command(bot, queue, processes, method, workflow),
            cwd=ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
        )
        return finished(done.returncode, done.stdout, done.stderr)

    def start(self, bot: str, queue: str, processes: int = 1, **env: str) -> subprocess.Popen[str]:
        """A bot running until it is told to stop (KILL_AFTER far away)."""
        return subprocess.Popen(
            self.command(bot, queue, processes, None, None),
            cwd=ROOT,
            env=self.env(**{"QALX_BOT_KILL_AFTER": "100000", **env}),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its workers too can be killed at once (os.killpg)
        )

    def log(self, bot_name: str, index: int) -> str:
        path = self.home / ".cache" / "qalx" / "log" / f".worker_{bot_name}.{index}.log"
        return path.read_text() if path.exists() else ""


def finished(returncode: int, stdout: str, stderr: str) -> Finished:
    codes: list[int | None] = []
    for line in stdout.splitlines():
        if line.startswith("EXIT-CODES"):
            inner = line.removeprefix("EXIT-CODES").strip(" []")
            codes = [None if c.strip() == "None" else int(c) for c in inner.split(",") if c.strip()]
    return Finished(returncode, codes, stdout, stderr)


@pytest.fixture
def bots(company: Company, home: Path) -> BotRunner:  # noqa: F811 (the fixtures imported below)
    return BotRunner(company, home)


from tests.sdk.api.conftest import company, make_session, session  # noqa: E402,F401
from tests.sdk.conftest import home, no_qalx_loggers  # noqa: E402,F401
