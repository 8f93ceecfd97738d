"""The built-in SQS-compatible message broker: AWS JSON 1.0 SQS, as boto3 speaks it.

`SqsEndpoint(broker)` serves it over HTTP (the server mounts it at `naming.ENDPOINT_PATH`); the
functions below are the service API the REST layer and the CLI use (see `naming` for how qalx
queue names map to broker queue names).
"""

from __future__ import annotations

from qalx_server.queue_model import dead_letter_name

from .admin import (
    UnknownQueue,
    list_dead_letters,
    queue_stats,
    replay_dead_letters,
)
from .credentials import issue_credentials, revoke_credentials
from .endpoint import SqsEndpoint
from .naming import broker_queue_name, endpoint_url, queue_url
from .queues import QueueError, create_queue, delete_queue, qalx_queue_url
from .server import Broker

__all__ = [
    "Broker",
    "QueueError",
    "SqsEndpoint",
    "UnknownQueue",
    "broker_queue_name",
    "create_queue",
    "dead_letter_name",
    "delete_queue",
    "endpoint_url",
    "issue_credentials",
    "list_dead_letters",
    "qalx_queue_url",
    "queue_stats",
    "queue_url",
    "replay_dead_letters",
    "revoke_credentials",
]
