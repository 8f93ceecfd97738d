"""Chaos: 1,000 queued jobs, 4 workers, workers killed with SIGKILL at random moments. Every
job completes and none is lost; jobs delivered more than once are counted and printed.

At least 50 s of work by design (see WORK_SECONDS), so it runs in the slow gate
(`make test-slow`, which CI runs too), keeping `make test` within its 20 minutes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time

import pytest

from qalx import Item, QalxSession
from tests.bots.conftest import BotRunner

JOBS = int(os.environ.get("QALX_TEST_CHAOS_JOBS", "1000"))
KILLS = int(os.environ.get("QALX_TEST_CHAOS_KILLS", "6"))
DEADLINE = float(os.environ.get("QALX_TEST_CHAOS_DEADLINE", "300"))
"""A bound on a hung run, never a timing check."""
WORK_SECONDS = 0.2
"""Each job's work: 4 workers need at least JOBS * WORK_SECONDS / 4 (50 s) for the queue, so
every kill round (at most 6 s each) lands while jobs are in flight, however fast the runtime."""


def children(pid: int) -> list[int]:
    """The worker processes of a bot (Linux's own list of a process's children)."""
    path = f"/proc/{pid}/task/{pid}/children"
    with open(path) as handle:
        return [int(p) for p in handle.read().split()]


@pytest.mark.slow
@pytest.mark.parametrize("live", ["sqlite"], indirect=True)
def test_kill_9_loses_no_job(session: QalxSession, bots: BotRunner) -> None:
    queue = session.queue.get_or_create("chaos")
    made = session.item.add_many([{"data": {"n": n}} for n in range(JOBS)])
    items = made.items_
    assert len(items) == JOBS
    Item.add_to_queue(items, queue)
    rounds: list[subprocess.Popen[str]] = []
    kills = 0
    random.seed(9)
    deadline = time.monotonic() + DEADLINE

    def remaining() -> int:
        return JOBS - len(list(session.item.find_all(query={"data.done": True}, fields="guid")))

    while remaining() and time.monotonic() < deadline:
        # a fresh bot run (4 workers); each run is killed at random until KILLS have landed
        process = bots.start(
            "chaos",
            "chaos",
            processes=4,
            QALX_BOT_MSG_BLACKOUTSECONDS="3",
            QALX_TEST_WORK=str(WORK_SECONDS),
        )
        rounds.append(process)
        time.sleep(random.uniform(1.0, 4.0))
        workers = children(process.pid)
        if kills < KILLS and workers:
            os.kill(random.choice(workers), signal.SIGKILL)
            kills += 1
        time.sleep(random.uniform(0.5, 2.0))
        if kills >= KILLS:
            # let the last run drain the queue, then stop it warm
            while remaining() and time.monotonic() < deadline:
                time.sleep(0.5)
        os.killpg(process.pid, signal.SIGTERM)
        process.communicate(timeout=60)
    if remaining():  # say where the missing jobs are before failing
        from qalx_api_client.api.queue import get_queue_stats

        print("queue:", session.rest_api.call(get_queue_stats._get_kwargs(queue.guid)))
        undone = session.item.find_all(query={"data.done": {"$ne": True}})
        print("not done:", [(str(i.guid), i.data.to_dict()) for i in undone])
    assert remaining() == 0, f"{remaining()} jobs never completed"
    deliveries = [i.data.deliveries for i in session.item.find_all(query={"data.done": True})]
    duplicates = sum(d - 1 for d in deliveries)
    print(f"chaos: {JOBS} jobs, {kills} workers killed, {duplicates} duplicate deliveries")
    assert kills == KILLS
    assert len(deliveries) == JOBS
