"""Dead letters: redrive after maxReceiveCount, inspection and replay."""

from __future__ import annotations

import uuid

import pytest
from mypy_boto3_sqs import SQSClient

from qalx_server.broker import (
    broker_queue_name,
    dead_letter_name,
    list_dead_letters,
    queue_stats,
    replay_dead_letters,
)

from .conftest import BuiltinTarget, SqsTarget, Tenant
from .helpers import depth, receive, send


def _exhaust(sqs: SQSClient, url: str, times: int) -> None:
    """Receive everything `times` times without deleting (visibility 0: back at once)."""
    for _ in range(times):
        assert receive(sqs, url, VisibilityTimeout=0)


def test_redrive_after_max_receive_count(target: SqsTarget) -> None:
    sqs = target.sqs
    name = f"dl-{uuid.uuid4().hex[:6]}"
    url = target.queue(name, max_receive_count=2)
    companion = target.dead_letter_url(url)
    message_id = send(sqs, url, "poison")
    first = receive(sqs, url, VisibilityTimeout=0)[0]["Attributes"]
    second = receive(sqs, url, VisibilityTimeout=0)[0]["Attributes"]
    assert second["ApproximateReceiveCount"] == "2"
    # The third delivery would exceed maxReceiveCount: the message moves to the companion.
    assert receive(sqs, url) == []
    assert depth(sqs, url) == (0, 0)
    assert depth(sqs, companion) == (1, 0)

    if isinstance(target, BuiltinTarget):  # the broker's own view of its dead letters
        tenant = target.tenant
        assert url.rsplit("/", 1)[1] == broker_queue_name(name)
        assert companion == url.rsplit("/", 1)[0] + "/" + dead_letter_name(broker_queue_name(name))
        with tenant.live.db.read() as conn:
            (letter,) = list_dead_letters(conn, tenant.company_id, name)
            stats = queue_stats(conn, tenant.company_id, name)
        assert letter.message_id == message_id
        assert letter.body == "poison"
        assert letter.receive_count == 2
        assert letter.first_received is not None and letter.sent is not None
        first_ms = int(first["ApproximateFirstReceiveTimestamp"])
        assert int(letter.first_received.timestamp() * 1000) == first_ms
        assert int(letter.sent.timestamp() * 1000) == int(first["SentTimestamp"])
        assert stats.dead_letters == 1 and stats.depth == 0

    # The companion is an ordinary queue to boto3.
    (dead,) = receive(sqs, companion, VisibilityTimeout=0)
    assert dead["MessageId"] == message_id
    assert dead["Body"] == "poison"
    assert dead["Attributes"]["ApproximateReceiveCount"] == "3"


@pytest.mark.moto_differs("moto gives a dead letter no DeadLetterQueueSourceArn attribute")
def test_a_dead_letter_says_where_it_came_from(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue(max_receive_count=1)
    send(sqs, url, "poison")
    assert receive(sqs, url, VisibilityTimeout=0)
    assert receive(sqs, url) == []
    (dead,) = receive(sqs, target.dead_letter_url(url), VisibilityTimeout=0)
    assert dead["Attributes"]["DeadLetterQueueSourceArn"].endswith(":" + url.rsplit("/", 1)[1])


def test_replay_one_a_filtered_set_or_all(tenant: Tenant, sqs: SQSClient) -> None:
    name = f"rp-{uuid.uuid4().hex[:6]}"
    url = tenant.queue(name, max_receive_count=1)
    ids = [send(sqs, url, f"job {n}") for n in range(5)]
    _exhaust(sqs, url, 1)
    assert receive(sqs, url) == []  # all five dead-lettered on the next delivery

    def replay(**selection: object) -> list[str]:
        with tenant.live.db.write() as conn:
            return replay_dead_letters(conn, tenant.company_id, name, **selection)  # type: ignore[arg-type]

    def letters() -> list[str]:
        with tenant.live.db.read() as conn:
            return [d.message_id for d in list_dead_letters(conn, tenant.company_id, name)]

    assert sorted(letters()) == sorted(ids)
    assert replay(message_ids=[ids[0]]) == [ids[0]]
    assert replay(where=lambda letter: letter.body in {"job 1", "job 2"}) == ids[1:3]
    assert sorted(letters()) == sorted(ids[3:])
    replayed = receive(sqs, url, VisibilityTimeout=0)
    assert sorted(m["MessageId"] for m in replayed) == sorted(ids[:3])
    # A replayed message starts counting again.
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in replayed} == {"1"}
    assert sorted(replay(everything=True)) == sorted(ids[3:])
    assert letters() == []
    with tenant.live.db.read() as conn:
        assert queue_stats(conn, tenant.company_id, name).dead_letters == 0
