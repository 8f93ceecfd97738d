"""Workers that are seen: a worker whose process dies without exiting (SIGKILL) reads as lost
after the server's `worker_lost_after`, a live one (idle or busy) never does, and the dead
worker's job reappears through the visibility timeout and is finished by another worker."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from qalx import Item, QalxSession
from tests.bots.conftest import BotRunner
from tests.sdk.api.conftest import Company, make_company
from tests.support import waiting
from tests.support.servers import LiveServer, live_server

LOST_AFTER = 3.0
"""The server's `worker_lost_after` here: short, so that the test is short."""
T = TypeVar("T")
DEADLINE = 60.0
"""A bound on waiting for what must happen: a hung test fails, it never checks speed."""


def until(check: Callable[[], T], what: str) -> T:
    return waiting.until(check, what, DEADLINE, every=0.1)


@pytest.fixture(scope="module")
def quick_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server("sqlite", tmp_path_factory.mktemp("lost"), worker_lost_after=LOST_AFTER) as s:
        yield s


@pytest.fixture
def quick_bots(
    quick_live: LiveServer, monkeypatch: pytest.MonkeyPatch, home: Path
) -> Iterator[tuple[QalxSession, BotRunner]]:
    company: Company = make_company(quick_live, monkeypatch)
    session = company.session()
    yield session, BotRunner(company, home)
    session.close()


def test_a_killed_worker_is_lost_and_its_job_is_finished_by_another(
    quick_bots: tuple[QalxSession, BotRunner], tmp_path: Path
) -> None:
    session, bots = quick_bots
    queue = session.queue.get_or_create("lost")
    pids = tmp_path / "pids"
    pids.mkdir()
    process = bots.start(
        "slow",
        "lost",
        processes=2,
        QALX_TEST_SLOW="4",
        QALX_BOT_MSG_BLACKOUTSECONDS="4",
        QALX_TEST_PIDS=str(pids),
    )
    try:

        def workers() -> list[dict[str, Any]]:
            found = session.bot.find(query={"name": "slow bot"}).data
            return [dict(w) for w in found[0].workers] if found else []

        until(lambda: [w.get("state") for w in workers()] == ["idle", "idle"], "two idle workers")
        time.sleep(LOST_AFTER + 1.0)  # idle, and waiting on its signal: seen, never lost
        assert [w["state"] for w in workers()] == ["idle", "idle"]

        item = session.item.add(data={"n": 1})
        Item.add_to_queue(item, queue)
        busy = until(
            lambda: [w for w in workers() if w.get("state") == "active"], "a worker on the job"
        )
        busy_worker = busy[0]
        job = busy_worker["job"]
        assert job["entity_type"] == "item" and job["entity_guid"] == item.guid

        # kill the very process that has the job, without a goodbye
        pid_file = pids / str(item.guid)
        until(pid_file.exists, "the job's worker to note its pid")
        os.kill(int(pid_file.read_text()), signal.SIGKILL)

        lost = until(
            lambda: (
                next(w for w in workers() if w["guid"] == busy_worker["guid"])["state"] == "lost"
            ),
            "the killed worker to read as lost",
        )
        assert lost
        # the other worker, alive and seen all along, takes the job once it reappears
        finished = until(
            lambda: session.item.get(item.guid).data.get("finished"), "the job to be finished"
        )
        assert finished is True
        states = {w["guid"]: w["state"] for w in workers()}
        assert states[busy_worker["guid"]] == "lost"
        assert [s for g, s in states.items() if g != busy_worker["guid"]] == ["idle"]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
