"""The entity base classes: typed dicts for what the API stores and answers."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar
from uuid import UUID

from qalx.errors import QalxAPIResponseError, QalxError, QalxNoGUIDError, QalxQueueError

from ._addict import QalxAddict

if TYPE_CHECKING:
    from qalx.files import Files

    from ._queue import Queue, QueueResponse

E = TypeVar("E", bound="QalxEntity")


def as_guid(value: Any, what: str = "guid") -> UUID:
    """A guid given as `UUID` or text (hyphenated or 32 hex), or a clear error."""
    if isinstance(value, UUID):
        return value
    if isinstance(value, str):
        try:
            return UUID(value)
        except ValueError:
            pass
    raise QalxError(f"{what} must be a UUID or its text form; got {value!r}")


class QalxEntity(QalxAddict):
    """An entity of the qalx API: a dict whose keys are attributes too (`item["data"]["x"]`
    and `item.data.x` are the same), with the well-known fields as typed properties."""

    entity_type: ClassVar[str] = ""

    _files: Files | None = None

    @classmethod
    def pluralise(cls) -> str:
        """The entity type's plural (`item` → `items`, `factory` → `factories`)."""
        singular = cls.entity_type
        if len(singular) > 1 and singular.endswith("y") and singular[-2] not in "aeiouy":
            return singular[:-1] + "ies"
        return singular + "s"

    def _field(self, key: str) -> Any:
        """A key read by a typed property; a missing one is an AttributeError, which Python
        hands on to `__getattr__`, whose message says so."""
        try:
            return dict.__getitem__(self, key)
        except KeyError:
            raise AttributeError(key) from None

    @property
    def guid(self) -> UUID:
        value = self.get("guid")
        if value is None:
            raise QalxNoGUIDError(f"this {type(self).__name__} has no guid: it is not stored yet")
        return as_guid(value)

    @property
    def info(self) -> QalxAddict:
        value: QalxAddict = self._field("info")
        return value

    @property
    def meta(self) -> QalxAddict:
        value: QalxAddict = self._field("meta")
        return value

    @meta.setter
    def meta(self, value: Mapping[str, Any]) -> None:
        self["meta"] = value

    @property
    def tags(self) -> list[QalxAddict]:
        value: list[QalxAddict] = self._field("tags")
        return value

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"


class QalxFileEntity(QalxEntity):
    """An entity that can hold a file: its bytes are read from the signed `url` and decrypted
    with the session's `KEYFILE` when the file was stored encrypted."""

    _file_key: ClassVar[str] = "file"
    _file_bytes: bytes | None = None
    _key_file: str | None = None

    def __init__(self, *args: Any, keyfile: str | None = None, **kwargs: Any) -> None:
        """`keyfile`, as in pyqalx: the Fernet key that decrypts this entity's file when it is
        read (an entity from a session uses the session's KEYFILE)."""
        super().__init__(*args, **kwargs)
        self._key_file = keyfile

    def _file_access(self) -> Files:
        if self._files is None:
            from qalx.files import Files
            from qalx.transport import HttpTransport

            transport = HttpTransport(
                "http://files.invalid/",  # only signed URLs are fetched: no API base needed
                None,
                max_retries=2,
                connect_timeout=10.0,
                read_timeout=300.0,
                user_agent="qalx",
            )
            self._files = Files(transport, self._key_file)
        return self._files

    def read_file(self, retry: bool = True) -> bytes:
        """The file's bytes (decrypted), cached on the entity. A failed download is retried
        once after 2 s when `retry`, then raises `QalxFileRetrievalError`."""
        file = self.get(self._file_key)
        if not file:
            raise QalxError(f"this {type(self).__name__} doesn't have file data")
        self._file_bytes = self._file_access().read(file, retry=retry)
        return self._file_bytes

    def save_file_to_disk(
        self, filepath: str | os.PathLike[str], filename: str | None = None
    ) -> str:
        """Save the file as `<filepath>/<filename or the stored name>` and return that path.
        Downloads stream to disk (nothing is held in memory unless the file is encrypted)."""
        file = self.get(self._file_key)
        if not file:
            raise QalxError(f"this {type(self).__name__} doesn't have file data")
        name = filename or file.get("name")
        if not name:
            raise QalxError("the file has no stored name: pass filename=...")
        target = Path(filepath) / str(name)
        if self._file_bytes is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self._file_bytes)
        else:
            self._file_access().save(file, target)
        return str(target)


class QalxQueueableEntity(QalxEntity):
    """An entity that can be sent to a queue (Item, Set, Group)."""

    child_entity_class: ClassVar[type[QalxEntity] | None] = None

    @classmethod
    def add_to_queue(
        cls,
        payload: QalxEntity | UUID | str | Iterable[QalxEntity | UUID | str],
        queue: Queue,
        children: bool = False,
        **message_kwargs: Any,
    ) -> QueueResponse:
        """Send entities or guids to `queue`, 10 per SQS batch. With `children=True`, send the
        set's items (or the group's sets) instead, each message naming its parent."""
        entity_type = cls.entity_type
        if children:
            child = cls.child_entity_class
            if child is None:
                raise QalxQueueError(f"{cls.__name__} has no children to queue")
            if not isinstance(payload, cls):
                raise QalxQueueError(
                    f"with children=True, {cls.__name__}.add_to_queue needs a {cls.__name__}; "
                    f"got {type(payload).__name__}"
                )
            kids = payload.get(child.pluralise())
            if not isinstance(kids, Mapping):
                raise QalxQueueError(
                    f"this {cls.__name__} has no {child.pluralise()} to queue "
                    "(was it fetched with fields=...?)"
                )
            message_kwargs[f"parent_{entity_type}_guid"] = str(payload.guid)
            entity_type = child.entity_type
            payload = list(kids.values())
        return queue._send_message(payload=payload, entity_type=entity_type, **message_kwargs)


class QalxListEntity(QalxAddict, Generic[E]):
    """A page of a list answer: `data` holds the entities (iterating yields them), `query`
    the paging facts; any other key of the answer is kept."""

    _data_key: ClassVar[str] = "data"

    def __init__(self, pyqalxapi_list_response_dict: Mapping[str, Any], child: type[E]) -> None:
        rows = pyqalxapi_list_response_dict.get(self._data_key)
        if not isinstance(rows, list):
            raise QalxAPIResponseError(
                f"expected a list under {self._data_key!r} in the API's answer; "
                f"got {type(rows).__name__}"
            )
        self._child = child
        super().__init__(pyqalxapi_list_response_dict)
        dict.__setitem__(
            self, self._data_key, [r if isinstance(r, child) else child(r) for r in rows]
        )

    @property
    def child(self) -> type[E]:
        return self._child

    @property
    def data(self) -> list[E]:
        rows: list[E] = dict.__getitem__(self, self._data_key)
        return rows

    @property
    def query(self) -> QalxAddict:
        value = self.get("query")
        return value if isinstance(value, QalxAddict) else QalxAddict()

    def __iter__(self) -> Iterator[E]:  # type: ignore[override]
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int | slice):
            return self.data[key]
        return dict.__getitem__(self, key)


class AggregationResult(QalxListEntity[E]):
    """The answer of an aggregation: its `data` rows, wrapped as entities of the adapter's
    type (they may hold only the fields the pipeline produced)."""
