"""Queues: the `Queue` entity and its SQS client, messages and their heartbeats.

Messages never travel through the REST API: a queue entity carries an SQS queue URL and
temporary credentials (`info.queue_url`, `info.credentials`, and `info.endpoint_url` and
`info.region` when the server names its broker), and boto3 speaks SQS to whichever broker that
is. Credentials are refreshed by reloading the queue before they expire.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Required, TypedDict

from qalx.errors import QalxQueueError

from ._base import QalxEntity, QalxListEntity, as_guid

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

log = logging.getLogger("qalx.queue")

SQS_BATCH = 10
"""SQS takes at most 10 entries per batch call."""
MAX_IN_FLIGHT = 43_200
"""SQS keeps a message in flight for at most 12 hours from its receipt."""
REFRESH_BEFORE = dt.timedelta(hours=1)
"""Queue credentials are renewed when this little of their life is left (pyqalx's margin)."""
QUEUEABLE = ("item", "set", "group")
_BUILD_LOCK = threading.Lock()
"""Serialises SQS client builds (fast, no network): botocore's loaders are not safe to use
from several threads building clients at once."""


def _many(payload: object) -> bool:
    """A list of entities or guids: any iterable but a mapping (a `find` answer, which is a
    dict, iterates over its entities, so it counts)."""
    if isinstance(payload, QalxListEntity):
        return True
    return isinstance(payload, Iterable) and not isinstance(payload, Mapping | bytes)


class QueueStats(TypedDict):
    """A queue's numbers (`QalxQueue.stats`)."""

    depth: int
    """Messages ready to be received."""
    in_flight: int
    """Received, not yet deleted, still invisible."""
    dead_letters: int
    oldest_age_seconds: float | None
    """The oldest message's age; None when the queue is empty or the broker does not say."""


class DeadLetter(TypedDict, total=False):
    """A message the broker moved to a queue's dead letters (`QalxQueue.dead_letters`)."""

    message_id: Required[str]
    body: Required[str]
    """The message body: pyqalx's `{"entity_type": ..., "entity_guid": ...}` JSON."""
    receive_count: Required[int]
    sent: dt.datetime | None
    first_received: dt.datetime | None
    group_id: str | None
    failures: int
    """Job failures workers recorded against it since it was sent or last replayed."""
    last_failure: dict[str, Any] | None
    """The last of them: `error`, `step`, `attempt`, `entity_type`, `entity_guid`, `bot`,
    `worker`, `at`."""


class QueueResponse:
    """The raw SQS answers of one `add_to_queue` (one per batch of 10)."""

    def __init__(self, response: list[dict[str, Any]]) -> None:
        self._raw_response = response

    @property
    def raw(self) -> list[dict[str, Any]]:
        return self._raw_response

    @property
    def message_ids(self) -> list[str]:
        return [s["MessageId"] for r in self._raw_response for s in r.get("Successful", [])]


class QueueMessage:
    """A received message, whose heartbeat keeps it in flight while it is worked on.

    The heartbeat renews the visibility every `visibility / 2` seconds, never past 12 hours
    after the receipt; it stops when the message is deleted or released, when the broker says
    the message is gone, or when `stop_heartbeat` is called. It is a daemon thread, so it can
    never keep a finished process alive."""

    def __init__(
        self,
        message: Mapping[str, Any],
        worker: Any = None,
        visibility: int = 30,
        queue: Queue | None = None,
    ) -> None:
        self._raw_message = dict(message)
        self.receipt_handle: str = message["ReceiptHandle"]
        self._worker = worker
        self._queue = queue if queue is not None else getattr(worker, "queue", None)
        self._log: logging.Logger = getattr(worker, "log", log)
        self.body: dict[str, Any] = self._decode(message.get("Body"))
        self._visibility = max(1, int(visibility))
        self._received = time.monotonic()
        self._deleted = False
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"qalx-heartbeat-{self.receipt_handle[:8]}", daemon=True
        )
        self._thread.start()

    def _decode(self, text: Any) -> dict[str, Any]:
        """The body as a dict; `{}` (and a warning) when it is not a JSON object, so one
        foreign message neither breaks the receive of its batch nor loses the others."""
        try:
            body = json.loads(text)
        except (TypeError, ValueError):
            body = None
        if isinstance(body, dict):
            return body
        self._log.warning(
            "message %s has no JSON object body (%.80r): it names no entity",
            self._raw_message.get("MessageId"),
            text,
        )
        return {}

    @property
    def entity_type(self) -> str:
        """`item`, `set` or `group` (`""` when the body names none)."""
        value = self.body.get("entity_type")
        return value if isinstance(value, str) else ""

    @property
    def entity_guid(self) -> uuid.UUID:
        return as_guid(self.body.get("entity_guid"), "the message's entity_guid")

    @property
    def message_id(self) -> str:
        """The broker's `MessageId` (`""` if it gave none)."""
        return str(self._raw_message.get("MessageId") or "")

    @property
    def receive_count(self) -> int | None:
        """How many times the message has been received, this time included (SQS's
        `ApproximateReceiveCount`); None when the receive did not ask for it."""
        value = (self._raw_message.get("Attributes") or {}).get("ApproximateReceiveCount")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    @property
    def deleted(self) -> bool:
        return self._deleted

    @property
    def heartbeat_alive(self) -> bool:
        return self._thread.is_alive()

    def stop_heartbeat(self, wait: bool = True) -> None:
        self._stopped.set()
        if wait and self._thread is not threading.current_thread():
            self._thread.join()

    _stop_heartbeat = stop_heartbeat  # pyqalx's name

    def _beat(self) -> None:
        pause = self._visibility / 2
        while not self._stopped.wait(pause):
            queue = self._queue
            if queue is None:
                return
            elapsed = time.monotonic() - self._received
            timeout = self._visibility
            last = elapsed + timeout >= MAX_IN_FLIGHT
            if last:
                timeout = max(0, int(MAX_IN_FLIGHT - elapsed))
                self._log.warning(
                    "message %s reaches the 12-hour in-flight limit: it returns to the queue in "
                    "%d s unless deleted",
                    self.receipt_handle[:12],
                    timeout,
                )
            if not queue._change_visibility(self, timeout):
                return
            if last:
                return

    def release(self) -> None:
        """Make the message visible again at once, for another attempt."""
        self.stop_heartbeat()
        if self._queue is not None and not self._deleted:
            self._queue._change_visibility(self, 0)


