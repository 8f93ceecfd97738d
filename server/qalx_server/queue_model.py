"""What a qalx queue is, whichever service holds it: the built-in broker (`broker/`) and Amazon
SQS (`queueing/amazon.py`) share these types, limits, defaults and naming rules, and the REST
layer (`queueing/backend.py`, `entities/`) speaks only in them.

A qalx queue is an SQS FIFO queue with a dead-letter companion and a redrive policy. SQS's own
limits apply to it on either service; the defaults are those of a queue entity created without
`parameters` (the spec's `QueueParameters`, checked against these in the tests).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any, Final

import attrs

# -- limits (SQS's) ----------------------------------------------------------------------------
MAX_VISIBILITY: Final = 43_200
"""The longest visibility timeout, and the longest a message can stay in flight, in seconds."""
MAX_RECEIVE_COUNT: Final = 1000
"""The largest `maxReceiveCount` of a redrive policy."""
RETENTION_SECONDS: Final = 1_209_600
"""How long a message is kept (14 days, SQS's longest)."""
MAX_WAIT_SECONDS: Final = 20
"""The longest long poll."""
MAX_NAME: Final = 80
"""The longest SQS queue name."""

# -- defaults of a new queue ---------------------------------------------------------------------
DEFAULT_VISIBILITY_TIMEOUT: Final = 30
DEFAULT_MAX_RECEIVE_COUNT: Final = 5

# -- names -------------------------------------------------------------------------------------
FIFO_SUFFIX: Final = ".fifo"
DLQ_SUFFIX: Final = "-dlq"
NAME_HASH_LENGTH: Final = 8
_PART: Final = re.compile(r"[A-Za-z0-9_-]+")
_DISALLOWED: Final = re.compile(r"[^A-Za-z0-9_-]")


def name_digest(text: str) -> str:
    """The SHA-256 hex digest that makes sanitised names unique."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def name_part(qalx_name: str, room: int) -> str:
    """The part of an SQS queue name that stands for `qalx_name`, at most `room` characters:
    the name itself when it is already a valid SQS name part (`A-Za-z0-9_-`), fits and does not
    end in `-dlq` (so no queue can take another's companion name); otherwise each disallowed
    character becomes `_`, the result is cut to fit and `-` plus the first 8 hex digits of the
    SHA-256 of the exact qalx name are appended, so distinct qalx names never share a queue."""
    if _PART.fullmatch(qalx_name) and len(qalx_name) <= room and not qalx_name.endswith(DLQ_SUFFIX):
        return qalx_name
    kept = _DISALLOWED.sub("_", qalx_name)[: room - NAME_HASH_LENGTH - 1] or "q"
    return f"{kept}-{name_digest(qalx_name)[:NAME_HASH_LENGTH]}"


def dead_letter_name(name: str) -> str:
    """The companion's name: `B.fifo` -> `B-dlq.fifo`, `B` -> `B-dlq`."""
    if name.endswith(FIFO_SUFFIX):
        return name[: -len(FIFO_SUFFIX)] + DLQ_SUFFIX + FIFO_SUFFIX
    return name + DLQ_SUFFIX


# -- what the REST layer shows ---------------------------------------------------------------------
@attrs.frozen
class QueueCredentials:
    """Temporary credentials for one company's queues (`info.credentials` on the wire)."""

    access_key_id: str
    secret_access_key: str = attrs.field(repr=False)
    session_token: str = attrs.field(repr=False)
    expiration: dt.datetime
    """Aware (UTC)."""


@attrs.frozen
class QueueStats:
    depth: int
    """Messages ready to be received."""
    in_flight: int
    """Received and not yet deleted, within their visibility timeout."""
    dead_letters: int
    oldest_age_seconds: float | None
    """Age of the oldest message in the queue; None when empty or when the backend cannot say."""


@attrs.frozen
class DeadLetter:
    message_id: str
    body: str
    receive_count: int
    sent: dt.datetime | None
    first_received: dt.datetime | None
    group_id: str | None = None
    attributes: dict[str, Any] | None = None
