"""`qalx queue list|show|dead-letters|replay` against the live server, configured as a user
would configure it (QALX_USER_* environment, no ~/.qalx)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from qalx.cli import main
from tests.support.queues import client_from_info, job_body, send_like_pyqalx

from .conftest import Tenant
from .test_queues import _queue


def qalx(tenant: Tenant, tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {
        "HOME": str(tmp_path),
        "QALX_USER_BASE_URL": tenant.live.base_url,
        "QALX_USER_TOKEN": tenant.token,
        "COLUMNS": "250",
    }
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def _fail_twice(info: dict[str, Any], entity: str) -> None:
    sqs = client_from_info(info)
    send_like_pyqalx(sqs, info["queue_url"], job_body(entity))
    for _ in range(2):  # maxReceiveCount=2: received twice, never deleted
        got = sqs.receive_message(
            QueueUrl=info["queue_url"], VisibilityTimeout=0, WaitTimeSeconds=1
        )
        assert len(got["Messages"]) == 1


def test_operator_finds_and_replays_dead_letters(tenant: Tenant, tmp_path: Path) -> None:
    info = _queue(tenant, "jobs", maxReceiveCount=2)["info"]
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    _fail_twice(info, first)
    _fail_twice(info, second)
    # The next poll is what moves them (as in SQS: on the receive that would exceed the count).
    assert "Messages" not in client_from_info(info).receive_message(
        QueueUrl=info["queue_url"], WaitTimeSeconds=0
    )

    code, out = qalx(tenant, tmp_path, "queue", "list")
    assert code == 0, out
    row = next(line for line in out.splitlines() if "jobs" in line)
    cells = [cell.strip() for cell in row.split("│")]
    assert cells[3:6] == ["0", "0", "2"]  # depth, in flight, dead letters

    code, out = qalx(tenant, tmp_path, "queue", "show", "jobs")
    assert code == 0 and "max receive count" in out and info["queue_url"] in out

    code, out = qalx(tenant, tmp_path, "queue", "dead-letters", "jobs")
    assert code == 0 and first in out and second in out and "2 dead letter(s)" in out

    # One, chosen by the guid of the entity it carries; then the rest.
    code, out = qalx(tenant, tmp_path, "queue", "replay", "jobs", first)
    assert code == 0 and "replayed 1 message(s)" in out
    received = client_from_info(info).receive_message(QueueUrl=info["queue_url"], WaitTimeSeconds=1)
    assert json.loads(received["Messages"][0]["Body"])["entity_guid"] == first
    code, out = qalx(tenant, tmp_path, "queue", "replay", "jobs", "--all")
    assert code == 0 and "replayed 1 message(s)" in out
    code, out = qalx(tenant, tmp_path, "queue", "dead-letters", "jobs")
    assert "0 dead letter(s)" in out


def test_cli_errors_are_clear(tenant: Tenant, tmp_path: Path) -> None:
    _queue(tenant, "jobs")
    code, out = qalx(tenant, tmp_path, "queue", "show", "nope")
    assert code != 0 and "no queue named 'nope'" in out
    code, out = qalx(tenant, tmp_path, "queue", "replay", "jobs")
    assert code != 0 and "--all" in out
    code, out = qalx(tenant, tmp_path, "queue", "replay", "jobs", "unknown-id")
    assert code != 0 and "matches unknown-id" in out
    code, out = qalx(tenant, tmp_path, "queue", "list", "--profile", "elsewhere")
    assert code != 0 and "no config file" in out
