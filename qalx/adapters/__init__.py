"""Adapters: how a session reaches the API for each entity type (`session.item`, ...)."""

from ._base import QalxAdapter, QalxNamedEntityAdapter, QalxUnpackableAdapter
from ._types import (
    QalxBlueprint,
    QalxBot,
    QalxFactory,
    QalxGroup,
    QalxItem,
    QalxNotification,
    QalxQueue,
    QalxSet,
    QalxWorker,
    default_adapters,
)

__all__ = [
    "QalxAdapter",
    "QalxBlueprint",
    "QalxBot",
    "QalxFactory",
    "QalxGroup",
    "QalxItem",
    "QalxNamedEntityAdapter",
    "QalxNotification",
    "QalxQueue",
    "QalxSet",
    "QalxUnpackableAdapter",
    "QalxWorker",
    "default_adapters",
]
