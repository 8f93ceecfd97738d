"""get_or_create on queues and blueprints: the second call finds what the first made."""

from __future__ import annotations

import json

from pyqalx import Blueprint, QalxSession  # type: ignore[import-not-found]

qalx = QalxSession(skip_ini=True)

queue = qalx.queue.get_or_create(name="compat-jobs", meta={"purpose": "compat"})
again = qalx.queue.get_or_create(name="compat-jobs")
by_name = qalx.queue.get_by_name("compat-jobs")
queues = qalx.queue.find()

blueprint = qalx.blueprint.get_or_create(name="AnyItem", schema=Blueprint.item())
blueprint_again = qalx.blueprint.get_or_create(name="AnyItem", schema=Blueprint.item())

print(
    json.dumps(
        {
            "queue_name": queue.name,
            "queue_meta": dict(queue.meta),
            "queue_same": [again.guid == queue.guid, by_name.guid == queue.guid],
            "queue_count": len(queues.data),
            "queue_parameters": dict(queue.get("parameters", {})),
            "blueprint_name": blueprint.name,
            "blueprint_same": blueprint_again.guid == blueprint.guid,
            "blueprint_count": len(qalx.blueprint.find().data),
        }
    )
)