class Queue(QalxEntity):
    """A queue of Item, Set and Group jobs, backed by SQS."""

    entity_type: ClassVar[str] = "queue"

    _region: str | None = None
    _reload: Callable[[Queue], Queue] | None = None
    _client: SQSClient | None = None
    _client_key: tuple[Any, ...] | None = None
    _lifetime: dt.timedelta | None = None

    @property
    def _lock(self) -> threading.RLock:
        """This queue's lock for reloading its credentials and rebuilding its client: the
        heartbeats of a batch all ask at once, and one queue's reload (network, retries) must
        not hold up another's."""
        lock: threading.RLock = self.__dict__.setdefault("_queue_lock", threading.RLock())
        return lock

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (for a worker process) without its SQS client and its way back to the
        session: both are rebuilt where it is unpickled (`QalxSession._attach` gives it a
        session again, so it can refresh its credentials)."""
        state = dict(self.__dict__)
        for name in ("_client", "_client_key", "_reload", "_queue_lock"):
            state.pop(name, None)
        return state

    @property
    def name(self) -> str:
        return str(self._field("name"))

    @property
    def queue_url(self) -> str:
        try:
            return str(self["info"]["queue_url"])
        except (KeyError, TypeError):
            raise QalxQueueError(
                f"queue {self.get('name')!r} has no info.queue_url: reload it from the API"
            ) from None

    def _credentials(self) -> Mapping[str, Any]:
        try:
            credentials = self["info"]["credentials"]
        except (KeyError, TypeError):
            credentials = None
        if not isinstance(credentials, Mapping):
            raise QalxQueueError(
                f"queue {self.get('name')!r} has no info.credentials: reload it from the API"
            )
        return credentials

    def _expiring(self) -> bool:
        expiration = self._credentials().get("EXPIRATION")
        if isinstance(expiration, str):  # an API that sends the date as plain ISO text
            try:
                expiration = dt.datetime.fromisoformat(expiration)
            except ValueError:
                return False
        if not isinstance(expiration, dt.datetime):
            return False
        if expiration.tzinfo is None:
            expiration = expiration.replace(tzinfo=dt.UTC)
        left = expiration - dt.datetime.now(dt.UTC)
        if self._lifetime is None or left > self._lifetime:
            self._lifetime = left  # as long as they were meant to live, near enough
        # credentials issued for less than the margin are renewed at half their life, not on
        # every call (ten heartbeats would reload the queue ten times a beat)
        return left <= min(REFRESH_BEFORE, self._lifetime / 2)

    def refresh_credentials(self, force: bool = False) -> None:
        """Reload the queue from the API when its credentials expire within the hour (within
        half their life, for credentials issued for less than two hours)."""
        with self._lock:
            if self._reload is None or not (force or self._expiring()):
                return
            fresh = self._reload(self)
            dict.__setitem__(self, "info", fresh["info"])
            self._lifetime = None

    @property
    def broker_client(self) -> SQSClient:
        """A boto3 SQS client for this queue, built from `info` (endpoint and region when the
        server names them, else the session's REGION) and rebuilt when credentials change."""
        with self._lock:
            self.refresh_credentials()
            credentials = self._credentials()
            info = self["info"]
            key = (
                credentials.get("ACCESS_KEY_ID"),
                credentials.get("SESSION_TOKEN"),
                info.get("endpoint_url"),
                info.get("region") or self._region,
            )
            if self._client is None or self._client_key != key:
                import boto3.session

                # A session of its own: boto3's default session is not safe across threads.
                with _BUILD_LOCK:
                    self._client = boto3.session.Session().client(
                        "sqs",
                        region_name=key[3] or "eu-west-2",
                        endpoint_url=key[2] or None,
                        aws_access_key_id=credentials.get("ACCESS_KEY_ID"),
                        aws_secret_access_key=credentials.get("SECRET_ACCESS_KEY"),
                        aws_session_token=credentials.get("SESSION_TOKEN"),
                    )
                self._client_key = key
            return self._client

    def get_messages(
        self, max_num_msg: int, visibility: int, waittime: int, worker: Any = None
    ) -> list[QueueMessage]:
        """Receive up to `max_num_msg` messages, waiting up to `waittime` s for the first; each
        starts its heartbeat at once. Each carries its receive count (free to ask for), so a
        failed job can say which attempt it was."""
        answer = self.broker_client.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=max_num_msg,
            VisibilityTimeout=visibility,
            WaitTimeSeconds=waittime,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        return [
            QueueMessage(m, worker=worker, visibility=visibility, queue=self)
            for m in answer.get("Messages", [])
        ]

    def delete_message(self, message: QueueMessage | None) -> None:
        """Delete a received message (once; later calls do nothing) and stop its heartbeat."""
        if message is None or message._deleted:
            return
        message.stop_heartbeat()
        self.broker_client.delete_message(
            QueueUrl=self.queue_url, ReceiptHandle=message.receipt_handle
        )
        message._deleted = True

    def delete_messages(self, messages: Iterable[QueueMessage]) -> list[QueueMessage]:
        """Delete received messages in batches of `SQS_BATCH` (one request per batch, not per
        message); return those the broker did not delete (their receipt expired: they will be
        received again). Already deleted ones are skipped."""
        todo = [m for m in messages if not m._deleted]
        failed: list[QueueMessage] = []
        for start in range(0, len(todo), SQS_BATCH):
            batch = todo[start : start + SQS_BATCH]
            for message in batch:
                message.stop_heartbeat()
            answer = self.broker_client.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m.receipt_handle} for n, m in enumerate(batch)
                ],
            )
            refused = {int(f["Id"]) for f in answer.get("Failed", [])}
            for n, message in enumerate(batch):
                if n in refused:
                    failed.append(message)
                else:
                    message._deleted = True
        return failed

    def purge(self) -> None:
        """Delete every message on the queue (SQS may take up to 60 s)."""
        self.broker_client.purge_queue(QueueUrl=self.queue_url)

    def _change_visibility(self, message: QueueMessage, timeout: int) -> bool:
        """Set a message's visibility; False once the broker says it is gone."""
        from botocore.exceptions import ClientError

        for attempt in range(3):
            try:
                self.broker_client.change_message_visibility(
                    QueueUrl=self.queue_url,
                    ReceiptHandle=message.receipt_handle,
                    VisibilityTimeout=timeout,
                )
                return True
            except ClientError as exc:
                text = str(exc.response.get("Error", {}).get("Message", ""))
                if "does not exist" in text or "not a valid" in text:
                    message._log.debug("message gone, heartbeat stops: %s", text)
                    return False
                message._log.warning("heartbeat failed (attempt %d): %s", attempt + 1, exc)
            except Exception as exc:  # network trouble: try again shortly
                message._log.warning("heartbeat failed (attempt %d): %s", attempt + 1, exc)
            if message._stopped.wait(1.0):
                return False
        return True

    def _send_message(
        self,
        payload: QalxEntity | uuid.UUID | str | Iterable[QalxEntity | uuid.UUID | str],
        entity_type: str,
        **message_kwargs: Any,
    ) -> QueueResponse:
        """Send one message per entity or guid, in batches of 10. Everything is checked before
        anything is sent; entries SQS refuses are retried, then reported."""
        if entity_type not in QUEUEABLE:
            raise QalxQueueError(f"only items, sets and groups can be queued, not {entity_type}s")
        rows: Iterable[Any]
        if isinstance(payload, QalxEntity | uuid.UUID | str):
            rows = [payload]
        elif _many(payload):
            rows = list(payload)
        else:
            raise QalxQueueError(
                "payload must be an entity, a guid (UUID or str) or a list of them; "
                f"got {type(payload).__name__}"
            )
        entries = []
        for row in rows:
            if isinstance(row, QalxEntity):
                if row.entity_type != entity_type:
                    raise QalxQueueError(
                        f"expected a {entity_type}, got a {row.entity_type or type(row).__name__}: "
                        f"use {type(row).__name__}.add_to_queue(entity, queue). Nothing was sent."
                    )
                guid = row.guid
            else:
                try:
                    guid = as_guid(row)
                except Exception:
                    raise QalxQueueError(
                        f"{row!r} is neither a {entity_type} nor a guid. Nothing was sent."
                    ) from None
            body = {"entity_type": entity_type, "entity_guid": str(guid), **message_kwargs}
            entries.append(
                {
                    "Id": uuid.uuid4().hex,
                    "MessageBody": json.dumps(body),
                    "MessageGroupId": str(uuid.uuid4()),
                    "MessageDeduplicationId": str(uuid.uuid4()),
                }
            )
        responses: list[dict[str, Any]] = []
        for start in range(0, len(entries), SQS_BATCH):
            responses.extend(self._send_batch(entries[start : start + SQS_BATCH]))
        return QueueResponse(responses)

    def _send_batch(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        responses: list[dict[str, Any]] = []
        for attempt in range(3):
            answer: dict[str, Any] = dict(
                self.broker_client.send_message_batch(QueueUrl=self.queue_url, Entries=batch)  # type: ignore[arg-type]
            )
            responses.append(answer)
            failed = {f["Id"]: f for f in answer.get("Failed", [])}
            if not failed:
                return responses
            permanent = [f for f in failed.values() if f.get("SenderFault")]
            if permanent:
                raise QalxQueueError(f"SQS refused {len(permanent)} message(s): {permanent}")
            batch = [e for e in batch if e["Id"] in failed]
            time.sleep(0.2 * (attempt + 1))
        raise QalxQueueError(f"SQS could not take {len(batch)} message(s) after 3 attempts")
