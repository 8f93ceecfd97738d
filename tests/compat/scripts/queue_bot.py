"""A real pyqalx Bot consuming a queue: receive, heartbeat, delete, credential refresh.

Arguments: the mode and the queue name. As a user would, the script first queues entities
with its user session, then runs `Bot.start` (bot config from `QALX_BOT_*` variables; the bot
token comes from the bot entity pyqalx registers). The worker is a forked process, so what it
sees goes to files in HOME and the script prints them once the worker has exited:

* `jobs`: one record per processed message, written by the `process` step;
* `calls`: every SQS call pyqalx made (botocore events on boto3's default session, which
  every `boto3.client` pyqalx builds inherits): operation, HTTP status, error, when it was
  sent (`sent`) and answered (`t`), the access key id it was signed with, the thread (the
  worker's main one or a message's heartbeat) and a short digest of the receipt handle;
* `worker_log`: the worker's own log (LOGGING_LEVEL=DEBUG).

Modes:

* `heartbeat`: an item, a set and a group are queued. On the first message the step
  outlives the receive's visibility timeout, then a second, independent receiver polls the
  queue: it must not get the message the worker is holding.
* `external_delete`: one item. The step deletes its message with plain boto3 (not through
  pyqalx), so the heartbeat's next ChangeMessageVisibility meets the broker's "Message does
  not exist" error; the step then waits for the heartbeat thread to end.
* `refresh`: one item, with the server's credentials living only a few seconds. The step
  outlasts the credentials the message was received with.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import boto3
from pyqalx import Bot, Group, Item, QalxSession, Set  # type: ignore[import-not-found]

MODE, QUEUE_NAME = sys.argv[1], sys.argv[2]
HOME = Path.home()
JOBS = HOME / "jobs.jsonl"
CALLS = HOME / "sqs-calls.jsonl"


def digest(handle: str) -> str:
    return hashlib.sha256(handle.encode()).hexdigest()[:12]


def append(path: Path, record: dict[str, Any]) -> None:
    with path.open("a") as handle:
        handle.write(json.dumps(record, default=str) + "\n")


# -- what pyqalx says to the broker --------------------------------------------------------
_in_flight: dict[int, dict[str, Any]] = {}


def _before_parameter_build(params: dict[str, Any], **kwargs: Any) -> None:
    _in_flight[threading.get_ident()] = {
        "receipt": digest(params["ReceiptHandle"]) if "ReceiptHandle" in params else None,
        "visibility": params.get("VisibilityTimeout"),
    }


def _before_send(request: Any, **kwargs: Any) -> None:
    auth = request.headers.get("Authorization", b"")
    auth = auth.decode() if isinstance(auth, bytes) else auth
    akid = auth.split("Credential=", 1)[1].split("/", 1)[0] if "Credential=" in auth else None
    _in_flight.setdefault(threading.get_ident(), {}).update({"akid": akid, "sent": time.time()})


def _after_call(http_response: Any, parsed: dict[str, Any], model: Any, **kwargs: Any) -> None:
    record = _in_flight.pop(threading.get_ident(), {})
    error = parsed.get("Error", {})
    record.update(
        {
            "t": time.time(),
            "op": model.name,
            "status": http_response.status_code,
            "code": error.get("Code"),
            "message": error.get("Message"),
            "thread": "main" if threading.current_thread() is threading.main_thread() else "hb",
        }
    )
    if model.name == "ReceiveMessage":
        record["received"] = [
            {"receipt": digest(m["ReceiptHandle"]), "body": json.loads(m["Body"])}
            for m in parsed.get("Messages", [])
        ]
    append(CALLS, record)


boto3.setup_default_session()
assert boto3.DEFAULT_SESSION is not None
events = boto3.DEFAULT_SESSION.events
events.register("before-parameter-build.sqs", _before_parameter_build)
events.register("before-send.sqs", _before_send)
events.register("after-call.sqs", _after_call)


# -- the user's side: queue some work --------------------------------------------------------
user = QalxSession(skip_ini=True)
queue = user.queue.get_or_create(name=QUEUE_NAME)
item = user.item.add(data={"n": 1})
queued: list[dict[str, str]] = [{"entity_type": "item", "entity_guid": str(item.guid)}]
Item.add_to_queue(item, queue)
if MODE == "heartbeat":
    a_set = user.set.add(items={"only": item})
    group = user.group.add(sets={"one": a_set})
    Set.add_to_queue(a_set, queue)
    Group.add_to_queue(group, queue)
    queued += [
        {"entity_type": "set", "entity_guid": str(a_set.guid)},
        {"entity_type": "group", "entity_guid": str(group.guid)},
    ]


# -- the bot's side ----------------------------------------------------------------------------
def other_receiver(info: Any) -> Any:
    """A second consumer of the queue, outside pyqalx and outside the recorded session."""
    return boto3.session.Session().client(
        "sqs",
        region_name=info["region"],
        aws_access_key_id=info["credentials"]["ACCESS_KEY_ID"],
        aws_secret_access_key=info["credentials"]["SECRET_ACCESS_KEY"],
        aws_session_token=info["credentials"]["SESSION_TOKEN"],
    )


def process(job: Any) -> None:
    message = job._queue_message  # the QueueMessage (a heartbeat thread) the worker holds
    visibility = job.session.config["MSG_BLACKOUTSECONDS"]
    first = not JOBS.exists()
    received_with = message._queue.info.credentials  # the queue the message came through
    record: dict[str, Any] = {
        "body": message.body,
        "entity_type": job.entity.entity_type,
        "entity_guid": str(job.entity.guid),
        "receipt": digest(message.receipt_handle),
        "visibility": visibility,
        "received_with": {
            "akid": received_with.ACCESS_KEY_ID,
            "expiration": received_with.EXPIRATION.timestamp(),
        },
        "started": time.time(),
    }
    if MODE == "heartbeat" and first:
        # Outlive the visibility timeout the message was received with.
        time.sleep(visibility * 1.75)
        seen = other_receiver(job.queue.info).receive_message(
            QueueUrl=job.queue.info.queue_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=0,  # what it sees stays available to the bot
            WaitTimeSeconds=0,
        )
        record["other_receiver_saw"] = [json.loads(m["Body"]) for m in seen.get("Messages", [])]
        record["heartbeat_alive"] = message.is_alive()
    elif MODE == "external_delete":
        other_receiver(job.queue.info).delete_message(
            QueueUrl=job.queue.info.queue_url, ReceiptHandle=message.receipt_handle
        )
        record["deleted_at"] = time.time()
        message.join(timeout=visibility * 3)
        record["heartbeat_ended_at"] = time.time()
        record["heartbeat_alive"] = message.is_alive()
    elif MODE == "refresh":
        # Outlast the credentials the message was received with.
        time.sleep(max(0.0, received_with.EXPIRATION.timestamp() - time.time()) + 1.5)
    record["finished"] = time.time()
    append(JOBS, record)


bot = Bot(f"compat-{MODE}-bot")
bot.process(process)
started = time.time()
bot.start(queue_name=QUEUE_NAME, skip_ini=True)


def read_lines(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


logs = Path(os.environ["QALX_BOT_WORKER_LOG_FILE_DIR"])
print(
    json.dumps(
        {
            "queue_guid": str(queue.guid),
            "queued": queued,
            "started": started,
            "ended": time.time(),
            "jobs": read_lines(JOBS),
            "calls": read_lines(CALLS),
            "worker_log": "".join(p.read_text() for p in sorted(logs.glob(".worker_*.log"))),
        }
    )
)
