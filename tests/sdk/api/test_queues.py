"""Queues end to end: the queue adapter over the API, and messages over SQS to the server's
built-in broker (boto3 against `<server>/sqs`, with the credentials the queue entity carries).
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from qalx import Group, Item, QalxEntityNotFound, QalxSession, Queue, QueueMessage, Set
from qalx.errors import QalxError, QalxQueueError
from tests.sdk.api.conftest import make_company
from tests.support.servers import BACKENDS, LiveServer, live_server


# -- helpers -------------------------------------------------------------------------------
def receive_all(queue: Queue, count: int, timeout: float = 10.0) -> list[QueueMessage]:
    """Receive until `count` messages have arrived (deleting none), or fail."""
    got: list[QueueMessage] = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        got.extend(queue.get_messages(max_num_msg=10, visibility=30, waittime=1))
    assert len(got) == count, f"received {len(got)} of {count} messages"
    return got


def drain(queue: Queue, count: int) -> list[dict[str, Any]]:
    """The bodies of exactly `count` messages, deleted as they arrive; nothing more waits."""
    messages = receive_all(queue, count)
    for message in messages:
        queue.delete_message(message)
    assert_empty(queue)
    return [m.body for m in messages]


def assert_empty(queue: Queue) -> None:
    """Nothing is visible on the queue (a one-second long poll gets nothing)."""
    extra = queue.get_messages(max_num_msg=10, visibility=30, waittime=1)
    for message in extra:
        queue.delete_message(message)
    assert extra == [], [m.body for m in extra]


def wait_until(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def body(entity_type: str, guid: uuid.UUID | str, **extra: Any) -> dict[str, Any]:
    return {"entity_type": entity_type, "entity_guid": str(guid), **extra}


@pytest.fixture
def queue(session: QalxSession) -> Queue:
    return session.queue.add(f"jobs-{uuid.uuid4().hex[:8]}")


# -- the queue adapter ---------------------------------------------------------------------
def test_add_carries_broker_info(session: QalxSession, live: LiveServer) -> None:
    queue = session.queue.add("jobs", meta={"team": "fea"})
    assert isinstance(queue, Queue)
    assert queue.name == "jobs"
    assert queue.meta.team == "fea"
    assert queue["parameters"]["VisibilityTimeout"] == 30  # the user's MSG_BLACKOUTSECONDS
    info = queue.info
    assert info.endpoint_url.rstrip("/") == live.base_url + "sqs"
    assert info.queue_url.startswith(live.base_url + "sqs")
    assert info.region == "eu-west-2"
    credentials = info.credentials
    assert credentials.ACCESS_KEY_ID and credentials.SECRET_ACCESS_KEY
    assert credentials.SESSION_TOKEN
    assert isinstance(credentials.EXPIRATION, dt.datetime)
    assert credentials.EXPIRATION.tzinfo is not None
    expiration = credentials.EXPIRATION
    assert expiration > dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)


def test_add_takes_msg_blackoutseconds(
    make_session: Callable[..., QalxSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QALX_USER_MSG_BLACKOUTSECONDS", "45")
    queue = make_session().queue.add("slow-jobs")
    assert queue["parameters"]["VisibilityTimeout"] == 45


def test_get_by_name_and_find(session: QalxSession) -> None:
    first = session.queue.add("alpha")
    second = session.queue.add("beta")
    got = session.queue.get_by_name("alpha")
    assert isinstance(got, Queue)
    assert got.guid == first.guid
    assert got.info.queue_url == first.info.queue_url
    assert session.queue.get(second.guid).name == "beta"
    found = session.queue.find(sort="name")
    assert [q.guid for q in found] == [first.guid, second.guid]
    assert all(isinstance(q, Queue) for q in found)
    only = session.queue.find(query={"name": "beta"})
    assert [q.guid for q in only] == [second.guid]
    assert session.queue.find(query={"name": "beta"}, many=False).guid == second.guid
    with pytest.raises(QalxEntityNotFound):
        session.queue.get_by_name("gamma")


def test_get_or_create_creates_once(session: QalxSession) -> None:
    made = session.queue.get_or_create("work", meta={"owner": "me"})
    assert made.meta.owner == "me"
    again = session.queue.get_or_create("work", meta={"owner": "someone else"})
    assert again.guid == made.guid
    assert again.meta.owner == "me"
    assert len(session.queue.find(query={"name": "work"})) == 1


def test_get_or_create_passes_kwargs_when_creating(session: QalxSession) -> None:
    made = session.queue.get_or_create("tuned", parameters={"VisibilityTimeout": 90})
    assert made["parameters"]["VisibilityTimeout"] == 90


def test_get_or_create_after_archive_makes_a_new_queue(session: QalxSession) -> None:
    old = session.queue.get_or_create("recycled")
    session.queue.archive(old)
    with pytest.raises(QalxEntityNotFound):
        session.queue.get_by_name("recycled")
    new = session.queue.get_or_create("recycled")
    assert new.guid != old.guid
    Item.add_to_queue(uuid.uuid4(), new)
    assert len(drain(new, 1)) == 1


# -- add_to_queue --------------------------------------------------------------------------
def test_add_to_queue_entity_uuid_and_str(session: QalxSession, queue: Queue) -> None:
    item = session.item.add(data={"n": 1})
    response = Item.add_to_queue(item, queue)
    assert len(response.raw) == 1 and len(response.message_ids) == 1
    assert drain(queue, 1) == [body("item", item.guid)]
    Item.add_to_queue(item.guid, queue)
    assert drain(queue, 1) == [body("item", item.guid)]
    Item.add_to_queue(str(item.guid), queue)
    assert drain(queue, 1) == [body("item", item.guid)]


def test_add_to_queue_mixed_list_with_extras(session: QalxSession, queue: Queue) -> None:
    items = [session.item.add(data={"n": n}) for n in range(3)]
    response = Item.add_to_queue(
        [items[0], items[1].guid, str(items[2].guid)], queue, priority="high"
    )
    assert len(response.message_ids) == 3
    bodies = drain(queue, 3)
    assert sorted(bodies, key=lambda b: b["entity_guid"]) == sorted(
        (body("item", i.guid, priority="high") for i in items), key=lambda b: b["entity_guid"]
    )


def test_add_to_queue_25_in_three_batches(queue: Queue) -> None:
    guids = [uuid.uuid4() for _ in range(25)]
    response = Item.add_to_queue(guids, queue)
    assert len(response.raw) == 3  # 10 + 10 + 5
    assert [len(r["Successful"]) for r in response.raw] == [10, 10, 5]
    assert len(set(response.message_ids)) == 25
    got = {b["entity_guid"] for b in drain(queue, 25)}
    assert got == {str(g) for g in guids}


def test_set_and_group_add_to_queue(session: QalxSession, queue: Queue) -> None:
    items = {k: session.item.add(data={"k": k}) for k in "ab"}
    made = session.set.add(items=items)
    group = session.group.add(sets={"only": made})
    Set.add_to_queue(made, queue)
    assert drain(queue, 1) == [body("set", made.guid)]
    Group.add_to_queue([group.guid], queue)
    assert drain(queue, 1) == [body("group", group.guid)]


def test_set_children_queues_its_items(session: QalxSession, queue: Queue) -> None:
    items = {k: session.item.add(data={"k": k}) for k in "abc"}
    made = session.set.get(session.set.add(items=items).guid)  # read back: unpacked
    Set.add_to_queue(made, queue, children=True)
    bodies = sorted(drain(queue, 3), key=lambda b: b["entity_guid"])
    expected = [body("item", i.guid, parent_set_guid=str(made.guid)) for i in items.values()]
    assert bodies == sorted(expected, key=lambda b: b["entity_guid"])


def test_group_children_queues_its_sets(session: QalxSession, queue: Queue) -> None:
    sets = {
        k: session.set.add(items={"x": session.item.add(data={"k": k})}) for k in ("one", "two")
    }
    group = session.group.get(session.group.add(sets=sets).guid)  # packed: guids
    Group.add_to_queue(group, queue, children=True)
    bodies = sorted(drain(queue, 2), key=lambda b: b["entity_guid"])
    expected = [body("set", s.guid, parent_group_guid=str(group.guid)) for s in sets.values()]
    assert bodies == sorted(expected, key=lambda b: b["entity_guid"])


@pytest.mark.parametrize(
    "case",
    [
        "wrong type",
        "dict",
        "set for item",
        "item in a list for set",
        "children on item",
        "children with a guid",
        "bad guid string",
        "bad guid at the end of a list",
    ],
)
def test_add_to_queue_refusals_send_nothing(session: QalxSession, queue: Queue, case: str) -> None:
    item = session.item.add(data={})
    made = session.set.add(items={"i": item})
    calls: dict[str, Callable[[], object]] = {
        "wrong type": lambda: Item.add_to_queue(42, queue),  # type: ignore[arg-type]
        "dict": lambda: Item.add_to_queue({"guid": str(item.guid)}, queue),
        "set for item": lambda: Item.add_to_queue(made, queue),
        "item in a list for set": lambda: Set.add_to_queue([made, item], queue),
        "children on item": lambda: Item.add_to_queue(item, queue, children=True),
        "children with a guid": lambda: Set.add_to_queue(made.guid, queue, children=True),
        "bad guid string": lambda: Item.add_to_queue("not-a-guid", queue),
        "bad guid at the end of a list": lambda: Item.add_to_queue(
            [*(uuid.uuid4() for _ in range(12)), "nope"], queue
        ),
    }
    with pytest.raises(QalxQueueError):
        calls[case]()
    assert_empty(queue)


# -- receiving -----------------------------------------------------------------------------
def test_get_messages_gives_queue_messages(session: QalxSession, queue: Queue) -> None:
    item = session.item.add(data={})
    Item.add_to_queue(item, queue, step="first")
    messages = queue.get_messages(max_num_msg=5, visibility=30, waittime=5)
    assert len(messages) == 1
    (message,) = messages
    assert isinstance(message, QueueMessage)
    assert message.body == body("item", item.guid, step="first")
    assert message.entity_type == "item"
    assert message.entity_guid == item.guid
    assert isinstance(message.entity_guid, uuid.UUID)
    assert (message.heartbeat_alive, message.deleted) == (True, False)
    queue.delete_message(message)
    assert (message.heartbeat_alive, message.deleted) == (False, True)
    queue.delete_message(message)  # a second delete does nothing
    assert_empty(queue)


def test_get_messages_respects_max_num_msg(queue: Queue) -> None:
    Item.add_to_queue([uuid.uuid4() for _ in range(4)], queue)
    first = queue.get_messages(max_num_msg=2, visibility=30, waittime=2)
    assert len(first) == 2
    for message in first:
        queue.delete_message(message)
    drain(queue, 2)


def test_empty_queue_waits_then_gives_nothing(queue: Queue) -> None:
    started = time.monotonic()
    assert queue.get_messages(max_num_msg=1, visibility=30, waittime=1) == []
    assert time.monotonic() - started >= 0.9


def test_heartbeat_keeps_message_in_flight_until_deleted(
    session: QalxSession, queue: Queue
) -> None:
    Item.add_to_queue(uuid.uuid4(), queue)
    (message,) = queue.get_messages(max_num_msg=1, visibility=2, waittime=5)
    other = session.queue.get(queue.guid)  # another consumer of the same queue
    try:
        started = time.monotonic()
        while time.monotonic() - started < 7:  # 3.5 times the visibility
            assert other.get_messages(max_num_msg=1, visibility=2, waittime=1) == []
            assert message.heartbeat_alive
        queue.delete_message(message)
        assert not message.heartbeat_alive
        assert message.deleted
        time.sleep(2.5)  # past the visibility: a message still there would be back
        assert other.get_messages(max_num_msg=1, visibility=2, waittime=1) == []
    finally:
        message.stop_heartbeat()


def test_without_heartbeat_message_comes_back(queue: Queue) -> None:
    """The control for the heartbeat test: with the heartbeat stopped the message returns."""
    guid = uuid.uuid4()
    Item.add_to_queue(guid, queue)
    (message,) = queue.get_messages(max_num_msg=1, visibility=2, waittime=5)
    message.stop_heartbeat()
    assert not message.heartbeat_alive
    assert queue.get_messages(max_num_msg=1, visibility=2, waittime=0) == []
    (again,) = queue.get_messages(max_num_msg=1, visibility=30, waittime=5)
    assert again.entity_guid == guid
    queue.delete_message(again)


def test_release_makes_message_visible_at_once(queue: Queue) -> None:
    guid = uuid.uuid4()
    Item.add_to_queue(guid, queue)
    (message,) = queue.get_messages(max_num_msg=1, visibility=60, waittime=5)
    message.release()
    assert not message.heartbeat_alive
    started = time.monotonic()
    (again,) = queue.get_messages(max_num_msg=1, visibility=60, waittime=5)
    assert time.monotonic() - started < 2
    assert again.entity_guid == guid
    assert again.receipt_handle != message.receipt_handle
    queue.delete_message(again)
    assert_empty(queue)


def test_heartbeat_stops_when_message_deleted_elsewhere(queue: Queue) -> None:
    Item.add_to_queue(uuid.uuid4(), queue)
    (message,) = queue.get_messages(max_num_msg=1, visibility=2, waittime=5)
    try:
        queue.broker_client.delete_message(
            QueueUrl=queue.queue_url, ReceiptHandle=message.receipt_handle
        )
        # the next beat (1 s) hears "Message does not exist" and ends the thread by itself
        assert wait_until(lambda: not message.heartbeat_alive, timeout=4)
        assert not message.deleted
    finally:
        message.stop_heartbeat()


def test_purge_empties_the_queue(queue: Queue) -> None:
    Item.add_to_queue([uuid.uuid4() for _ in range(5)], queue)
    queue.purge()
    assert_empty(queue)
    Item.add_to_queue(uuid.uuid4(), queue)  # the queue still works afterwards
    drain(queue, 1)


def test_stats_and_dead_letters_follow_a_batch(session: QalxSession) -> None:
    queue = session.queue.add(f"once-{uuid.uuid4().hex[:8]}", parameters={"maxReceiveCount": 1})
    guids = [uuid.uuid4() for _ in range(3)]
    Item.add_to_queue(guids, queue)
    first, second = [queue.get_messages(max_num_msg=1, visibility=30, waittime=1)[0] for _ in "ab"]
    session.queue.record_failure(queue, first, "ValueError: wall too thick", step="Process")
    first.release()
    stats = session.queue.stats(queue)
    assert (stats["depth"], stats["in_flight"], stats["dead_letters"]) == (2, 1, 0)
    assert stats["oldest_age_seconds"] is not None and stats["oldest_age_seconds"] >= 0
    assert session.queue.dead_letters(queue) == []
    # Received once already, the released one goes to the dead letters instead of out again.
    (third,) = queue.get_messages(max_num_msg=10, visibility=30, waittime=1)
    assert third.entity_guid not in (first.entity_guid, second.entity_guid)
    stats = session.queue.stats(queue)
    assert (stats["depth"], stats["in_flight"], stats["dead_letters"]) == (0, 2, 1)
    (letter,) = session.queue.dead_letters(str(queue.guid), limit=5)
    assert letter["message_id"] == first.message_id
    assert json.loads(letter["body"])["entity_guid"] == str(first.entity_guid)
    assert letter["receive_count"] == 1 and letter["failures"] == 1
    assert letter["last_failure"] is not None
    assert letter["last_failure"]["error"] == "ValueError: wall too thick"
    assert letter["last_failure"]["step"] == "Process"
    for message in (second, third):
        queue.delete_message(message)
    with pytest.raises(QalxError, match="limit must be an int"):
        session.queue.dead_letters(queue, limit=0)


# -- credential refresh --------------------------------------------------------------------
@pytest.fixture(scope="module", params=BACKENDS)
def short_lived(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A server whose queue credentials last 30 minutes (inside the one-hour margin)."""
    data_dir: Path = tmp_path_factory.mktemp(f"short-credentials-{request.param}")
    with live_server(request.param, data_dir, broker_credential_lifetime=1800) as server:
        yield server


