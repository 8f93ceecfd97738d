"""Amazon SQS queue names for qalx queues: one AWS account holds every company's queues.

The qalx queue N of the company with guid G is the FIFO queue

    <prefix><C>-<B>.fifo          and its dead-letter companion     <prefix><C>-<B>-dlq.fifo

- C is the first 12 hex digits of G (a uuid4: 48 random bits). A company guid that is not 32
  hex digits (hyphens allowed) is hashed instead (first 12 hex digits of its SHA-256).
- B is N itself when N is already a valid name part (`A-Za-z0-9_-`), fits, and does not end in
  `-dlq` (so no queue can take another's companion name). Otherwise each disallowed character
  becomes `_`, the result is cut to fit, and `-` plus the first 8 hex digits of the SHA-256 of
  the exact qalx name are appended, so distinct qalx names never share a queue.
- "Fits" means the companion name stays within SQS's 80 characters.

Two companies whose guids share 12 hex digits would map N to the same queue; the backend tags
each queue with its company guid and refuses to adopt a queue tagged for another company.
"""

from __future__ import annotations

import re
from typing import Final

import attrs

from qalx_server.queue_model import (
    DLQ_SUFFIX,
    FIFO_SUFFIX,
    MAX_NAME,
    dead_letter_name,
    name_digest,
    name_part,
)

COMPANY_KEY_LENGTH: Final = 12
MAX_PREFIX: Final = 40
"""Leaves at least 80 - 40 - 13 - 9 = 18 characters for the qalx name part."""

_PREFIX: Final = re.compile(r"[A-Za-z0-9_-]*")
_HEX_GUID: Final = re.compile(r"[0-9a-f]{32}")


@attrs.frozen
class SqsNames:
    """The two SQS queue names behind one qalx queue."""

    queue: str
    dead_letters: str


def validate_prefix(prefix: str) -> str:
    """The prefix, if SQS allows it in a queue name and leaves room for the rest."""
    if not _PREFIX.fullmatch(prefix) or len(prefix) > MAX_PREFIX:
        raise ValueError(f"queue prefix {prefix!r} must be at most {MAX_PREFIX} of A-Z a-z 0-9 _ -")
    return prefix


def company_key(company_guid: str) -> str:
    """The short company id in queue names (see the module docstring)."""
    plain = company_guid.replace("-", "").lower()
    if _HEX_GUID.fullmatch(plain):
        return plain[:COMPANY_KEY_LENGTH]
    return name_digest(company_guid)[:COMPANY_KEY_LENGTH]


def sqs_names(prefix: str, company_guid: str, qalx_name: str) -> SqsNames:
    """The queue and companion names for `qalx_name` in the company `company_guid`."""
    head = f"{validate_prefix(prefix)}{company_key(company_guid)}-"
    room = MAX_NAME - len(head) - len(DLQ_SUFFIX) - len(FIFO_SUFFIX)
    queue = f"{head}{name_part(qalx_name, room)}{FIFO_SUFFIX}"
    return SqsNames(queue=queue, dead_letters=dead_letter_name(queue))
