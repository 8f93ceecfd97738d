"""Broker queue names, queue URLs and ARNs.

A qalx queue named N is the FIFO broker queue `N.fifo` when N is already a valid SQS name
(1-75 of `A-Za-z0-9_-`, not ending in `-dlq`). Any other name is sanitised (each disallowed
character becomes `_`) and made unique with the first 8 hex digits of the SHA-256 of the exact
qalx name: `my_queue-1a2b3c4d.fifo`. The dead-letter companion of `B.fifo` is `B-dlq.fifo`;
since qalx names ending in `-dlq` are always hashed, no qalx queue can take a companion's name.

Queue URLs are `<server base>sqs/<company guid>/<broker name>`; only the path's last two
segments are read back, so the same queue answers on any host name the server is reached by.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import attrs

from qalx_server.queue_model import DLQ_SUFFIX, FIFO_SUFFIX, MAX_NAME, name_part

ENDPOINT_PATH = "sqs"
_GUID = re.compile(r"[0-9a-f]{32}")
_BASE_MAX = MAX_NAME - len(FIFO_SUFFIX) - len(DLQ_SUFFIX)  # room for the companion's suffix


def broker_queue_name(qalx_name: str, *, fifo: bool = True) -> str:
    """The broker (SQS) queue name for a qalx queue name."""
    return name_part(qalx_name, _BASE_MAX) + (FIFO_SUFFIX if fifo else "")


def endpoint_url(base_url: str) -> str:
    """What boto3 takes as `endpoint_url`: `<server base>sqs`."""
    return _slash(base_url) + ENDPOINT_PATH


def queue_url(base_url: str, company_guid: str, name: str) -> str:
    return f"{_slash(base_url)}{ENDPOINT_PATH}/{company_guid}/{name}"


@attrs.frozen
class QueueRef:
    company_guid: str
    name: str


def parse_queue_url(url: str) -> QueueRef | None:
    """The company guid and queue name of a queue URL (host ignored); None if malformed."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    parts = path.rstrip("/").split("/")
    if len(parts) < 3 or parts[-3] != ENDPOINT_PATH:
        return None
    guid, name = parts[-2].lower(), parts[-1]
    if not _GUID.fullmatch(guid) or not name or len(name) > MAX_NAME:
        return None
    return QueueRef(guid, name)


def account_id(company_guid: str) -> str:
    """A stable 12-digit stand-in for an AWS account id, one per company."""
    return f"{int(company_guid, 16) % 10**12:012d}"


def queue_arn(region: str, company_guid: str, name: str) -> str:
    return f"arn:aws:sqs:{region}:{account_id(company_guid)}:{name}"


def _slash(base_url: str) -> str:
    return base_url if base_url.endswith("/") else base_url + "/"
