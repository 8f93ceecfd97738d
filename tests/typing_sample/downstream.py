"""A downstream project's use of qalx: every `assert_type` pins a public return type.

Nothing here runs (no server is needed): the functions are only type-checked, by `make
typecheck` and by tests/sdk/test_typing_sample.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, assert_type
from uuid import UUID

from qalx import (
    AggregationResult,
    Blueprint,
    BotConfig,
    Group,
    Item,
    ItemAddManyEntity,
    QalxEntityNotFound,
    QalxListEntity,
    QalxSession,
    Queue,
    QueueMessage,
    QueueResponse,
    Set,
    Worker,
)
from qalx.entities import Bot, QalxAddict
from qalx.signals import QalxWorkerSignal


def items(session: QalxSession, guid: UUID) -> None:
    item = session.item.get(guid)
    assert_type(item, Item)
    assert_type(item.guid, UUID)
    assert_type(session.item.get(str(guid)), Item)
    assert_type(session.item.add(data={"height": 5}, meta={"shape": "square"}), Item)
    assert_type(session.item.save(item), Item)
    assert_type(session.item.reload(item), Item)

    found = session.item.find(query={"metadata.data.shape": "square"}, sort="-data__height")
    assert_type(found, QalxListEntity[Item])
    for row in found:
        assert_type(row, Item)
    assert_type(found.data, list[Item])
    assert_type(session.item.find({"data.height": 5}, many=False), Item)
    assert_type(session.item.find_one({"data.height": 5}), Item)

    everything = session.item.find_all({"data.height": {"$gt": 1}})
    assert_type(everything, Iterator[Item])
    for row in everything:
        assert_type(row, Item)

    many = session.item.add_many([{"data": {"n": n}} for n in range(3)])
    assert_type(many, ItemAddManyEntity)
    assert_type(many.items_, list[Item])

    totals = session.item.aggregate([{"$group": {"_id": "$data.shape", "n": {"$sum": 1}}}])
    assert_type(totals, AggregationResult[Item])
    for row in totals:
        assert_type(row, Item)

    try:
        session.item.find_one({"data.height": -1})
    except QalxEntityNotFound as missing:
        assert_type(missing, QalxEntityNotFound)


def sets_and_groups(session: QalxSession, item: Item) -> None:
    made = session.set.add(items={"beam": item, "bolt": item.guid})
    assert_type(made, Set)
    assert_type(session.set.get(made.guid), Set)
    assert_type(session.set.find(), QalxListEntity[Set])
    assert_type(made.get_item_data("beam"), QalxAddict | None)
    group = session.group.add(sets={"first": made})
    assert_type(group, Group)
    assert_type(session.group.get(group.guid, unpack=True), Group)


def blueprints(session: QalxSession) -> None:
    blueprint = session.blueprint.get_by_name("beam")
    assert_type(blueprint, Blueprint)
    assert_type(session.blueprint.get_or_create("beam"), Blueprint)


def queues(session: QalxSession, item: Item, made: Set) -> None:
    queue = session.queue.get_or_create("jobs")
    assert_type(queue, Queue)
    assert_type(session.queue.get_by_name("jobs"), Queue)
    assert_type(session.queue.add("more-jobs"), Queue)
    assert_type(session.queue.find(), QalxListEntity[Queue])
    sent = Item.add_to_queue([item, item.guid, str(item.guid)], queue)
    assert_type(sent, QueueResponse)
    assert_type(sent.message_ids, list[str])
    assert_type(Set.add_to_queue(made, queue, children=True), QueueResponse)

    messages = queue.get_messages(max_num_msg=1, visibility=30, waittime=20)
    assert_type(messages, list[QueueMessage])
    for message in messages:
        assert_type(message.body, dict[str, Any])
        assert_type(message.entity_type, str)
        assert_type(message.entity_guid, UUID)
        assert_type(message.heartbeat_alive, bool)
        message.release()
        queue.delete_message(message)
    queue.purge()
    expiration = queue.info.credentials.EXPIRATION
    if isinstance(expiration, dt.datetime):
        assert_type(expiration, dt.datetime)


def bots(user: QalxSession) -> None:
    bot = user.bot.add("runner", config={"Q_MSGBATCHSIZE": 1})
    assert_type(bot, Bot)
    token = bot.info.credentials.token
    assert isinstance(token, str)
    runner = QalxSession(config_class=BotConfig, skip_ini=True)
    replaced = runner.bot.replace_workers(bot, 3)
    assert_type(replaced, Bot)
    assert_type(replaced.workers, list[Worker])
    worker = replaced.workers[0]
    assert_type(runner.worker.get(worker.guid, replaced), Worker)
    assert_type(runner.worker.find(bot_entity=replaced), QalxListEntity[Worker])
    assert_type(runner.worker.find(many=False, bot_entity=replaced), Worker)
    assert_type(runner.worker.save(worker, replaced), Worker)
    signal = runner.worker.get_signal(worker, bot_entity=replaced)
    assert_type(signal, QalxWorkerSignal)
    assert_type(signal.terminate_cold, bool)
    runner.worker.terminate(worker, replaced, warm=False, requeue_job=True)
    runner.bot.stop(replaced)
    runner.bot.resume(replaced)
    runner.bot.update_status(replaced, "busy")
    runner.worker.update_status(worker, replaced, "busy")
