"""The bot runtime end to end: real worker processes, the real server and its broker."""

from __future__ import annotations

import pytest

from qalx import Item, QalxSession
from tests.bots.conftest import ON_EVERY_BROKER, SQS, BotRunner
from tests.bots.sample_bots import ORDER
from tests.support.servers import BACKENDS

# Linux passes a child's exit status mod 256: 72593 (KILL_AFTER) arrives as 145.
KILL_AFTER_STATUS = 72593 % 256


@pytest.mark.parametrize(
    ("live", "method"),
    [
        pytest.param(b, m, marks=[pytest.mark.slow] if m != "fork" else [])
        for b in BACKENDS
        for m in ("fork", "spawn", "forkserver")
    ]
    + [pytest.param(SQS, "fork", marks=pytest.mark.slow)],
    indirect=["live"],
)
def test_steps_run_in_order_under_every_start_method(
    session: QalxSession, bots: BotRunner, method: str
) -> None:
    queue = session.queue.get_or_create("steps")
    items = [session.item.add(data={"n": n}) for n in range(6)]
    Item.add_to_queue(items, queue)
    finished = bots.run("steps", "steps", processes=2, method=method)
    assert finished.returncode == 0, finished.stderr
    assert finished.exit_codes == [KILL_AFTER_STATUS, KILL_AFTER_STATUS], finished.stderr
    done = [session.item.get(i.guid) for i in items]
    assert [d.data.doubled for d in done] == [0, 2, 4, 6, 8, 10]
    for item in done:
        steps = item.meta.steps
        assert steps[-6:] == ORDER[1:]  # the first job of a worker also saw begin
        assert item.meta.onload_type == "item"
    assert len({d.meta.pid for d in done}) >= 1


@pytest.mark.parametrize("live", ON_EVERY_BROKER, indirect=True)
def test_a_failing_step_puts_the_job_back_and_others_go_on(
    session: QalxSession, bots: BotRunner
) -> None:
    queue = session.queue.get_or_create("failing")
    items = [session.item.add(data={"n": n}) for n in range(4)]
    Item.add_to_queue(items, queue)
    finished = bots.run("failing", "failing", processes=1)
    assert finished.exit_codes == [KILL_AFTER_STATUS], finished.stderr
    done = {i.data.n: i for i in (session.item.get(x.guid) for x in items)}
    assert done[0].data.ok is True and done[2].data.ok is True
    assert "ok" not in done[1].data and "ok" not in done[3].data
    bot = session.bot.find(query={"name": "failing bot"}).data[0]
    worker = session.worker.get(bot.workers[0].guid, bot)
    assert worker["jobs_failed"] >= 2 and worker["jobs_done"] == 2
    log = (bots.home / ".cache" / "qalx" / "log" / ".worker_failing bot.0.log").read_text()
    failures = [line for line in log.splitlines() if "failed: odd number" in line]
    assert len(failures) >= 2
    assert all("Entity Type: `item`" in line for line in failures)
    assert "Traceback" in log and "RuntimeError: odd number" in log
    # the failed jobs were released, not deleted: they are still on the queue (or dead letters)
    assert session.queue.get(queue.guid).info.queue_url


@pytest.mark.parametrize("live", ON_EVERY_BROKER, indirect=True)
def test_a_false_step_result_ends_the_job_cleanly(session: QalxSession, bots: BotRunner) -> None:
    queue = session.queue.get_or_create("results")
    zero, one = session.item.add(data={"n": 0}), session.item.add(data={"n": 1})
    Item.add_to_queue([zero, one], queue)
    finished = bots.run("result", "results")
    assert finished.exit_codes == [KILL_AFTER_STATUS], finished.stderr
    assert "processed" not in session.item.get(zero.guid).data
    assert session.item.get(one.guid).data.processed is True
    assert queue.get_messages(max_num_msg=10, visibility=1, waittime=0) == []


def test_a_worker_that_cannot_begin_exits_non_zero_and_says_why(
    session: QalxSession, bots: BotRunner
) -> None:
    queue = session.queue.get_or_create("broken")
    item = session.item.add(data={"n": 1})
    Item.add_to_queue(item, queue)
    finished = bots.run("broken", "broken")
    assert finished.exit_codes == [1], finished.stderr
    assert "FAILED-WORKERS [0]" in finished.stdout
    bot = session.bot.find(query={"name": "broken bot"}).data[0]
    status = session.worker.get(bot.workers[0].guid, bot)["status"]["message"]
    assert "begin failed: RuntimeError: the licence server is down" in status
    assert "processed" not in session.item.get(item.guid).data  # its job is still queued
    assert len(queue.get_messages(max_num_msg=1, visibility=1, waittime=1)) == 1
