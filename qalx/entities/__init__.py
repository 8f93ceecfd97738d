"""The entities of the qalx API: dicts whose keys are attributes too, with typed fields."""

from ._addict import QalxAddict
from ._base import (
    AggregationResult,
    QalxEntity,
    QalxFileEntity,
    QalxListEntity,
    QalxQueueableEntity,
    as_guid,
)
from ._blueprint import Blueprint
from ._queue import DeadLetter, Queue, QueueMessage, QueueResponse, QueueStats
from ._types import Bot, Factory, Group, Item, ItemAddManyEntity, Notification, Set, Worker

BaseQalxEntity = QalxEntity
"""pyqalx's name for the base of every entity."""

DEFAULT_ENTITY_CLASSES: tuple[type[QalxEntity], ...] = (
    Item,
    Set,
    Group,
    Blueprint,
    Queue,
    Bot,
    Worker,
    Factory,
    Notification,
)

__all__ = [
    "DEFAULT_ENTITY_CLASSES",
    "AggregationResult",
    "BaseQalxEntity",
    "Blueprint",
    "Bot",
    "DeadLetter",
    "Factory",
    "Group",
    "Item",
    "ItemAddManyEntity",
    "Notification",
    "QalxAddict",
    "QalxEntity",
    "QalxFileEntity",
    "QalxListEntity",
    "QalxQueueableEntity",
    "Queue",
    "QueueMessage",
    "QueueResponse",
    "QueueStats",
    "Set",
    "Worker",
    "as_guid",
]