def test_expiring_credentials_reload_through_the_api(
    short_lived: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Credentials issued for less than the one-hour margin are renewed at half their life:
    once, not on every use."""
    company = make_company(short_lived, monkeypatch)
    session = company.session()
    try:
        queue = session.queue.add("short")
        before = dict(queue.info.credentials)
        left = before["EXPIRATION"] - dt.datetime.now(dt.UTC)
        assert dt.timedelta(minutes=25) < left <= dt.timedelta(minutes=30)
        client = queue.broker_client  # more than half their life left: kept
        assert dict(queue.info.credentials) == before
        # later, with less than half their life (15 of 30 minutes) left: renewed
        queue.info.credentials.EXPIRATION = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=14)
        renewed = queue.broker_client
        after = dict(queue.info.credentials)
        assert renewed is not client
        assert after["ACCESS_KEY_ID"] != before["ACCESS_KEY_ID"]
        assert after["EXPIRATION"] - dt.datetime.now(dt.UTC) > dt.timedelta(minutes=25)
        assert queue.broker_client is renewed  # fresh again: the next use keeps them
        assert queue.info.credentials["ACCESS_KEY_ID"] == after["ACCESS_KEY_ID"]
        Item.add_to_queue(uuid.uuid4(), queue)  # the fresh credentials work
        assert len(drain(queue, 1)) == 1
    finally:
        session.close()


def test_long_lived_credentials_are_kept(queue: Queue) -> None:
    before = dict(queue.info.credentials)
    client = queue.broker_client
    assert dict(queue.info.credentials) == before
    assert queue.broker_client is client


def test_expired_credentials_reload(queue: Queue) -> None:
    queue.info.credentials.EXPIRATION = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    old_key = queue.info.credentials.ACCESS_KEY_ID
    Item.add_to_queue(uuid.uuid4(), queue)
    fresh = dict(queue.info.credentials)
    assert fresh["ACCESS_KEY_ID"] != old_key
    assert fresh["EXPIRATION"] > dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    assert len(drain(queue, 1)) == 1


def test_message_body_is_plain_json(queue: Queue) -> None:
    guid = uuid.uuid4()
    Item.add_to_queue(guid, queue)
    raw = queue.broker_client.receive_message(
        QueueUrl=queue.queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=5
    )
    (message,) = raw["Messages"]
    assert json.loads(message["Body"]) == body("item", guid)
    queue.broker_client.delete_message(
        QueueUrl=queue.queue_url, ReceiptHandle=message["ReceiptHandle"]
    )


def test_heartbeats_of_a_batch_refresh_credentials_together(
    short_lived: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten heartbeats at once on credentials issued for less than the refresh margin keep all
    ten messages in flight (the credentials are renewed at half their life, not per beat)."""
    company = make_company(short_lived, monkeypatch)
    session = company.session()
    queue = session.queue.add("batch")
    messages: list[QueueMessage] = []
    try:
        Item.add_to_queue([uuid.uuid4() for _ in range(10)], queue)
        deadline = time.monotonic() + 10
        while len(messages) < 10 and time.monotonic() < deadline:
            messages.extend(queue.get_messages(max_num_msg=10, visibility=2, waittime=1))
        assert len(messages) == 10
        other = session.queue.get(queue.guid)
        started = time.monotonic()
        while time.monotonic() - started < 5:
            assert other.get_messages(max_num_msg=10, visibility=2, waittime=1) == []
        assert all(m.heartbeat_alive for m in messages)
        for message in messages:
            queue.delete_message(message)
        assert not any(m.heartbeat_alive for m in messages)
    finally:
        for message in messages:
            message.stop_heartbeat()
        session.close()


def test_a_foreign_message_does_not_break_the_batch(queue: Queue) -> None:
    """A body that is not a JSON object (sent by some other tool) comes back as an empty
    body, with the good messages of the same receive, each with its heartbeat."""
    guid = uuid.uuid4()
    Item.add_to_queue(guid, queue)
    for text in ("not json", "[1, 2]"):
        queue.broker_client.send_message(
            QueueUrl=queue.queue_url,
            MessageBody=text,
            MessageGroupId=uuid.uuid4().hex,
            MessageDeduplicationId=uuid.uuid4().hex,
        )
    messages = receive_all(queue, 3)
    try:
        assert sorted((m.body for m in messages), key=len) == [{}, {}, body("item", guid)]
        assert all(m.heartbeat_alive for m in messages)
        assert sorted(m.entity_type for m in messages) == ["", "", "item"]
    finally:
        for message in messages:
            queue.delete_message(message)
    assert_empty(queue)


def test_a_queue_pickles_without_its_client(queue: Queue) -> None:
    """A queue goes to a worker process by pickle: its SQS client and session link stay
    behind, and the copy builds its own client from the credentials it carries."""
    Item.add_to_queue(uuid.uuid4(), queue)  # the original has a client now
    restored = pickle.loads(pickle.dumps(queue))
    assert isinstance(restored, Queue)
    assert restored == queue
    guid = uuid.uuid4()
    Item.add_to_queue(guid, restored)
    assert len(drain(restored, 2)) == 2
