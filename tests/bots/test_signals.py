"""Signals sent to running bots through the API and the OS, workflows across two bots, and a
failing job's way to the dead letters and back."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qalx import Bot as BotEntity
from qalx import Item, QalxSession
from qalx.entities import Bot
from tests.bots.conftest import ON_EVERY_BROKER, BotRunner, Finished, finished
from tests.support.waiting import DEADLINE, until

WARM = 72591 % 256
COLD = 72592 % 256


def running_bot(session: QalxSession, name: str, workers: int) -> Bot:
    """The bot entity once all its workers have reported in."""

    def ready() -> Bot | None:
        found = session.bot.find(query={"name": name}).data
        if not found:
            return None
        bot = found[0]
        states = [w.get("state") for w in bot.workers]
        return (
            bot
            if len(states) == workers and all(s in ("idle", "stopped") for s in states)
            else None
        )

    return until(ready, f"{name} to start")  # type: ignore[return-value]


def ended(process: subprocess.Popen[str]) -> Finished:
    stdout, stderr = process.communicate(timeout=DEADLINE)
    return finished(process.returncode, stdout, stderr)


@pytest.fixture
def stop_all() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the bot and its workers
        process.communicate()


@pytest.mark.parametrize("live", ON_EVERY_BROKER, indirect=True)
def test_stop_resume_and_warm_terminate(
    session: QalxSession, bots: BotRunner, stop_all: list[subprocess.Popen[str]]
) -> None:
    queue = session.queue.get_or_create("signals")
    process = bots.start("steps", "signals", processes=2)
    stop_all.append(process)
    bot = running_bot(session, "steps bot", 2)
    session.bot.stop(bot)
    until(lambda: all("stop signal found" in bots.log("steps bot", i) for i in (0, 1)), "stop")
    item = session.item.add(data={"n": 21})
    Item.add_to_queue(item, queue)
    time.sleep(2.5)  # a stopped worker takes nothing (bounded wait for a negative)
    assert "doubled" not in session.item.get(item.guid).data
    session.bot.resume(bot)
    until(lambda: session.item.get(item.guid).data.get("doubled") == 42, "the job after resume")
    sent = time.monotonic()
    session.bot.terminate(bot)
    done = ended(process)
    acted = time.monotonic() - sent
    assert done.exit_codes == [WARM, WARM], done.stderr
    print(f"warm terminate of 2 idle workers: exited {acted:.2f} s after the signal")
    workers = session.bot.get(bot.guid).workers
    assert all(w.status.message == "warm exit signal found" for w in workers)


def test_a_stopped_worker_leaves_new_jobs_on_the_queue(
    session: QalxSession, bots: BotRunner, stop_all: list[subprocess.Popen[str]]
) -> None:
    """With its default 20 s receives, a worker stopped while one is in flight gives back
    what it gets (another worker may take it), and takes new jobs as soon as it is resumed."""
    queue = session.queue.get_or_create("stopped")
    process = bots.start("steps", "stopped", QALX_BOT_MSG_WAITTIMESECONDS="20")
    stop_all.append(process)
    bot = running_bot(session, "steps bot", 1)
    session.bot.stop(bot)
    until(lambda: "stop signal found" in bots.log("steps bot", 0), "stop")
    item = session.item.add(data={"n": 21})
    Item.add_to_queue(item, queue)
    fresh = session.queue.get(queue.guid)
    got = until(lambda: fresh.get_messages(max_num_msg=1, visibility=30, waittime=1), "the job")
    assert got[0].entity_guid == item.guid
    got[0].release()
    session.bot.resume(bot)
    until(lambda: session.item.get(item.guid).data.get("doubled") == 42, "the job after resume")


def test_a_long_job_does_not_sit_on_the_next(
    session: QalxSession, bots: BotRunner, stop_all: list[subprocess.Popen[str]], tmp_path: Path
) -> None:
    """After a short job a worker prefetches the next while one runs; when that one runs long,
    it gives the prefetched job back, and another worker takes it before the long job ends."""
    queue = session.queue.get_or_create("prefetch")
    short, long_job, next_job = (session.item.add(data={"work": w}) for w in (0, 6, 0))
    Item.add_to_queue([short, long_job, next_job], queue)
    pids = tmp_path / "pids"
    pids.mkdir()
    stop_all.append(bots.start("slow", "prefetch", QALX_TEST_PIDS=str(pids)))
    until(lambda: (pids / str(long_job.guid)).exists(), "the slow bot on the long job")
    stop_all.append(bots.start("chaos", "prefetch"))
    done = until(lambda: session.item.get(next_job.guid).data.get("done"), "the next job")
    assert done is True
    assert session.item.get(short.guid).data.get("finished") is True
    assert "finished" not in session.item.get(long_job.guid).data  # it was still running
    assert "finished" not in session.item.get(next_job.guid).data  # not the slow bot's
    assert not (pids / str(next_job.guid)).exists()
    log = bots.log("slow bot", 0)
    assert "job failed" not in log and "Traceback" not in log


@pytest.mark.parametrize("live", ON_EVERY_BROKER, indirect=True)
def test_cold_terminate_requeues_the_job(
    session: QalxSession, bots: BotRunner, stop_all: list[subprocess.Popen[str]]
) -> None:
    queue = session.queue.get_or_create("cold")
    item = session.item.add(data={"n": 1})
    Item.add_to_queue(item, queue)
    process = bots.start(
        "slow", "cold", QALX_TEST_SLOW="8"
    )  # a step outlasting the signal; it ends well within DEADLINE
    stop_all.append(process)
    bot = running_bot(session, "slow bot", 1)
    until(lambda: session.worker.get(bot.workers[0].guid, bot).get("state") == "active", "the job")
    session.worker.terminate(bot.workers[0], bot, warm=False, requeue_job=True)
    done = ended(process)
    assert done.exit_codes == [COLD], done.stderr
    assert "finished" not in session.item.get(item.guid).data
    fresh = session.queue.get(queue.guid)
    again = until(lambda: fresh.get_messages(max_num_msg=1, visibility=5, waittime=1), "requeued")
    assert again[0].entity_guid == item.guid
    fresh.delete_message(again[0])


def test_sigterm_is_warm_and_a_second_is_cold(
    session: QalxSession, bots: BotRunner, stop_all: list[subprocess.Popen[str]]
) -> None:
    queue = session.queue.get_or_create("os-signals")
    item = session.item.add(data={"n": 1})
    process = bots.start(
        "slow", "os-signals", QALX_TEST_SLOW="8"
    )  # a step outlasting the signal; it ends well within DEADLINE
    stop_all.append(process)
    bot = running_bot(session, "slow bot", 1)
    Item.add_to_queue(item, queue)
    until(lambda: session.worker.get(bot.workers[0].guid, bot).get("state") == "active", "the job")
    process.send_signal(signal.SIGTERM)
    time.sleep(1.5)  # a second signal within a second is the same shutdown
    assert process.poll() is None  # warm: the job goes on
    process.send_signal(signal.SIGTERM)
    done = ended(process)
    assert done.exit_codes == [COLD], done.stderr
    assert "finished" not in session.item.get(item.guid).data
    fresh = session.queue.get(queue.guid)  # the job went back, for another worker
    again = until(lambda: fresh.get_messages(max_num_msg=1, visibility=5, waittime=1), "requeued")
    assert again[0].entity_guid == item.guid


@pytest.mark.parametrize("live", ON_EVERY_BROKER, indirect=True)
def test_workflow_hands_the_entity_to_the_next_bot(session: QalxSession, bots: BotRunner) -> None:
    session.queue.get_or_create("second-queue")
    second = bots.start("second", "second-queue")
    try:
        running_bot(session, "second bot", 1)
        first_queue = session.queue.get_or_create("first-queue")
        items = [session.item.add(data={"n": n}) for n in range(3)]
        Item.add_to_queue(items, first_queue)
        done = bots.run("first", "first-queue", workflow="second bot")
        assert done.returncode == 0, done.stderr
        for item in items:

            def handed_on(guid: object = item.guid) -> bool:
                return session.item.get(guid).data.get("second") is True  # type: ignore[arg-type]

            until(handed_on, "bot two")
    finally:
        second.send_signal(signal.SIGTERM)
        second.communicate(timeout=DEADLINE)


@pytest.mark.parametrize("live", ON_EVERY_BROKER, indirect=True)
def test_failed_job_goes_to_dead_letters_and_is_replayed(
    session: QalxSession, bots: BotRunner
) -> None:
    from qalx_api_client import AuthenticatedClient
    from qalx_api_client.api.queue import list_dead_letters, replay_dead_letters
    from qalx_api_client.models import Replay

    queue = session.queue.add("dlq", parameters={"maxReceiveCount": 2})
    odd, even = session.item.add(data={"n": 1}), session.item.add(data={"n": 2})
    Item.add_to_queue([odd, even], queue)
    done = bots.run("failing", "dlq")
    assert done.returncode == 0, done.stderr
    assert session.item.get(even.guid).data.ok is True
    assert "ok" not in session.item.get(odd.guid).data
    client = AuthenticatedClient(
        base_url=session.config.base_url, token=str(session.config.token), prefix="Token"
    )
    with client:
        letters = list_dead_letters.sync_detailed(queue.guid, client=client)
        assert letters.status_code == 200, letters.content
        body = json.loads(letters.content)
        assert [json.loads(d["body"])["entity_guid"] for d in body["data"]] == [str(odd.guid)]
        replayed = replay_dead_letters.sync_detailed(
            queue.guid, client=client, body=Replay(all_=True)
        )
        assert replayed.status_code == 200, replayed.content
    fixed = bots.run("failing", "dlq", QALX_TEST_FIXED="1")
    assert fixed.returncode == 0, fixed.stderr
    assert session.item.get(odd.guid).data.ok is True


def test_entity_class_is_the_runtime_bot() -> None:
    from qalx.bot import Bot as RuntimeBot

    assert BotEntity is RuntimeBot
