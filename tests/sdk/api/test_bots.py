"""Bots and workers end to end: a user session makes the bot, the bot's own session (its
token) runs it; stop/resume/terminate write state and signal documents the workers read back.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from qalx import (
    BotConfig,
    QalxConfigError,
    QalxEntityNotFound,
    QalxError,
    QalxMultipleEntityReturned,
    QalxSession,
    Queue,
)
from qalx.entities import Bot, Worker
from qalx.signals import QalxWorkerSignal
from tests.sdk.api.conftest import Company

BOT_CONFIG = {"Q_MSGBATCHSIZE": 1, "queue_name": "jobs", "TOKEN": None}


class Recorder:
    """Counts the requests a session sends, by wrapping its transport's `call`."""

    def __init__(self, session: QalxSession, monkeypatch: pytest.MonkeyPatch) -> None:
        self.requests: list[dict[str, Any]] = []
        original = session._transport.call

        def call(request: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
            self.requests.append(request)
            return original(request, *args, **kwargs)

        monkeypatch.setattr(session._transport, "call", call)


@pytest.fixture
def bot(session: QalxSession) -> Bot:
    return session.bot.add(f"bot-{uuid.uuid4().hex[:6]}", config=BOT_CONFIG)


@pytest.fixture
def bot_session(company: Company, bot: Bot, monkeypatch: pytest.MonkeyPatch) -> QalxSession:
    monkeypatch.setenv("QALX_BOT_BASE_URL", company.live.base_url)
    monkeypatch.setenv("QALX_BOT_TOKEN", bot.info.credentials.token)
    made = QalxSession(config_class=BotConfig, skip_ini=True)
    company.opened.append(made)
    return made


@pytest.fixture
def running(bot_session: QalxSession, bot: Bot) -> Bot:
    """The bot with three workers, as its own session sees it."""
    return bot_session.bot.replace_workers(bot, 3)


def signals_and_states(session: QalxSession, bot: Bot) -> list[tuple[str, dict[str, Any]]]:
    found = session.worker.find(bot_entity=bot)
    return [(w["state"], w.signal.to_dict()) for w in found]


# -- making a bot --------------------------------------------------------------------------
def test_bot_add_returns_its_token(session: QalxSession, company: Company) -> None:
    bot = session.bot.add("runner", config={"Q_MSGBATCHSIZE": 2}, meta={"site": "lab"})
    assert isinstance(bot, Bot)
    assert bot.name == "runner"
    assert bot["config"]["Q_MSGBATCHSIZE"] == 2
    assert bot.meta.site == "lab"
    assert set(bot["host"]) >= {"node", "platform", "ip"}
    token = bot.info.credentials.token
    assert isinstance(token, str) and token
    assert token != company.token
    # the token is the bot's own: it reads the bot, and stays out of the user's answers later
    assert "credentials" not in session.bot.get(bot.guid).info
    assert session.bot.get_by_name("runner").guid == bot.guid


def test_bot_token_opens_a_bot_session(bot_session: QalxSession, bot: Bot) -> None:
    assert isinstance(bot_session.config, BotConfig)
    assert bot_session.config.token == bot.info.credentials.token
    assert bot_session.bot.get(bot.guid).guid == bot.guid


def test_replace_workers(bot_session: QalxSession, bot: Bot, session: QalxSession) -> None:
    replaced = bot_session.bot.replace_workers(bot, 3)
    assert isinstance(replaced, Bot)
    assert replaced.guid == bot.guid
    workers = replaced.workers
    assert len(workers) == 3
    assert all(isinstance(w, Worker) for w in workers)
    assert len({w.guid for w in workers}) == 3
    assert all(isinstance(w.guid, uuid.UUID) for w in workers)
    again = bot_session.bot.replace_workers(replaced, 2)
    assert len(again.workers) == 2
    assert not {w.guid for w in again.workers} & {w.guid for w in workers}
    assert len(session.worker.find(bot_entity=bot)) == 2
    with pytest.raises(QalxError):
        bot_session.bot.replace_workers(bot, -1)


# -- stop, resume, terminate ---------------------------------------------------------------
def test_bot_stop_resume_terminate(bot_session: QalxSession, running: Bot) -> None:
    bot_session.bot.stop(running)
    assert bot_session.bot.get(running.guid)["state"] == "stopped"
    assert signals_and_states(bot_session, running) == [("stopped", {"stop": True})] * 3

    bot_session.bot.resume(running)
    assert bot_session.bot.get(running.guid)["state"] == "idle"
    assert signals_and_states(bot_session, running) == [("idle", {"stop": False})] * 3

    bot_session.bot.terminate(running)
    assert bot_session.bot.get(running.guid)["state"] == "terminated"
    assert (
        signals_and_states(bot_session, running)
        == [("terminated", {"stop": False, "terminate": True, "warm": True})] * 3
    )
    for worker in running.workers:
        signal = bot_session.worker.get_signal(worker, bot_entity=running)
        assert signal.terminate and signal.terminate_warm
        assert not signal.terminate_cold and not signal.requeue_job and not signal.stop


def test_bot_stop_sends_documented_requests(
    bot_session: QalxSession, running: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(bot_session, monkeypatch)
    bot_session.bot.stop(running)
    sent = [(r["method"].upper(), r["url"], r.get("json")) for r in recorder.requests]
    bot_url = f"/bot/{running.guid}"
    expected: list[tuple[str, str, dict[str, Any]]] = [("PATCH", bot_url, {"state": "stopped"})]
    for worker in running.workers:
        worker_url = f"{bot_url}/worker/{worker.guid}"
        expected += [
            ("PATCH", worker_url, {"state": "stopped"}),
            ("PATCH", worker_url, {"signal": {"stop": True}}),
        ]
    assert sent == expected


def test_bot_cold_terminate(bot_session: QalxSession, running: Bot) -> None:
    bot_session.bot.terminate(running, warm=False, requeue_job=True)
    assert (
        signals_and_states(bot_session, running)
        == [("terminated", {"terminate": True, "requeue_job": True, "cold": True})] * 3
    )


def test_warm_terminate_with_requeue_is_refused_before_any_request(
    bot_session: QalxSession, running: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(bot_session, monkeypatch)
    worker = running.workers[0]
    with pytest.raises(QalxError, match="requeue"):
        bot_session.worker.terminate(worker, running, warm=True, requeue_job=True)
    with pytest.raises(QalxError, match="requeue"):
        bot_session.bot.terminate(running, warm=True, requeue_job=True)
    assert recorder.requests == []
    assert signals_and_states(bot_session, running) == [("idle", {})] * 3


# -- workers -------------------------------------------------------------------------------
def test_worker_get_and_signal(bot_session: QalxSession, running: Bot) -> None:
    first = running.workers[0]
    got = bot_session.worker.get(first.guid, running)
    assert isinstance(got, Worker)
    assert got.guid == first.guid
    assert got["state"] == "idle"
    assert bot_session.worker.get(str(first.guid), bot_entity=running.guid).guid == first.guid
    signal = bot_session.worker.get_signal(first, bot_entity=running)
    assert isinstance(signal, QalxWorkerSignal)
    assert not (signal.stop or signal.terminate or signal.terminate_warm)
    assert not (signal.terminate_cold or signal.requeue_job)

    bot_session.worker.stop(first, bot_entity=running)
    signal = bot_session.worker.get_signal(first, bot_entity=running)
    assert signal.stop and not signal.terminate
    assert bot_session.worker.get(first.guid, running)["state"] == "stopped"
    # only that worker
    others = [bot_session.worker.get(w.guid, running) for w in running.workers[1:]]
    assert [(w["state"], w.signal.to_dict()) for w in others] == [("idle", {})] * 2

    bot_session.worker.resume(first, bot_entity=running)
    signal = bot_session.worker.get_signal(first, bot_entity=running)
    assert not signal.stop
    assert bot_session.worker.get(first.guid, running)["state"] == "idle"


def test_worker_cold_terminate_with_requeue(bot_session: QalxSession, running: Bot) -> None:
    worker = running.workers[1]
    bot_session.worker.terminate(worker, running, warm=False, requeue_job=True)
    fresh = bot_session.worker.get(worker.guid, running)
    assert fresh["state"] == "terminated"
    assert fresh.signal.to_dict() == {"terminate": True, "requeue_job": True, "cold": True}
    signal = bot_session.worker.get_signal(worker, running)
    assert signal.terminate and signal.terminate_cold and signal.requeue_job
    assert not signal.terminate_warm and not signal.stop
    # a cold terminate without requeue says so
    other = running.workers[2]
    bot_session.worker.terminate(other, running, warm=False)
    signal = bot_session.worker.get_signal(other, running)
    assert signal.terminate_cold and not signal.requeue_job


def test_update_status(bot_session: QalxSession, running: Bot) -> None:
    worker = running.workers[0]
    bot_session.worker.update_status(worker, running, "cold exit signal found")
    assert bot_session.worker.get(worker.guid, running)["status"] == {
        "message": "cold exit signal found"
    }
    bot_session.bot.update_status(running, "working through the queue")
    assert bot_session.bot.get(running.guid)["status"] == {"message": "working through the queue"}


def test_worker_find(bot_session: QalxSession, running: Bot, session: QalxSession) -> None:
    found = bot_session.worker.find(bot_entity=running)
    assert sorted(w.guid for w in found) == sorted(w.guid for w in running.workers)
    assert all(isinstance(w, Worker) for w in found)
    bot_session.worker.stop(running.workers[0], bot_entity=running)
    stopped = bot_session.worker.find(query={"state": "stopped"}, bot_entity=running)
    assert [w.guid for w in stopped] == [running.workers[0].guid]
    page = bot_session.worker.find(bot_entity=running, limit=2)
    assert len(page) == 2
    assert page.query.next  # a next page exists
    one = bot_session.worker.find({"state": "stopped"}, many=False, bot_entity=running)
    assert isinstance(one, Worker) and one.guid == running.workers[0].guid
    assert bot_session.worker.find_one({"state": "stopped"}, bot_entity=running).guid == one.guid
    with pytest.raises(QalxMultipleEntityReturned):
        bot_session.worker.find_one({"state": "idle"}, bot_entity=running)
    with pytest.raises(QalxEntityNotFound):
        bot_session.worker.find({"state": "active"}, many=False, bot_entity=running)
    every = list(bot_session.worker.find_all(bot_entity=running, page_size=2))
    assert sorted(w.guid for w in every) == sorted(w.guid for w in running.workers)
    # the user who made the bot can list its workers too
    assert len(session.worker.find(bot_entity=running.guid)) == 3


def test_worker_save(bot_session: QalxSession, running: Bot) -> None:
    worker = bot_session.worker.get(running.workers[0].guid, running)
    worker["state"] = "active"
    saved = bot_session.worker.save(worker, running)
    assert isinstance(saved, Worker)
    assert saved["state"] == "active"
    assert bot_session.worker.get(worker.guid, running)["state"] == "active"
    assert bot_session.worker.reload(worker, running)["state"] == "active"


def test_worker_calls_need_the_bot(bot_session: QalxSession, running: Bot) -> None:
    with pytest.raises(QalxError, match="bot_entity"):
        bot_session.worker.get(running.workers[0].guid, None)  # type: ignore[arg-type]


# -- user and bot sessions are not interchangeable -----------------------------------------
@pytest.mark.parametrize("case", ["bot.add", "replace_workers", "get_messages"])
def test_session_misuse_refused_before_any_request(
    case: str,
    session: QalxSession,
    bot_session: QalxSession,
    bot: Bot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queue = session.queue.add("misuse")
    worker = _FakeWorker(queue)
    user_calls = Recorder(session, monkeypatch)
    bot_calls = Recorder(bot_session, monkeypatch)
    calls: dict[str, Callable[[], object]] = {
        "bot.add": lambda: bot_session.bot.add("another", config={}),
        "replace_workers": lambda: session.bot.replace_workers(bot, 3),
        "get_messages": lambda: session.queue.get_messages(worker),
    }
    with pytest.raises(QalxConfigError):
        calls[case]()
    assert user_calls.requests == [] and bot_calls.requests == []


class _FakeWorker:
    """What `queue.get_messages` reads of the bot runtime's worker: its queue."""

    def __init__(self, queue: Queue) -> None:
        self.queue = queue


def test_bot_session_receives_messages(
    session: QalxSession, bot_session: QalxSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bot session's queue.get_messages takes its numbers from the bot config."""
    from qalx import Item

    queue = session.queue.add("bot-jobs")
    Item.add_to_queue([uuid.uuid4() for _ in range(3)], queue)
    bot_session.config["Q_MSGBATCHSIZE"] = 2
    bot_session.config["MSG_WAITTIMESECONDS"] = 1
    bots_queue = bot_session.queue.get_by_name("bot-jobs")
    messages = bot_session.queue.get_messages(_FakeWorker(bots_queue))
    try:
        assert len(messages) == 2
        assert all(m.entity_type == "item" for m in messages)
    finally:
        for message in messages:
            bots_queue.delete_message(message)
