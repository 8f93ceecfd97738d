"""Amazon SQS mode: each qalx queue is a real SQS FIFO queue, reached with STS credentials.

The server's own AWS identity creates, inspects and repairs the queues; clients (pyqalx bots)
get short-lived credentials from STS whose inline session policy allows only the calls pyqalx
makes, on that one queue. Queue names are described in :mod:`.sqs_names`.

Every queue has a FIFO dead-letter companion wired with a real ``RedrivePolicy``, so SQS itself
moves a message received ``maxReceiveCount`` times to it. SQS has no "peek": looking at dead
letters means receiving them from the companion (which has no redrive policy, so nothing is
lost) and making them visible again afterwards; each look adds one to a dead letter's
``ApproximateReceiveCount``.

The server's identity needs, on ``arn:aws:sqs:*:*:<prefix>*``: sqs:CreateQueue, sqs:TagQueue,
sqs:ListQueueTags, sqs:GetQueueUrl, sqs:GetQueueAttributes, sqs:SetQueueAttributes,
sqs:DeleteQueue, sqs:ReceiveMessage, sqs:SendMessage, sqs:DeleteMessage,
sqs:ChangeMessageVisibility; and sts:AssumeRole on the role (or sts:GetFederationToken when no
role is configured). The role itself must allow the client actions below on the same ARNs.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final, NoReturn

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy import Connection

from qalx_server.queue_model import (
    MAX_RECEIVE_COUNT,
    MAX_VISIBILITY,
    MAX_WAIT_SECONDS,
    RETENTION_SECONDS,
    DeadLetter,
    QueueCredentials,
    QueueStats,
)

from .backend import (
    Company,
    QueueAccess,
    QueueConflict,
    QueueNotFound,
    QueueUnavailable,
)
from .sqs_names import SqsNames, sqs_names, validate_prefix

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.literals import QueueAttributeNameType
    from mypy_boto3_sqs.type_defs import (
        ChangeMessageVisibilityBatchRequestEntryTypeDef,
        MessageAttributeValueOutputTypeDef,
        MessageAttributeValueTypeDef,
        MessageTypeDef,
    )
    from mypy_boto3_sts import STSClient
    from mypy_boto3_sts.type_defs import CredentialsTypeDef

log = logging.getLogger(__name__)

# Both queues keep messages RETENTION_SECONDS (14 days, SQS's longest): a FIFO dead letter's
# retention restarts when it is moved, and pending work should not silently expire after SQS's
# default 4 days.
MIN_CREDENTIAL_LIFETIME: Final = 900
MAX_ROLE_LIFETIME: Final = 43_200
"""AssumeRole's ceiling; the role's MaxSessionDuration also applies, and chaining caps it at 1 h."""
MAX_FEDERATION_LIFETIME: Final = 129_600
ROLE_SESSION_NAME_MAX: Final = 64
FEDERATION_NAME_MAX: Final = 32
COMPANY_TAG: Final = "qalx:company"
CLIENT_ACTIONS: Final = (
    "SendMessage",
    "ReceiveMessage",
    "DeleteMessage",
    "ChangeMessageVisibility",
    "GetQueueAttributes",
    "GetQueueUrl",
    "PurgeQueue",
)
"""What pyqalx does with a queue (sends are SendMessageBatch, which IAM checks as SendMessage)."""

_NOT_FOUND: Final = frozenset({"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"})
_EXISTS: Final = frozenset({"QueueAlreadyExists", "QueueNameExists"})
_SESSION_CHARS: Final = re.compile(r"[^\w+=,.@-]")
_BATCH: Final = 10


class InvalidQueueSettings(ValueError):
    """Queue parameters SQS cannot accept, refused before any AWS call."""


class AmazonQueueError(QueueUnavailable):
    """An SQS or STS call failed; names the SQS queue, the qalx queue and AWS's error code."""

    def __init__(self, queue: str, qalx_name: str, operation: str, code: str, detail: str):
        super().__init__(
            f"{operation} failed for SQS queue {queue!r} (qalx queue {qalx_name!r}): "
            f"{code}: {detail}"
        )
        self.queue = queue
        self.qalx_name = qalx_name
        self.operation = operation
        self.code = code


