"""add_to_queue of items, a set and a group (with and without children) onto a queue.

Argument: the queue name. Prints the guids involved, the message bodies pyqalx is expected
to have sent (the test reads the broker with plain boto3 and compares) and, per
`add_to_queue` call, how many entries each `send_message_batch` carried and how many the
broker took.
"""

from __future__ import annotations

import json
import sys
import uuid
from typing import Any

from pyqalx import Group, Item, QalxSession, Set  # type: ignore[import-not-found]
from pyqalx.core.errors import QalxQueueError  # type: ignore[import-not-found]

qalx = QalxSession(skip_ini=True)
queue = qalx.queue.get_or_create(name=sys.argv[1])

items = [qalx.item.add(data={"n": n}) for n in range(25)]
members = {"a": items[0], "b": items[1], "c": items[2]}
a_set = qalx.set.add(items=members)
other_set = qalx.set.add(items={"only": items[3]})
group = qalx.group.add(sets={"left": a_set, "right": other_set})

sent: dict[str, Any] = {}


def send(label: str, response: Any) -> None:
    # QueueResponse keeps the raw send_message_batch answers, one per chunk of 10.
    sent[label] = [
        {"successful": len(batch.get("Successful", [])), "failed": len(batch.get("Failed", []))}
        for batch in response._raw_response
    ]


send("items", Item.add_to_queue(items, queue))
send("item_guid_extra", Item.add_to_queue(items[4].guid, queue, reason="retry"))
send("set", Set.add_to_queue(a_set, queue))
send("set_children", Set.add_to_queue(a_set, queue, children=True))
send("group", Group.add_to_queue(group, queue))
send("group_children", Group.add_to_queue(group, queue, children=True))

# The guid as a plain str is refused client-side, before anything is sent.
try:
    Item.add_to_queue(str(items[0].guid), queue)
    refused = "accepted"
except QalxQueueError as exc:
    refused = str(exc)

expected: list[dict[str, str]] = [
    {"entity_type": "item", "entity_guid": str(item.guid)} for item in items
]
expected.append({"entity_type": "item", "entity_guid": str(items[4].guid), "reason": "retry"})
expected.append({"entity_type": "set", "entity_guid": str(a_set.guid)})
expected += [
    {"entity_type": "item", "entity_guid": str(item.guid), "parent_set_guid": str(a_set.guid)}
    for item in members.values()
]
expected.append({"entity_type": "group", "entity_guid": str(group.guid)})
expected += [
    {"entity_type": "set", "entity_guid": str(s.guid), "parent_group_guid": str(group.guid)}
    for s in (a_set, other_set)
]

print(
    json.dumps(
        {
            "queue_guid": str(queue.guid),
            "queue_guid_is_uuid": isinstance(queue.guid, uuid.UUID),
            "queue_url": queue.info.queue_url,
            "sent": sent,
            "refused_str_guid": refused,
            "expected": expected,
        }
    )
)
