"""pyqalx 0.19.2's queues against our built-in SQS-compatible broker (SQLite and PostgreSQL).

pyqalx talks to SQS with boto3, using the queue entity's `info.credentials` and its own config
`REGION`; boto3 finds our broker through `AWS_ENDPOINT_URL_SQS`, which a user of a self-hosted
server sets like any other AWS endpoint override. The test process checks the broker with
plain boto3, built only from the queue entity as fetched over HTTP.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.compat.conftest import Pyqalx, make_pyqalx
from tests.support.queues import client_from_info
from tests.support.servers import BACKENDS, LiveServer, live_server

VISIBILITY = 2
"""MSG_BLACKOUTSECONDS for the bot: the heartbeat beats every second."""

SHORT_LIFETIME = 3
"""Seconds the refresh test's server keeps broker credentials valid."""


def _queue_env(pyqalx: Pyqalx, **extra: str) -> dict[str, str]:
    return pyqalx.env({"AWS_ENDPOINT_URL_SQS": pyqalx.live.base_url + "sqs", **extra})


def _bot_env(pyqalx: Pyqalx) -> dict[str, str]:
    """A bot configured the documented way, through QALX_BOT_* variables."""
    return _queue_env(
        pyqalx,
        QALX_BOT_BASE_URL=pyqalx.live.base_url,  # the token comes from the bot entity
        QALX_BOT_MSG_BLACKOUTSECONDS=str(VISIBILITY),
        QALX_BOT_MSG_WAITTIMESECONDS="1",
        QALX_BOT_Q_WAITTIMESECONDS="1",
        QALX_BOT_KILL_AFTER="1",  # the worker exits after one empty poll
        QALX_BOT_LOGGING_LEVEL="DEBUG",
        QALX_BOT_WORKER_LOG_FILE_DIR=str(pyqalx.home / "logs"),
    )


