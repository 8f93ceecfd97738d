"""Queue entities hand out SQS access to the built-in broker; operators see and repair it."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from botocore.exceptions import ClientError

from qalx_api_client import models
from qalx_api_client.api.bot import create_bot, delete_bot
from qalx_api_client.api.queue import (
    archive_queue,
    create_queue,
    delete_queue,
    get_queue,
    get_queue_stats,
    list_dead_letters,
    list_queues,
    replay_dead_letters,
    update_queue,
)
from qalx_server.store.tables import broker_credentials
from tests.support.queues import client_from_info, job_body, send_like_pyqalx

from .conftest import Tenant
from .helpers import doc, error, ok, present, query, uuid_of


def _queue(tenant: Tenant, name: str = "beams", **parameters: int) -> dict[str, Any]:
    body = {
        "name": name,
        "meta": {},
        "tags": [],
        "parameters": {"VisibilityTimeout": 30, **parameters},
    }
    created = ok(
        create_queue.sync_detailed(client=tenant.client, body=models.QueueCreate.from_dict(body)),
        201,
    )
    return doc(created)


def test_every_queue_answer_carries_working_sqs_access(tenant: Tenant) -> None:
    created = _queue(tenant)
    info = created["info"]
    assert info["queue_url"].endswith(".fifo")
    assert info["credentials"]["EXPIRATION"]["$zone"] == "UTC"
    assert info["endpoint_url"] == tenant.live.base_url + "sqs"
    sqs = client_from_info(info)
    guid = str(uuid.uuid4())
    send_like_pyqalx(sqs, info["queue_url"], job_body(guid))
    received = sqs.receive_message(QueueUrl=info["queue_url"], WaitTimeSeconds=1)["Messages"]
    assert json.loads(received[0]["Body"]) == {"entity_type": "item", "entity_guid": guid}
    sqs.delete_message(QueueUrl=info["queue_url"], ReceiptHandle=received[0]["ReceiptHandle"])

    # get_by_name (a list) and GET both carry access too; GET issues fresh credentials.
    listed = ok(
        list_queues.sync_detailed(client=tenant.client, query=query({"name": "beams"}), limit=2)
    )
    assert doc(listed.data[0])["info"]["queue_url"] == info["queue_url"]
    fetched = doc(
        ok(get_queue.sync_detailed(uuid.UUID(created["guid"]["$uuid"]), client=tenant.client))
    )
    fresh = fetched["info"]["credentials"]
    assert fresh["ACCESS_KEY_ID"] != info["credentials"]["ACCESS_KEY_ID"]
    attributes = client_from_info(fetched["info"]).get_queue_attributes(
        QueueUrl=info["queue_url"], AttributeNames=["All"]
    )
    assert attributes["Attributes"]["VisibilityTimeout"] == "30"


def test_a_page_of_queues_issues_one_set_of_credentials_that_reaches_each(
    tenant: Tenant,
) -> None:
    names = [f"page-{n}" for n in range(5)]
    for name in names:
        _queue(tenant, name)
    with tenant.live.server.db.read() as conn:
        before = conn.execute(
            sa.select(sa.func.count()).select_from(broker_credentials)
        ).scalar_one()
    listed = ok(
        list_queues.sync_detailed(
            client=tenant.client, query=query({"name": {"$in": names}}), limit=10
        )
    )
    with tenant.live.server.db.read() as conn:
        after = conn.execute(
            sa.select(sa.func.count()).select_from(broker_credentials)
        ).scalar_one()
    assert after == before + 1
    infos = [doc(queue)["info"] for queue in listed.data]
    assert len(infos) == len(names)
    assert len({info["credentials"]["ACCESS_KEY_ID"] for info in infos}) == 1
    for info in infos:  # each queue is reached with the page's credentials
        guid = str(uuid.uuid4())
        send_like_pyqalx(client_from_info(info), info["queue_url"], job_body(guid))
        got = client_from_info(info).receive_message(QueueUrl=info["queue_url"], WaitTimeSeconds=1)
        assert json.loads(got["Messages"][0]["Body"])["entity_guid"] == guid


def test_bot_tokens_get_credentials_that_die_with_the_bot(tenant: Tenant) -> None:
    created = _queue(tenant)
    bot = ok(create_bot.sync_detailed(client=tenant.client, body=models.BotCreate(name="b")), 201)
    as_bot = tenant.client_for(present(present(bot.info).credentials).token)
    info = doc(ok(get_queue.sync_detailed(uuid.UUID(created["guid"]["$uuid"]), client=as_bot)))[
        "info"
    ]
    sqs = client_from_info(info)
    sqs.get_queue_attributes(QueueUrl=info["queue_url"], AttributeNames=["VisibilityTimeout"])

    assert delete_bot.sync_detailed(uuid_of(bot.guid), client=tenant.client).status_code == 204
    with pytest.raises(ClientError):
        sqs.get_queue_attributes(QueueUrl=info["queue_url"], AttributeNames=["VisibilityTimeout"])


def test_credentials_only_reach_their_own_companys_queues(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    mine = _queue(tenant)["info"]
    theirs = _queue(other_tenant)["info"]
    with pytest.raises(ClientError) as refused:
        client_from_info(theirs).receive_message(QueueUrl=mine["queue_url"])
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 403)


def test_rename_is_refused_and_parameters_reach_the_broker(tenant: Tenant) -> None:
    created = _queue(tenant)
    guid = uuid.UUID(created["guid"]["$uuid"])
    rename = models.QueueUpdate.from_dict({"name": "other"})
    assert (
        "renamed"
        in error(update_queue.sync_detailed(guid, client=tenant.client, body=rename), 400).detail
    )
    slower = models.QueueUpdate.from_dict({"parameters": {"VisibilityTimeout": 90}})
    info = doc(ok(update_queue.sync_detailed(guid, client=tenant.client, body=slower)))["info"]
    found = client_from_info(info).get_queue_attributes(
        QueueUrl=info["queue_url"], AttributeNames=["VisibilityTimeout"]
    )
    assert found["Attributes"]["VisibilityTimeout"] == "90"


@pytest.mark.parametrize("remove", ["archive", "delete"])
def test_archiving_or_deleting_a_queue_removes_its_messages(tenant: Tenant, remove: str) -> None:
    created = _queue(tenant)
    info = created["info"]
    sqs = client_from_info(info)
    send_like_pyqalx(sqs, info["queue_url"], job_body(str(uuid.uuid4())))
    guid = uuid.UUID(created["guid"]["$uuid"])
    if remove == "archive":
        ok(archive_queue.sync_detailed(guid, client=tenant.client))
    else:
        assert delete_queue.sync_detailed(guid, client=tenant.client).status_code == 204
    with pytest.raises(ClientError) as gone:
        sqs.receive_message(QueueUrl=info["queue_url"])
    assert gone.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    # A new queue of the same name starts empty.
    if remove == "delete":
        again = _queue(tenant)["info"]
        assert "Messages" not in client_from_info(again).receive_message(
            QueueUrl=again["queue_url"]
        )


def test_an_archived_queues_name_serves_a_new_queue(tenant: Tenant) -> None:
    old = _queue(tenant)
    old_guid = uuid.UUID(old["guid"]["$uuid"])
    ok(archive_queue.sync_detailed(old_guid, client=tenant.client))
    new = _queue(tenant)["info"]
    sqs = client_from_info(new)
    entity = str(uuid.uuid4())
    send_like_pyqalx(sqs, new["queue_url"], job_body(entity))
    # Deleting the archived queue leaves the new one of the same name alone.
    assert delete_queue.sync_detailed(old_guid, client=tenant.client).status_code == 204
    got = sqs.receive_message(QueueUrl=new["queue_url"], WaitTimeSeconds=1)["Messages"]
    assert json.loads(got[0]["Body"])["entity_guid"] == entity


def test_dead_letters_are_listed_and_replayed(tenant: Tenant) -> None:
    created = _queue(tenant, maxReceiveCount=2)
    guid = uuid.UUID(created["guid"]["$uuid"])
    info = created["info"]
    sqs = client_from_info(info)
    entity = str(uuid.uuid4())
    send_like_pyqalx(sqs, info["queue_url"], job_body(entity))
    # A bot that keeps failing: receives and never deletes, the message reappearing each time.
    for _ in range(2):
        got = sqs.receive_message(
            QueueUrl=info["queue_url"], VisibilityTimeout=0, WaitTimeSeconds=1
        )
        assert len(got["Messages"]) == 1
    assert "Messages" not in sqs.receive_message(QueueUrl=info["queue_url"], WaitTimeSeconds=0)

    stats = ok(get_queue_stats.sync_detailed(guid, client=tenant.client))
    assert (stats.depth, stats.in_flight, stats.dead_letters) == (0, 0, 1)
    (letter,) = ok(list_dead_letters.sync_detailed(guid, client=tenant.client)).data
    assert json.loads(letter.body)["entity_guid"] == entity
    assert letter.receive_count == 2

    replay = models.Replay.from_dict({"message_ids": [letter.message_id]})
    assert ok(
        replay_dead_letters.sync_detailed(guid, client=tenant.client, body=replay)
    ).replayed == [letter.message_id]
    again = sqs.receive_message(QueueUrl=info["queue_url"], WaitTimeSeconds=1)["Messages"]
    assert json.loads(again[0]["Body"])["entity_guid"] == entity
    assert ok(get_queue_stats.sync_detailed(guid, client=tenant.client)).dead_letters == 0
    unknown = models.Replay.from_dict({"message_ids": ["no-such-message"]})
    assert (
        ok(replay_dead_letters.sync_detailed(guid, client=tenant.client, body=unknown)).replayed
        == []
    )


def test_operator_endpoints_are_company_scoped(tenant: Tenant, other_tenant: Tenant) -> None:
    guid = uuid.UUID(_queue(tenant)["guid"]["$uuid"])
    error(get_queue_stats.sync_detailed(guid, client=other_tenant.client), 404)
    error(list_dead_letters.sync_detailed(guid, client=other_tenant.client), 404)
    everything = models.Replay.from_dict({"all": True})
    error(replay_dead_letters.sync_detailed(guid, client=other_tenant.client, body=everything), 404)
