"""The whole server in Amazon SQS mode, against moto over HTTP: queue entities create real SQS
FIFO queues with a redrive policy, hand out STS credentials, and dead letters are listed and
replayed through the API and the operator CLI."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from qalx.cli import main
from qalx_server.app import create_app
from qalx_server.auth.admin import create_user
from qalx_server.settings import Settings
from tests.support.live import serve
from tests.support.moto import REGION, Aws
from tests.support.queues import client_from_info


@pytest.fixture
def server(aws: Aws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    # The server's own AWS identity comes from the standard chain, as in production.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", aws.server_keys[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", aws.server_keys[1])
    settings = Settings(
        data_dir=tmp_path / "data",
        queues="sqs",
        sqs_region=REGION,
        sqs_endpoint_url=aws.endpoint,
        sts_endpoint_url=aws.endpoint,
        sqs_role_arn=aws.role_arn,
        validate_responses=True,
    )
    app = create_app(settings)
    app.state.qalx.db.migrate()
    token = create_user(app.state.qalx.db, "acme", "ops@acme.test").token
    with serve(app) as base:
        yield base, token
    app.state.qalx.close()


def _queue(base: str, token: str, **parameters: int) -> dict[str, Any]:
    body = {"name": "jobs", "parameters": {"VisibilityTimeout": 30, **parameters}}
    answer = httpx.post(base + "queue", json=body, headers={"Authorization": f"Token {token}"})
    assert answer.status_code == 201, answer.text
    doc: dict[str, Any] = answer.json()
    return doc


def test_queue_entities_are_real_sqs_fifo_queues(server: tuple[str, str], aws: Aws) -> None:
    base, token = server
    info = _queue(base, token, maxReceiveCount=3)["info"]
    assert info["endpoint_url"] == aws.endpoint and info["region"] == REGION
    attributes = aws.sqs.get_queue_attributes(QueueUrl=info["queue_url"], AttributeNames=["All"])
    assert attributes["Attributes"]["FifoQueue"] == "true"
    assert json.loads(attributes["Attributes"]["RedrivePolicy"])["maxReceiveCount"] == 3

    sqs = client_from_info(info)
    sqs.send_message(
        QueueUrl=info["queue_url"],
        MessageBody=json.dumps({"entity_type": "item", "entity_guid": "x"}),
        MessageGroupId=str(uuid.uuid4()),
        MessageDeduplicationId=str(uuid.uuid4()),
    )
    (message,) = sqs.receive_message(QueueUrl=info["queue_url"], WaitTimeSeconds=1)["Messages"]
    sqs.delete_message(QueueUrl=info["queue_url"], ReceiptHandle=message["ReceiptHandle"])


def test_dead_letters_redrive_and_replay_by_cli(
    server: tuple[str, str], aws: Aws, tmp_path: Path
) -> None:
    base, token = server
    created = _queue(base, token, maxReceiveCount=1)
    info = created["info"]
    sqs = client_from_info(info)
    entity = str(uuid.uuid4())
    sqs.send_message(
        QueueUrl=info["queue_url"],
        MessageBody=json.dumps({"entity_type": "item", "entity_guid": entity}),
        MessageGroupId=str(uuid.uuid4()),
        MessageDeduplicationId=str(uuid.uuid4()),
    )
    (failed,) = sqs.receive_message(QueueUrl=info["queue_url"], VisibilityTimeout=0)["Messages"]
    headers = {"Authorization": f"Token {token}"}
    guid = uuid.UUID(created["guid"]["$uuid"])
    # A worker records why the job failed, keyed by the message id SQS keeps on redrive.
    failure = {"message_id": failed["MessageId"], "error": "RuntimeError: boom", "step": "Process"}
    recorded = httpx.post(f"{base}queue/{guid}/failures", json=failure, headers=headers)
    assert recorded.status_code == 204, recorded.text
    # The receive after the count is exceeded moves it to the companion (SQS's redrive).
    assert "Messages" not in sqs.receive_message(QueueUrl=info["queue_url"])

    stats = httpx.get(f"{base}queue/{guid}/stats", headers=headers).json()
    assert stats["dead_letters"] == 1 and stats["depth"] == 0

    env = {"HOME": str(tmp_path), "QALX_USER_BASE_URL": base, "QALX_USER_TOKEN": token}
    env["COLUMNS"] = "250"
    listed = CliRunner().invoke(main, ["queue", "dead-letters", "jobs"], env=env)
    assert listed.exit_code == 0 and entity in listed.output
    assert "RuntimeError: boom (Process, " in listed.output, listed.output
    replayed = CliRunner().invoke(main, ["queue", "replay", "jobs", entity], env=env)
    assert replayed.exit_code == 0 and "replayed 1 message(s)" in replayed.output
    (back,) = sqs.receive_message(
        QueueUrl=info["queue_url"], WaitTimeSeconds=1, VisibilityTimeout=0
    )["Messages"]
    assert json.loads(back["Body"])["entity_guid"] == entity
    # Dead-lettered again after the replay: no failure recorded since, so none shown.
    assert "Messages" not in sqs.receive_message(QueueUrl=info["queue_url"])
    (again,) = httpx.get(f"{base}queue/{guid}/dead-letters", headers=headers).json()["data"]
    assert again["failures"] == 0 and "last_failure" not in again


def test_deleting_the_entity_deletes_the_queues(server: tuple[str, str], aws: Aws) -> None:
    base, token = server
    created = _queue(base, token)
    names_before = aws.sqs.list_queues().get("QueueUrls", [])
    assert len(names_before) == 2  # the queue and its dead-letter companion
    guid = uuid.UUID(created["guid"]["$uuid"])
    deleted = httpx.delete(f"{base}queue/{guid}", headers={"Authorization": f"Token {token}"})
    assert deleted.status_code == 204
    assert aws.sqs.list_queues().get("QueueUrls", []) == []


def test_a_queue_deleted_behind_the_servers_back_is_404(server: tuple[str, str], aws: Aws) -> None:
    base, token = server
    created = _queue(base, token)
    for url in aws.sqs.list_queues().get("QueueUrls", []):
        aws.sqs.delete_queue(QueueUrl=url)
    guid = uuid.UUID(created["guid"]["$uuid"])
    answer = httpx.get(f"{base}queue/{guid}/stats", headers={"Authorization": f"Token {token}"})
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found" and "jobs" in answer.json()["detail"]