def _queue_info(pyqalx: Pyqalx, guid: str) -> dict[str, Any]:
    """The queue entity's `info`, as `GET queue/{guid}` hands it to the user."""
    answer = httpx.get(
        f"{pyqalx.live.base_url}queue/{guid}",
        headers={"Authorization": f"Token {pyqalx.token}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    info: dict[str, Any] = answer.json()["info"]
    return info


def _assert_empty(pyqalx: Pyqalx, queue_guid: str) -> None:
    info = _queue_info(pyqalx, queue_guid)
    sqs = client_from_info(info)
    attributes = sqs.get_queue_attributes(
        QueueUrl=info["queue_url"],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert attributes == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
    }
    assert "Messages" not in sqs.receive_message(QueueUrl=info["queue_url"], WaitTimeSeconds=0)


def _key(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True)


def _ops(out: dict[str, Any], op: str) -> list[dict[str, Any]]:
    return [call for call in out["calls"] if call["op"] == op]


def test_add_to_queue_sends_pyqalx_message_bodies(pyqalx: Pyqalx) -> None:
    out = pyqalx.run("queue_send.py", "compat-send", env=_queue_env(pyqalx))

    assert out["queue_guid_is_uuid"] is True
    # 25 items go in chunks of 10; everything else is one batch each; the broker takes all.
    assert out["sent"] == {
        "items": [
            {"successful": 10, "failed": 0},
            {"successful": 10, "failed": 0},
            {"successful": 5, "failed": 0},
        ],
        "item_guid_extra": [{"successful": 1, "failed": 0}],
        "set": [{"successful": 1, "failed": 0}],
        "set_children": [{"successful": 3, "failed": 0}],
        "group": [{"successful": 1, "failed": 0}],
        "group_children": [{"successful": 2, "failed": 0}],
    }
    assert out["refused_str_guid"].startswith("Expected one of ")  # a str guid: nothing sent

    info = _queue_info(pyqalx, out["queue_guid"])
    assert info["queue_url"] == out["queue_url"]
    sqs = client_from_info(info)
    bodies: list[dict[str, Any]] = []
    groups: set[str] = set()
    while True:
        got = sqs.receive_message(
            QueueUrl=info["queue_url"],
            MaxNumberOfMessages=10,
            WaitTimeSeconds=0,
            MessageSystemAttributeNames=["MessageGroupId", "MessageDeduplicationId"],
        ).get("Messages", [])
        if not got:
            break
        for message in got:
            bodies.append(json.loads(message["Body"]))
            attributes = message["Attributes"]
            uuid.UUID(attributes["MessageGroupId"])
            uuid.UUID(attributes["MessageDeduplicationId"])
            groups.add(attributes["MessageGroupId"])
    expected = out["expected"]
    assert len(expected) == 33
    assert sorted(map(_key, bodies)) == sorted(map(_key, expected))
    assert len(groups) == len(bodies)  # a fresh MessageGroupId per message


def test_bot_receives_heartbeats_and_deletes(pyqalx: Pyqalx) -> None:
    out = pyqalx.run("queue_bot.py", "heartbeat", "compat-hb", env=_bot_env(pyqalx))
    jobs = out["jobs"]

    # Every queued entity reached the step, fetched by the type and guid in its message.
    assert sorted(_key(job["body"]) for job in jobs) == sorted(map(_key, out["queued"]))
    for job in jobs:
        assert (job["entity_type"], job["entity_guid"]) == (
            job["body"]["entity_type"],
            job["body"]["entity_guid"],
        )
        assert job["visibility"] == VISIBILITY

    first = jobs[0]
    assert first["finished"] - first["started"] > VISIBILITY  # outlived the first visibility
    assert first["heartbeat_alive"] is True
    # A second receiver, polling after the receive's visibility ran out, sees the others but
    # not the message the heartbeat keeps in flight.
    assert first["body"] not in first["other_receiver_saw"]
    assert len(first["other_receiver_saw"]) == len(jobs) - 1

    receives = [r for r in _ops(out, "ReceiveMessage") if r["received"]]
    assert all(r["visibility"] == VISIBILITY and r["status"] == 200 for r in receives)
    assert sum(len(r["received"]) for r in receives) == len(jobs)  # nothing re-delivered
    beats = [c for c in _ops(out, "ChangeMessageVisibility") if c["receipt"] == first["receipt"]]
    assert [c["status"] for c in beats[:2]] == [200, 200]
    assert [c["visibility"] for c in beats[:2]] == [2 * VISIBILITY, 3 * VISIBILITY]
    assert all(c["thread"] == "hb" for c in beats)
    assert not [c for c in _ops(out, "ChangeMessageVisibility") if c["status"] != 200]

    deletes = _ops(out, "DeleteMessage")
    assert sorted(c["receipt"] for c in deletes) == sorted(job["receipt"] for job in jobs)
    assert all(c["status"] == 200 for c in deletes)
    assert "Traceback" not in out["worker_log"]
    assert "[72593]" in out["worker_log"]  # the worker ended on KILL_AFTER, as configured
    _assert_empty(pyqalx, out["queue_guid"])


def test_heartbeat_stops_once_its_message_is_gone(pyqalx: Pyqalx) -> None:
    done = pyqalx.run_raw("queue_bot.py", "external_delete", "compat-gone", env=_bot_env(pyqalx))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Exception in thread" not in done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    (job,) = out["jobs"]

    assert job["heartbeat_alive"] is False  # the heartbeat thread ended on its own
    assert job["heartbeat_ended_at"] - job["deleted_at"] < VISIBILITY + 1
    beats = [c for c in _ops(out, "ChangeMessageVisibility") if c["receipt"] == job["receipt"]]
    # As SQS answers for a deleted message; pyqalx looks for "Message does not exist" in it.
    assert [(c["status"], c["code"]) for c in beats] == [(400, "InvalidParameterValue")]
    assert beats[0]["message"].endswith(
        "for parameter ReceiptHandle is invalid. Reason: "
        "Message does not exist or is not available for visibility timeout change."
    )
    assert "Message does not exist" in out["worker_log"]
    assert "Traceback" not in out["worker_log"]
    # pyqalx still deletes the message it processed: a no-op on a message already gone.
    assert [(c["receipt"], c["status"]) for c in _ops(out, "DeleteMessage")] == [
        (job["receipt"], 200)
    ]
    _assert_empty(pyqalx, out["queue_guid"])


# -- credential refresh ------------------------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def short_lived(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A server whose broker credentials live SHORT_LIFETIME seconds."""
    data_dir: Path = tmp_path_factory.mktemp(f"compat-short-{request.param}")
    with live_server(request.param, data_dir, broker_credential_lifetime=SHORT_LIFETIME) as server:
        yield server


def test_bot_keeps_working_across_a_credential_refresh(
    pyqalx_python: Path, short_lived: LiveServer, tmp_path: Path
) -> None:
    pyqalx = make_pyqalx(pyqalx_python, short_lived, tmp_path / "home")
    out = pyqalx.run("queue_bot.py", "refresh", "compat-refresh", env=_bot_env(pyqalx))
    (job,) = out["jobs"]
    received_with = job["received_with"]
    assert job["finished"] > received_with["expiration"]  # the step outlived them

    receives = [r for r in _ops(out, "ReceiveMessage") if r["received"]]
    assert [r["akid"] for r in receives] == [received_with["akid"]]
    (delete,) = _ops(out, "DeleteMessage")
    # The worker reloaded the queue (GET queue/{guid}) and deleted with fresh credentials.
    assert delete["status"] == 200
    assert delete["t"] > received_with["expiration"]
    assert delete["akid"] != received_with["akid"]
    later = [c for c in out["calls"] if c["t"] > delete["t"] and c["thread"] == "main"]
    assert later and all(c["status"] == 200 for c in later)  # the empty poll before exiting
    assert len({c["akid"] for c in out["calls"]}) >= 3
    assert "refreshing security credentials for queue `compat-refresh`" in out["worker_log"]
    assert "Traceback" not in out["worker_log"]

    # pyqalx 0.19.2 limitation: a QueueMessage keeps the queue (and so the credentials) it
    # was received through, so its heartbeat is not refreshed: once those expire, every
    # ChangeMessageVisibility fails (ExpiredToken) and is retried each second until the
    # delete stops it. The message stays in flight only as long as the last good beat set.
    beats = _ops(out, "ChangeMessageVisibility")
    expires = received_with["expiration"]
    assert {c["akid"] for c in beats} == {received_with["akid"]}
    before = [c["status"] for c in beats if c["t"] < expires]
    after = [(c["status"], c["code"]) for c in beats if c["sent"] > expires]
    assert before and set(before) == {200}
    assert after and set(after) == {(403, "ExpiredToken")}
    _assert_empty(pyqalx, out["queue_guid"])