class AmazonQueueNotFound(AmazonQueueError, QueueNotFound):
    """The SQS queue (or its companion) does not exist.

    A :class:`~qalx_server.queueing.backend.QueueNotFound` (a LookupError), which the REST
    layer answers with 404 whichever backend raised it.
    """


class QueueOwnedElsewhere(AmazonQueueError, QueueConflict):
    """The SQS queue exists but is tagged for another company (a short-id clash), or untagged."""


class ReplayInterrupted(AmazonQueueError):
    """Replay stopped part way; `moved` lists the dead letters already back in the queue."""

    moved: tuple[str, ...] = ()


def session_policy(queue_arn: str) -> dict[str, Any]:
    """The inline session policy: only pyqalx's calls, only on this queue."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "QalxQueueClient",
                "Effect": "Allow",
                "Action": [f"sqs:{action}" for action in CLIENT_ACTIONS],
                "Resource": queue_arn,
            }
        ],
    }


def session_name(company_guid: str, bot_guid: str | None, *, limit: int) -> str:
    """`qalx-<company>[-<bot>]` for CloudTrail, guids shortened equally to fit `limit`."""
    parts = [
        _SESSION_CHARS.sub("", guid.replace("-", "")) for guid in (company_guid, bot_guid) if guid
    ]
    each = (limit - len("qalx") - len(parts)) // max(1, len(parts))
    return "-".join(["qalx", *(part[:each] for part in parts)])


class AmazonSqsBackend:
    """A :class:`~qalx_server.queueing.backend.QueueBackend` on Amazon SQS (or moto).

    `role_arn` is assumed for client credentials; with None, `sts.get_federation_token` is used,
    which needs long-term IAM user credentials. `endpoint_url` is what clients are told to use
    (None for AWS itself). `conn` arguments are ignored: SQS is not transactional with the
    database.
    """

    def __init__(
        self,
        *,
        sqs: SQSClient,
        sts: STSClient,
        role_arn: str | None,
        region: str,
        endpoint_url: str | None,
        prefix: str = "qalx-",
        credential_lifetime: int = 3600,
        peek_visibility: int = 30,
        peek_wait: int = 1,
    ) -> None:
        ceiling = MAX_ROLE_LIFETIME if role_arn else MAX_FEDERATION_LIFETIME
        if not MIN_CREDENTIAL_LIFETIME <= credential_lifetime <= ceiling:
            raise ValueError(
                f"credential_lifetime must be {MIN_CREDENTIAL_LIFETIME}-{ceiling} seconds"
            )
        if not region:
            raise ValueError("region must not be empty")
        if not 1 <= peek_visibility <= MAX_VISIBILITY or not 0 <= peek_wait <= MAX_WAIT_SECONDS:
            raise ValueError(
                f"peek_visibility must be 1-{MAX_VISIBILITY} s and peek_wait 0-{MAX_WAIT_SECONDS} s"
            )
        self._sqs = sqs
        self._sts = sts
        self._role_arn = role_arn
        self._region = region
        self._endpoint_url = endpoint_url
        self._prefix = validate_prefix(prefix)
        self._lifetime = credential_lifetime
        self._peek_visibility = peek_visibility
        self._peek_wait = peek_wait
        self._urls: dict[str, str] = {}
        self._arns: dict[str, str] = {}

    def names(self, company: Company, name: str) -> SqsNames:
        """The SQS names behind a qalx queue (for operators and tests)."""
        return sqs_names(self._prefix, company.guid, name)

    # -- QueueBackend -------------------------------------------------------------------------

    def create(
        self,
        conn: Connection,
        company: Company,
        name: str,
        *,
        visibility_timeout: int,
        max_receive_count: int,
        base_url: str,
    ) -> None:
        """Create the companion, then the queue with its RedrivePolicy; on repeat, update both."""
        if not 0 <= visibility_timeout <= MAX_VISIBILITY:
            raise InvalidQueueSettings(f"VisibilityTimeout must be 0-{MAX_VISIBILITY} seconds")
        if not 1 <= max_receive_count <= MAX_RECEIVE_COUNT:
            raise InvalidQueueSettings(f"maxReceiveCount must be 1-{MAX_RECEIVE_COUNT}")
        names = self.names(company, name)
        retention = str(RETENTION_SECONDS)
        dlq_url = self._ensure(
            names.dead_letters, name, company, {"MessageRetentionPeriod": retention}
        )
        redrive = {
            "deadLetterTargetArn": self._arn(names.dead_letters, name, dlq_url),
            "maxReceiveCount": max_receive_count,
        }
        self._ensure(
            names.queue,
            name,
            company,
            {
                "VisibilityTimeout": str(visibility_timeout),
                "MessageRetentionPeriod": retention,
                "RedrivePolicy": json.dumps(redrive, separators=(",", ":")),
            },
        )

    def delete(self, conn: Connection, company: Company, name: str) -> None:
        """Delete the queue first (so nothing is redriven into a vanished companion), then it."""
        names = self.names(company, name)
        for sqs_name in (names.queue, names.dead_letters):
            try:
                url = self._url(sqs_name, name)
                with _translated(sqs_name, name):
                    self._sqs.delete_queue(QueueUrl=url)
            except AmazonQueueNotFound:
                pass
            self._urls.pop(sqs_name, None)
            self._arns.pop(sqs_name, None)

    def revoke(self, conn: Connection, *, bot_guid: str) -> None:
        """Nothing to do: STS cannot revoke one session's credentials (only every session of
        the role, through an IAM deny on aws:TokenIssueTime). A deleted bot's credentials lapse
        at their expiration, at most `credential_lifetime` seconds after they were issued."""

    def access(
        self,
        conn: Connection,
        company: Company,
        name: str,
        *,
        bot_guid: str | None,
        base_url: str,
    ) -> QueueAccess:
        """Fresh STS credentials limited to this queue, and where to use them."""
        sqs_name = self.names(company, name).queue
        url = self._url(sqs_name, name)
        policy = json.dumps(session_policy(self._arn(sqs_name, name, url)), separators=(",", ":"))
        with _translated(sqs_name, name):
            if self._role_arn:
                credentials = self._sts.assume_role(
                    RoleArn=self._role_arn,
                    RoleSessionName=session_name(
                        company.guid, bot_guid, limit=ROLE_SESSION_NAME_MAX
                    ),
                    Policy=policy,
                    DurationSeconds=self._lifetime,
                )["Credentials"]
            else:
                credentials = self._sts.get_federation_token(
                    Name=session_name(company.guid, bot_guid, limit=FEDERATION_NAME_MAX),
                    Policy=policy,
                    DurationSeconds=self._lifetime,
                )["Credentials"]
        return QueueAccess(
            queue_url=url,
            credentials=_credentials(credentials),
            endpoint_url=self._endpoint_url,
            region=self._region,
        )

    def access_many(
        self,
        conn: Connection,
        company: Company,
        names: Sequence[str],
        *,
        bot_guid: str | None,
        base_url: str,
    ) -> list[QueueAccess]:
        """`access` for each queue: each set of STS credentials is limited to its one queue."""
        return [
            self.access(conn, company, name, bot_guid=bot_guid, base_url=base_url) for name in names
        ]

    def stats(self, conn: Connection, company: Company, name: str) -> QueueStats:
        """SQS's approximate counts; the oldest message's age needs CloudWatch, so it is None."""
        names = self.names(company, name)
        queue = self._counts(names.queue, name)
        dead = self._counts(names.dead_letters, name)
        return QueueStats(
            depth=queue[0],
            in_flight=queue[1],
            dead_letters=dead[0] + dead[1],  # in flight there means someone is looking at them
            oldest_age_seconds=None,
        )

    def dead_letters(
        self, conn: Connection, company: Company, name: str, *, limit: int
    ) -> list[DeadLetter]:
        """Up to `limit` dead letters, received from the companion and released again.

        `receive_count` is SQS's ApproximateReceiveCount minus this look's own receive: moto
        (and, as far as AWS documents, SQS) carries the source queue's count over, and every
        earlier look adds one. In a FIFO companion, letters queued behind another letter of the
        same message group are not visible until that one is replayed (pyqalx uses a fresh
        group per message, so this only bites other producers).
        """
        if limit <= 0:
            return []
        sqs_name = self.names(company, name).dead_letters
        url = self._url(sqs_name, name)
        held: dict[str, str] = {}
        letters: list[DeadLetter] = []
        try:
            for message in self._look(url, sqs_name, name, held):
                letters.append(_dead_letter(message))
                if len(letters) >= limit:
                    break
        finally:
            self._release(url, sqs_name, held)
        return letters

    def replay(
        self,
        conn: Connection,
        company: Company,
        name: str,
        *,
        message_ids: Collection[str] | None,
    ) -> list[str]:
        """Send each chosen dead letter back (same body, attributes and group, a fresh
        deduplication id), then delete it from the companion: a failure can duplicate a message
        but never lose one. Returns the companion message ids moved (SQS gives the resent
        message a new id)."""
        names = self.names(company, name)
        queue_url = self._url(names.queue, name)
        dlq_url = self._url(names.dead_letters, name)
        wanted = None if message_ids is None else set(message_ids)
        if wanted is not None and not wanted:
            return []
        held: dict[str, str] = {}
        moved: list[str] = []
        try:
            for message in self._look(dlq_url, names.dead_letters, name, held):
                message_id = message.get("MessageId", "")
                if wanted is not None and message_id not in wanted:
                    continue
                self._send_back(queue_url, names.queue, name, message)
                with _translated(names.dead_letters, name):
                    self._sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=held[message_id])
                del held[message_id]
                moved.append(message_id)
                if wanted is not None and len(moved) == len(wanted):
                    break
        except AmazonQueueError as error:
            interrupted = ReplayInterrupted(
                error.queue, name, error.operation, error.code, f"{error} (moved: {moved})"
            )
            interrupted.moved = tuple(moved)
            raise interrupted from error
        finally:
            self._release(dlq_url, names.dead_letters, held)
        return moved

    # -- helpers ------------------------------------------------------------------------------

    def _ensure(
        self,
        sqs_name: str,
        qalx_name: str,
        company: Company,
        attributes: dict[QueueAttributeNameType, str],
    ) -> str:
        """Create the FIFO queue, or update an existing one's attributes; check its owner.

        An existing queue is looked up first rather than re-created: CreateQueue with the same
        attributes would return it (and moto would overwrite its tags) whoever it belongs to.
        """
        self._urls.pop(sqs_name, None)
        try:
            url = self._url(sqs_name, qalx_name)
        except AmazonQueueNotFound:
            try:
                with _translated(sqs_name, qalx_name):
                    url = self._sqs.create_queue(
                        QueueName=sqs_name,
                        Attributes={**attributes, "FifoQueue": "true"},
                        tags={COMPANY_TAG: company.guid},
                    )["QueueUrl"]
            except AmazonQueueError as error:
                if error.code not in _EXISTS:  # else created meanwhile: adopt it if ours
                    raise
                url = self._url(sqs_name, qalx_name)
        with _translated(sqs_name, qalx_name):
            owner = self._sqs.list_queue_tags(QueueUrl=url).get("Tags", {}).get(COMPANY_TAG)
        if owner != company.guid:
            self._urls.pop(sqs_name, None)
            raise QueueOwnedElsewhere(
                sqs_name,
                qalx_name,
                "CreateQueue",
                "QueueOwnedElsewhere",
                f"the queue exists with {COMPANY_TAG}={owner!r}, not this company",
            )
        with _translated(sqs_name, qalx_name):
            self._sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
        return url

    def _url(self, sqs_name: str, qalx_name: str) -> str:
        url = self._urls.get(sqs_name)
        if url is None:
            with _translated(sqs_name, qalx_name):
                url = self._sqs.get_queue_url(QueueName=sqs_name)["QueueUrl"]
            self._urls[sqs_name] = url
        return url

    def _arn(self, sqs_name: str, qalx_name: str, url: str) -> str:
        arn = self._arns.get(sqs_name)
        if arn is None:
            with _translated(sqs_name, qalx_name):
                found = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            arn = found["Attributes"]["QueueArn"]
            self._arns[sqs_name] = arn
        return arn

    def _counts(self, sqs_name: str, qalx_name: str) -> tuple[int, int]:
        url = self._url(sqs_name, qalx_name)
        with _translated(sqs_name, qalx_name):
            found = self._sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=[
                    "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible",
                ],
            )["Attributes"]
        return (
            int(found.get("ApproximateNumberOfMessages", "0")),
            int(found.get("ApproximateNumberOfMessagesNotVisible", "0")),
        )

    def _look(
        self, url: str, sqs_name: str, qalx_name: str, held: dict[str, str]
    ) -> Iterator[MessageTypeDef]:
        """Each message of `url` once, hidden for the look; `held` maps id -> latest receipt.

        Stops at the first receive that brings nothing new (long polling, so SQS asks all its
        hosts rather than a sample). A message seen again (its look visibility ran out) only
        refreshes its receipt handle.
        """
        while True:
            with _translated(sqs_name, qalx_name):
                messages = self._sqs.receive_message(
                    QueueUrl=url,
                    MaxNumberOfMessages=_BATCH,
                    VisibilityTimeout=self._peek_visibility,
                    WaitTimeSeconds=self._peek_wait,
                    MessageSystemAttributeNames=["All"],
                    MessageAttributeNames=["All"],
                ).get("Messages", [])
            fresh = []
            for message in messages:
                message_id, handle = message.get("MessageId"), message.get("ReceiptHandle")
                if not message_id or not handle:
                    continue
                if message_id not in held:
                    fresh.append(message)
                held[message_id] = handle
            if not fresh:
                return
            yield from fresh

    def _release(self, url: str, sqs_name: str, held: dict[str, str]) -> None:
        """Make looked-at messages visible again; if that fails they reappear by themselves."""
        entries: list[ChangeMessageVisibilityBatchRequestEntryTypeDef] = [
            {"Id": str(index), "ReceiptHandle": handle, "VisibilityTimeout": 0}
            for index, handle in enumerate(held.values())
        ]
        for start in range(0, len(entries), _BATCH):
            try:
                failed = self._sqs.change_message_visibility_batch(
                    QueueUrl=url, Entries=entries[start : start + _BATCH]
                ).get("Failed", [])
            except (BotoCoreError, ClientError) as error:
                log.warning("could not release dead letters of %s: %s", sqs_name, error)
                continue
            for failure in failed:
                log.warning(
                    "could not release a dead letter of %s: %s", sqs_name, failure.get("Code")
                )

    def _send_back(
        self, queue_url: str, sqs_name: str, qalx_name: str, message: MessageTypeDef
    ) -> None:
        system = message.get("Attributes", {})
        attributes = {
            key: _attribute_in(value) for key, value in message.get("MessageAttributes", {}).items()
        }
        with _translated(sqs_name, qalx_name):
            if attributes:
                self._sqs.send_message(
                    QueueUrl=queue_url,
                    MessageBody=message.get("Body", ""),
                    MessageGroupId=system.get("MessageGroupId") or uuid.uuid4().hex,
                    MessageDeduplicationId=uuid.uuid4().hex,
                    MessageAttributes=attributes,
                )
            else:
                self._sqs.send_message(
                    QueueUrl=queue_url,
                    MessageBody=message.get("Body", ""),
                    MessageGroupId=system.get("MessageGroupId") or uuid.uuid4().hex,
                    MessageDeduplicationId=uuid.uuid4().hex,
                )


def amazon_backend_from_settings(
    *,
    region: str,
    role_arn: str | None = None,
    sqs_endpoint_url: str | None = None,
    sts_endpoint_url: str | None = None,
    client_endpoint_url: str | None = None,
    prefix: str = "qalx-",
    credential_lifetime: int = 3600,
    access_key: str | None = None,
    secret_key: str | None = None,
    session_token: str | None = None,
    max_attempts: int = 5,
) -> AmazonSqsBackend:
    """Build the backend from plain settings; credentials come from boto3's standard chain
    (environment, shared config, container or instance role) unless given explicitly.

    `client_endpoint_url` is the SQS endpoint handed to clients, defaulting to
    `sqs_endpoint_url` (they differ when the server reaches SQS by a private address).
    """
    session = boto3.session.Session(
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=session_token,
        region_name=region,
    )
    config = Config(
        retries={"mode": "standard", "max_attempts": max_attempts},
        connect_timeout=10,
        read_timeout=60,  # beyond any WaitTimeSeconds
    )
    sqs: SQSClient = session.client("sqs", endpoint_url=sqs_endpoint_url, config=config)
    sts: STSClient = session.client("sts", endpoint_url=sts_endpoint_url, config=config)
    return AmazonSqsBackend(
        sqs=sqs,
        sts=sts,
        role_arn=role_arn,
        region=region,
        endpoint_url=client_endpoint_url if client_endpoint_url is not None else sqs_endpoint_url,
        prefix=prefix,
        credential_lifetime=credential_lifetime,
    )


@contextmanager
def _translated(sqs_name: str, qalx_name: str) -> Iterator[None]:
    """Turn botocore's errors into ones that name the queue and AWS's error code."""
    try:
        yield
    except ClientError as error:
        _raise(error, sqs_name, qalx_name)
    except BotoCoreError as error:
        raise AmazonQueueError(
            sqs_name, qalx_name, "request", type(error).__name__, str(error)
        ) from error


def _raise(error: ClientError, sqs_name: str, qalx_name: str) -> NoReturn:
    details = error.response.get("Error", {})
    code = str(details.get("Code", "Unknown"))
    message = str(details.get("Message", error))
    kind = AmazonQueueNotFound if code in _NOT_FOUND else AmazonQueueError
    raise kind(sqs_name, qalx_name, error.operation_name, code, message) from error


def _credentials(found: CredentialsTypeDef) -> QueueCredentials:
    return QueueCredentials(
        access_key_id=found["AccessKeyId"],
        secret_access_key=found["SecretAccessKey"],
        session_token=found["SessionToken"],
        expiration=found["Expiration"].astimezone(dt.UTC),
    )


def _timestamp(milliseconds: str | None) -> dt.datetime | None:
    if not milliseconds:
        return None
    return dt.datetime.fromtimestamp(int(milliseconds) / 1000, tz=dt.UTC)


def _dead_letter(message: MessageTypeDef) -> DeadLetter:
    system = message.get("Attributes", {})
    attributes = message.get("MessageAttributes")
    return DeadLetter(
        message_id=message.get("MessageId", ""),
        body=message.get("Body", ""),
        receive_count=max(0, int(system.get("ApproximateReceiveCount", "1")) - 1),
        sent=_timestamp(system.get("SentTimestamp")),
        first_received=_timestamp(system.get("ApproximateFirstReceiveTimestamp")),
        group_id=system.get("MessageGroupId"),
        attributes={key: dict(value) for key, value in attributes.items()} if attributes else None,
    )


def _attribute_in(value: MessageAttributeValueOutputTypeDef) -> MessageAttributeValueTypeDef:
    copied: MessageAttributeValueTypeDef = {"DataType": value["DataType"]}
    if "StringValue" in value:
        copied["StringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        copied["BinaryValue"] = value["BinaryValue"]
    return copied
