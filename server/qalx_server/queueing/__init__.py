"""Queues behind qalx queue entities: the built-in SQS-compatible broker, or Amazon SQS.

The REST layer talks to one `QueueBackend`; clients only ever talk SQS to whatever
`QueueAccess.endpoint_url` (or AWS itself) says.
"""

from qalx_server.queue_model import DeadLetter, QueueCredentials, QueueStats

from .backend import (
    Company,
    QueueAccess,
    QueueBackend,
    QueueConflict,
    QueueNotFound,
    QueueUnavailable,
)

__all__ = [
    "Company",
    "DeadLetter",
    "QueueAccess",
    "QueueBackend",
    "QueueConflict",
    "QueueCredentials",
    "QueueNotFound",
    "QueueStats",
    "QueueUnavailable",
]
