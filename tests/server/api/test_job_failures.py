"""Job failures recorded against queue messages, shown with their dead letters, dropped on
replay and with their queue (the built-in broker, on SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from qalx_api_client import AuthenticatedClient, models
from qalx_api_client.api.bot import create_bot
from qalx_api_client.api.queue import (
    archive_queue,
    list_dead_letters,
    record_job_failure,
    replay_dead_letters,
)
from qalx_server.store.tables import companies, queue_failures
from tests.support.queues import client_from_info, job_body, send_like_pyqalx

from .conftest import Tenant
from .helpers import error, ok, present, uuid_of
from .test_queues import _queue


def _bot(tenant: Tenant) -> tuple[AuthenticatedClient, str]:
    """A bot's own client, and its guid (32 hex)."""
    bot = ok(create_bot.sync_detailed(client=tenant.client, body=models.BotCreate(name="b")), 201)
    client = tenant.client_for(present(present(bot.info).credentials).token)
    return client, uuid_of(bot.guid).hex


def _receive(info: dict[str, Any]) -> dict[str, Any]:
    """One receive, released at once (as a failed job is), with its receive count."""
    got = client_from_info(info).receive_message(
        QueueUrl=info["queue_url"],
        VisibilityTimeout=0,
        WaitTimeSeconds=1,
        MessageSystemAttributeNames=["ApproximateReceiveCount"],
    )
    (message,) = got["Messages"]
    return dict(message)


def _record(client: AuthenticatedClient, queue: uuid.UUID, **body: Any) -> int:
    response = record_job_failure.sync_detailed(
        queue, client=client, body=models.JobFailure.from_dict(body)
    )
    return response.status_code


def _letters(tenant: Tenant, queue: uuid.UUID) -> list[dict[str, Any]]:
    page = ok(list_dead_letters.sync_detailed(queue, client=tenant.client))
    return [letter.to_dict() for letter in page.data]


def _dead_letter_everything(info: dict[str, Any]) -> None:
    """The poll after the last allowed receive moves the messages (as SQS does)."""
    assert "Messages" not in client_from_info(info).receive_message(
        QueueUrl=info["queue_url"], WaitTimeSeconds=0
    )


def test_the_dead_letter_listing_shows_the_recorded_failures(tenant: Tenant) -> None:
    created = _queue(tenant, "jobs", maxReceiveCount=2)
    info, guid = created["info"], uuid.UUID(hex=created["guid"]["$uuid"])
    as_bot, bot_guid = _bot(tenant)
    worker, entity = uuid.uuid4(), uuid.uuid4()
    untold = str(uuid.uuid4())  # its job fails without telling anyone
    send_like_pyqalx(client_from_info(info), info["queue_url"], job_body(str(entity)))
    send_like_pyqalx(client_from_info(info), info["queue_url"], job_body(untold))
    recorded = []
    for _ in range(4):  # each received twice (maxReceiveCount=2), one failure told of
        message = _receive(info)
        if f'"{entity}"' not in message["Body"]:
            continue
        attempt = int(message["Attributes"]["ApproximateReceiveCount"])
        recorded.append(attempt)
        status = _record(
            as_bot,
            guid,
            message_id=message["MessageId"],
            error=f"RuntimeError: attempt {attempt}",
            step="Process",
            attempt=attempt,
            entity_type="item",
            entity_guid={"$uuid": entity.hex},
            bot={"$uuid": uuid.uuid4().hex},  # a bot token records as itself
            worker={"$uuid": worker.hex},
        )
        assert status == 204
    assert recorded == [1, 2]
    _dead_letter_everything(info)

    letters = {letter["message_id"]: letter for letter in _letters(tenant, guid)}
    assert len(letters) == 2
    (failed,) = [v for v in letters.values() if "last_failure" in v]
    assert failed["failures"] == 2 and failed["receive_count"] == 2
    last = failed["last_failure"]
    assert last["error"] == "RuntimeError: attempt 2"
    assert (last["step"], last["attempt"], last["entity_type"]) == ("Process", 2, "item")
    assert last["entity_guid"] == {"$uuid": entity.hex}
    assert last["bot"] == {"$uuid": bot_guid} and last["worker"] == {"$uuid": worker.hex}
    assert last["at"]["$zone"] == "UTC"
    (silent,) = [v for v in letters.values() if "last_failure" not in v]
    assert silent["failures"] == 0


def test_replay_drops_the_failures_and_the_next_ones_count_afresh(tenant: Tenant) -> None:
    created = _queue(tenant, "jobs", maxReceiveCount=1)
    info, guid = created["info"], uuid.UUID(hex=created["guid"]["$uuid"])
    send_like_pyqalx(client_from_info(info), info["queue_url"], job_body(str(uuid.uuid4())))
    message = _receive(info)
    assert _record(tenant.client, guid, message_id=message["MessageId"], error="E: one") == 204
    _dead_letter_everything(info)
    (letter,) = _letters(tenant, guid)
    assert letter["failures"] == 1 and letter["last_failure"]["error"] == "E: one"
    assert "step" not in letter["last_failure"]  # not sent, so absent

    ok(replay_dead_letters.sync_detailed(guid, client=tenant.client, body=models.Replay(all_=True)))
    again = _receive(info)
    assert again["MessageId"] == message["MessageId"]  # the built-in broker keeps the id
    _dead_letter_everything(info)
    (letter,) = _letters(tenant, guid)
    assert letter["failures"] == 0 and "last_failure" not in letter


def test_records_expire_and_go_with_their_queue(tenant: Tenant) -> None:
    created = _queue(tenant, "jobs")
    guid = uuid.UUID(hex=created["guid"]["$uuid"])
    db = tenant.live.server.db
    company = sa.select(companies.c.id).where(companies.c.name == tenant.company)
    mine = queue_failures.c.company_id == company.scalar_subquery()
    assert _record(tenant.client, guid, message_id="m-1", error="E: old") == 204
    with db.write() as conn:  # as if 14 days went by
        conn.execute(queue_failures.update().where(mine).values(expires_ms=0))
    assert _record(tenant.client, guid, message_id="m-1", error="E: new") == 204
    with db.read() as conn:
        (row,) = conn.execute(sa.select(queue_failures).where(mine)).all()
    assert (row.failures, row.error) == (1, "E: new")  # an expired record starts again

    ok(archive_queue.sync_detailed(guid, client=tenant.client))
    with db.read() as conn:
        assert conn.execute(sa.select(queue_failures).where(mine)).all() == []


def test_bad_failure_records_are_refused(tenant: Tenant, other_tenant: Tenant) -> None:
    created = _queue(tenant, "jobs")
    guid = uuid.UUID(hex=created["guid"]["$uuid"])
    too_long = record_job_failure.sync_detailed(
        guid, client=tenant.client, body=models.JobFailure(message_id="m", error="x" * 4001)
    )
    assert "error" in error(too_long, 400).detail
    empty = record_job_failure.sync_detailed(
        guid, client=tenant.client, body=models.JobFailure(message_id="", error="E")
    )
    error(empty, 400)
    elsewhere = record_job_failure.sync_detailed(
        guid, client=other_tenant.client, body=models.JobFailure(message_id="m", error="E")
    )
    error(elsewhere, 404)  # another company's queue is answered like a missing one
    missing = record_job_failure.sync_detailed(
        uuid.uuid4(), client=tenant.client, body=models.JobFailure(message_id="m", error="E")
    )
    error(missing, 404)
