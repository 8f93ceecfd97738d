"""Contains all the data models used in inputs/outputs"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .actor import Actor
    from .aggregate_request import AggregateRequest
    from .aggregate_result import AggregateResult
    from .aggregate_result_data_item import AggregateResultDataItem
    from .binary_guid import BinaryGuid
    from .blueprint import Blueprint
    from .blueprint_create import BlueprintCreate
    from .blueprint_list import BlueprintList
    from .blueprint_update import BlueprintUpdate
    from .bot import Bot
    from .bot_create import BotCreate
    from .bot_credentials import BotCredentials
    from .bot_info import BotInfo
    from .bot_list import BotList
    from .bot_update import BotUpdate
    from .bot_update_workers_item import BotUpdateWorkersItem
    from .create_item_qalx_bulk import CreateItemQalxBulk
    from .data import Data
    from .date_time import DateTime
    from .dead_letter import DeadLetter
    from .dead_letter_list import DeadLetterList
    from .entity_type import EntityType
    from .error import Error
    from .error_item import ErrorItem
    from .factory import Factory
    from .factory_bot import FactoryBot
    from .factory_bot_ref import FactoryBotRef
    from .factory_create import FactoryCreate
    from .factory_create_data import FactoryCreateData
    from .factory_list import FactoryList
    from .factory_stacks import FactoryStacks
    from .factory_update import FactoryUpdate
    from .factory_update_stacks import FactoryUpdateStacks
    from .factory_validate import FactoryValidate
    from .factory_validate_result import FactoryValidateResult
    from .file import File
    from .file_write import FileWrite
    from .group import Group
    from .group_list import GroupList
    from .group_sets import GroupSets
    from .group_write import GroupWrite
    from .group_write_sets import GroupWriteSets
    from .health import Health
    from .health_status import HealthStatus
    from .host import Host
    from .index import Index
    from .index_declare import IndexDeclare
    from .index_list import IndexList
    from .info import Info
    from .item import Item
    from .item_bulk_create import ItemBulkCreate
    from .item_bulk_result import ItemBulkResult
    from .item_bulk_result_errors import ItemBulkResultErrors
    from .item_create import ItemCreate
    from .item_list import ItemList
    from .item_update import ItemUpdate
    from .job_failure import JobFailure
    from .job_failure_record import JobFailureRecord
    from .json_schema import JsonSchema
    from .list_query import ListQuery
    from .meta import Meta
    from .notification import Notification
    from .notification_create import NotificationCreate
    from .notification_delivery import NotificationDelivery
    from .notification_delivery_state import NotificationDeliveryState
    from .notification_info import NotificationInfo
    from .notification_list import NotificationList
    from .notification_update import NotificationUpdate
    from .optional_date_time import OptionalDateTime
    from .queue import Queue
    from .queue_create import QueueCreate
    from .queue_credentials import QueueCredentials
    from .queue_info import QueueInfo
    from .queue_list import QueueList
    from .queue_parameters import QueueParameters
    from .queue_stats import QueueStats
    from .queue_update import QueueUpdate
    from .replace_workers import ReplaceWorkers
    from .replay import Replay
    from .replay_result import ReplayResult
    from .set_ import Set
    from .set_items import SetItems
    from .set_list import SetList
    from .set_write import SetWrite
    from .set_write_items import SetWriteItems
    from .signal import Signal
    from .stamp import Stamp
    from .status import Status
    from .tag import Tag
    from .tags_validate import TagsValidate
    from .tags_validate_result import TagsValidateResult
    from .utc_offset import UtcOffset
    from .uuid_guid import UuidGuid
    from .worker import Worker
    from .worker_job import WorkerJob
    from .worker_list import WorkerList
    from .worker_signal import WorkerSignal
    from .worker_update import WorkerUpdate

_MODULE_OF = {
    "Actor": "actor",
    "AggregateRequest": "aggregate_request",
    "AggregateResult": "aggregate_result",
    "AggregateResultDataItem": "aggregate_result_data_item",
    "BinaryGuid": "binary_guid",
    "Blueprint": "blueprint",
    "BlueprintCreate": "blueprint_create",
    "BlueprintList": "blueprint_list",
    "BlueprintUpdate": "blueprint_update",
    "Bot": "bot",
    "BotCreate": "bot_create",
    "BotCredentials": "bot_credentials",
    "BotInfo": "bot_info",
    "BotList": "bot_list",
    "BotUpdate": "bot_update",
    "BotUpdateWorkersItem": "bot_update_workers_item",
    "CreateItemQalxBulk": "create_item_qalx_bulk",
    "Data": "data",
    "DateTime": "date_time",
    "DeadLetter": "dead_letter",
    "DeadLetterList": "dead_letter_list",
    "EntityType": "entity_type",
    "Error": "error",
    "ErrorItem": "error_item",
    "Factory": "factory",
    "FactoryBot": "factory_bot",
    "FactoryBotRef": "factory_bot_ref",
    "FactoryCreate": "factory_create",
    "FactoryCreateData": "factory_create_data",
    "FactoryList": "factory_list",
    "FactoryStacks": "factory_stacks",
    "FactoryUpdate": "factory_update",
    "FactoryUpdateStacks": "factory_update_stacks",
    "FactoryValidate": "factory_validate",
    "FactoryValidateResult": "factory_validate_result",
    "File": "file",
    "FileWrite": "file_write",
    "Group": "group",
    "GroupList": "group_list",
    "GroupSets": "group_sets",
    "GroupWrite": "group_write",
    "GroupWriteSets": "group_write_sets",
    "Health": "health",
    "HealthStatus": "health_status",
    "Host": "host",
    "Index": "index",
    "IndexDeclare": "index_declare",
    "IndexList": "index_list",
    "Info": "info",
    "Item": "item",
    "ItemBulkCreate": "item_bulk_create",
    "ItemBulkResult": "item_bulk_result",
    "ItemBulkResultErrors": "item_bulk_result_errors",
    "ItemCreate": "item_create",
    "ItemList": "item_list",
    "ItemUpdate": "item_update",
    "JobFailure": "job_failure",
    "JobFailureRecord": "job_failure_record",
    "JsonSchema": "json_schema",
    "ListQuery": "list_query",
    "Meta": "meta",
    "Notification": "notification",
    "NotificationCreate": "notification_create",
    "NotificationDelivery": "notification_delivery",
    "NotificationDeliveryState": "notification_delivery_state",
    "NotificationInfo": "notification_info",
    "NotificationList": "notification_list",
    "NotificationUpdate": "notification_update",
    "OptionalDateTime": "optional_date_time",
    "Queue": "queue",
    "QueueCreate": "queue_create",
    "QueueCredentials": "queue_credentials",
    "QueueInfo": "queue_info",
    "QueueList": "queue_list",
    "QueueParameters": "queue_parameters",
    "QueueStats": "queue_stats",
    "QueueUpdate": "queue_update",
    "ReplaceWorkers": "replace_workers",
    "Replay": "replay",
    "ReplayResult": "replay_result",
    "Set": "set_",
    "SetItems": "set_items",
    "SetList": "set_list",
    "SetWrite": "set_write",
    "SetWriteItems": "set_write_items",
    "Signal": "signal",
    "Stamp": "stamp",
    "Status": "status",
    "Tag": "tag",
    "TagsValidate": "tags_validate",
    "TagsValidateResult": "tags_validate_result",
    "UtcOffset": "utc_offset",
    "UuidGuid": "uuid_guid",
    "Worker": "worker",
    "WorkerJob": "worker_job",
    "WorkerList": "worker_list",
    "WorkerSignal": "worker_signal",
    "WorkerUpdate": "worker_update",
}

__all__ = (
    "Actor",
    "AggregateRequest",
    "AggregateResult",
    "AggregateResultDataItem",
    "BinaryGuid",
    "Blueprint",
    "BlueprintCreate",
    "BlueprintList",
    "BlueprintUpdate",
    "Bot",
    "BotCreate",
    "BotCredentials",
    "BotInfo",
    "BotList",
    "BotUpdate",
    "BotUpdateWorkersItem",
    "CreateItemQalxBulk",
    "Data",
    "DateTime",
    "DeadLetter",
    "DeadLetterList",
    "EntityType",
    "Error",
    "ErrorItem",
    "Factory",
    "FactoryBot",
    "FactoryBotRef",
    "FactoryCreate",
    "FactoryCreateData",
    "FactoryList",
    "FactoryStacks",
    "FactoryUpdate",
    "FactoryUpdateStacks",
    "FactoryValidate",
    "FactoryValidateResult",
    "File",
    "FileWrite",
    "Group",
    "GroupList",
    "GroupSets",
    "GroupWrite",
    "GroupWriteSets",
    "Health",
    "HealthStatus",
    "Host",
    "Index",
    "IndexDeclare",
    "IndexList",
    "Info",
    "Item",
    "ItemBulkCreate",
    "ItemBulkResult",
    "ItemBulkResultErrors",
    "ItemCreate",
    "ItemList",
    "ItemUpdate",
    "JobFailure",
    "JobFailureRecord",
    "JsonSchema",
    "ListQuery",
    "Meta",
    "Notification",
    "NotificationCreate",
    "NotificationDelivery",
    "NotificationDeliveryState",
    "NotificationInfo",
    "NotificationList",
    "NotificationUpdate",
    "OptionalDateTime",
    "Queue",
    "QueueCreate",
    "QueueCredentials",
    "QueueInfo",
    "QueueList",
    "QueueParameters",
    "QueueStats",
    "QueueUpdate",
    "ReplaceWorkers",
    "Replay",
    "ReplayResult",
    "Set",
    "SetItems",
    "SetList",
    "SetWrite",
    "SetWriteItems",
    "Signal",
    "Stamp",
    "Status",
    "Tag",
    "TagsValidate",
    "TagsValidateResult",
    "UtcOffset",
    "UuidGuid",
    "Worker",
    "WorkerJob",
    "WorkerList",
    "WorkerSignal",
    "WorkerUpdate",
)


def __getattr__(name: str) -> Any:
    """Import a name's module on first use (see codegen/generate.py)."""
    try:
        module = _MODULE_OF[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
