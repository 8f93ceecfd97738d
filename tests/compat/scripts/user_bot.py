"""A bot as a pyqalx user writes it (user docs §6, scenario 5): beams queued by a user
session, a bot of two processes computing their stress, results found and sorted afterwards.

It touches nothing but pyqalx's documented API, so it runs unchanged on pyqalx 0.19.2 and,
with its imports rewritten by qalx's published mapping, on qalx. Argument: the queue name.
Bot config comes from `QALX_BOT_*` variables (KILL_AFTER ends the bot once the queue is dry).
Prints one JSON document: what the user sees once the bot has finished.
"""

from __future__ import annotations

import json
import sys

from pyqalx import Bot, Item, QalxSession, Set  # type: ignore[import-not-found]
from pyqalx.bot import QalxJob  # type: ignore[import-not-found]

QUEUE_NAME = sys.argv[1]
BEAMS = [{"name": f"B{n}", "force": 1000.0 * (n + 1), "area": 0.5 + n / 4} for n in range(6)]

beam_bot = Bot("beam bot")


@beam_bot.preprocess
def check(job: QalxJob) -> None:
    """Sets are assemblies: their members carry the loads."""
    job.context["kind"] = job.entity.entity_type
    if job.entity.entity_type == "set":
        job.context["members"] = sorted(job.entity["items"])


@beam_bot.process
def calculate(job: QalxJob) -> None:
    if job.context["kind"] == "item":
        job.entity.data.stress = job.entity.data.force / job.entity.data.area
        job.entity.meta["_class"] = "beams.result"
        job.save_entity()
    else:
        job.entity.meta["_class"] = "beams.assembly"
        job.entity.meta["members"] = job.context["members"]
        job.save_entity()
    job.add_step_result(True)


@beam_bot.postprocess
def record(job: QalxJob) -> None:
    if job.last_step_result:
        job.session.item.add(
            data={"of": str(job.entity.guid), "kind": job.context["kind"]},
            meta={"_class": "beams.log"},
        )


if __name__ == "__main__":
    qalx = QalxSession(skip_ini=True)  # configured by QALX_USER_* variables
    queue = qalx.queue.get_or_create(QUEUE_NAME)
    items = [qalx.item.add(data=beam, meta={"_class": "beams.input"}) for beam in BEAMS]
    assembly = qalx.set.add(items={"left": items[0], "right": items[1]})
    for item in items:
        Item.add_to_queue(payload=item, queue=queue)
    Set.add_to_queue(payload=assembly, queue=queue)

    beam_bot.start(queue_name=QUEUE_NAME, processes=2, skip_ini=True)

    results = qalx.item.find(query={"meta._class": "beams.result"}, sort="-data__stress")
    logs = qalx.item.find(query={"meta._class": "beams.log"})
    done_set = qalx.set.get(assembly["guid"])
    print(
        json.dumps(
            {
                "by_stress": [r["data"]["name"] for r in results["data"]],
                "stress": {r["data"]["name"]: r["data"]["stress"] for r in results["data"]},
                "logs": sorted(entry["data"]["kind"] for entry in logs["data"]),
                "log_creator": sorted({e["info"]["created"]["by"]["entity"] for e in logs["data"]}),
                "set_class": done_set["meta"]["_class"],
                "set_members": done_set["meta"]["members"],
            }
        )
    )
