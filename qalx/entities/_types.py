"""The entity types of the qalx API, apart from Blueprint and Queue (own modules)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from uuid import UUID

from ._addict import QalxAddict
from ._base import QalxEntity, QalxFileEntity, QalxListEntity, QalxQueueableEntity


class Item(QalxFileEntity, QalxQueueableEntity):
    """The core of qalx: structured `data`, a `file`, or both, with `meta`."""

    entity_type: ClassVar[str] = "item"

    @property
    def data(self) -> QalxAddict:
        value: QalxAddict = self._field("data")
        return value

    @data.setter
    def data(self, value: Mapping[str, Any]) -> None:
        self["data"] = value

    @property
    def file(self) -> QalxAddict:
        """`{}` when the item has no file, else `{name, url, [keyfile], [as_file]}`."""
        value: QalxAddict = self._field("file")
        return value

    @file.setter
    def file(self, value: Mapping[str, Any]) -> None:
        self["file"] = value


class Set(QalxQueueableEntity):
    """A named mapping of items (`items`: key → Item when unpacked, guid when packed)."""

    entity_type: ClassVar[str] = "set"
    child_entity_class: ClassVar[type[QalxEntity] | None] = Item

    @property
    def items_(self) -> dict[str, Item | UUID]:
        """The `items` key (`set.items` is dict's method)."""
        value: dict[str, Item | UUID] = self._field("items")
        return value

    def get_item_data(self, item_key: str) -> QalxAddict | None:
        """The `data` of the item under `item_key`, or None when the key is missing (or the
        set is packed, holding only guids)."""
        item = self.get("items", {}).get(item_key)
        return item.get("data") if isinstance(item, Mapping) else None


class Group(QalxQueueableEntity):
    """A named mapping of sets (`sets`: key → Set when unpacked, guid when packed)."""

    entity_type: ClassVar[str] = "group"
    child_entity_class: ClassVar[type[QalxEntity] | None] = Set

    @property
    def sets(self) -> dict[str, Set | UUID]:
        value: dict[str, Set | UUID] = self._field("sets")
        return value


class Bot(QalxEntity):
    """A running bot: its `config`, `host`, `state`, `status` and `workers`."""

    entity_type: ClassVar[str] = "bot"

    @property
    def name(self) -> str:
        return str(self._field("name"))

    @property
    def workers(self) -> list[Worker]:
        rows = self.get("workers") or []
        return [w if isinstance(w, Worker) else Worker(w) for w in rows]


class Worker(QalxEntity):
    """One worker process of a bot: `state`, `signal`, `status`."""

    entity_type: ClassVar[str] = "worker"

    @property
    def signal(self) -> QalxAddict:
        value = self.get("signal")
        return value if isinstance(value, QalxAddict) else QalxAddict(value or {})


class Factory(QalxFileEntity):
    """A deployed pipeline of bots; its plan file lives under `plan`."""

    entity_type: ClassVar[str] = "factory"
    _file_key: ClassVar[str] = "plan"


class Notification(QalxEntity):
    """An e-mail sent on a user's behalf."""

    entity_type: ClassVar[str] = "notification"


class ItemAddManyEntity(QalxListEntity[Item]):
    """The answer of `item.add_many`: `items` (created items, in request order), `errors`
    (index → detail), `items_created`, `items_errored`."""

    _data_key: ClassVar[str] = "items"

    def __init__(self, pyqalxapi_list_response_dict: Mapping[str, Any]) -> None:
        super().__init__(pyqalxapi_list_response_dict, child=Item)

    @property
    def items_(self) -> list[Item]:
        """The `items` key (`resp.items` is dict's method)."""
        return self.data

    @property
    def errors(self) -> dict[int, Any]:
        raw = self.get("errors") or {}
        return {int(k): v for k, v in raw.items()}
