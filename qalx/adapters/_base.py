"""The generic adapter: every operation that works the same for every entity type.

Per-type differences are data (class attributes: the entity class, which keys a save leaves
out, the child key and default of unpacking) or small overrides in `_types`, never copies.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar, cast, overload

from qalx.entities import (
    AggregationResult,
    QalxAddict,
    QalxEntity,
    QalxListEntity,
    as_guid,
)
from qalx.errors import (
    QalxAPIConflict,
    QalxEntityNotFound,
    QalxError,
    QalxInvalidSession,
    QalxMultipleEntityReturned,
    QalxNoGUIDError,
)
from qalx.transport import NotSerialisable, operations

if TYPE_CHECKING:
    from qalx.session import QalxSession

E = TypeVar("E", bound=QalxEntity)

CHILD_PAGE = 100
"""Children are looked up 100 guids per request (pyqalx's page), several pages at once."""
CHILD_THREADS = 8
FIND_ALL_PAGE = 100


def merge_meta(kwargs: dict[str, Any]) -> dict[str, Any]:
    """`meta` is always sent, as a dict (`{}` by default)."""
    meta = kwargs.get("meta")
    if meta is None:
        kwargs["meta"] = {}
    elif not isinstance(meta, Mapping):
        raise QalxError(f"`meta` must be a dict; got {type(meta).__name__}")
    return kwargs


class QalxAdapter(Generic[E]):
    """The interface to the API of one entity type, for one session."""

    _entity_class: ClassVar[type[QalxEntity]]
    _keys_to_exclude: ClassVar[frozenset[str]] = frozenset({"info", "guid", "status"})

    def __init__(self, session: QalxSession) -> None:
        from qalx.session import QalxSession

        if not isinstance(session, QalxSession):
            raise QalxInvalidSession(
                f"an adapter needs a QalxSession; got {type(session).__name__}"
            )
        self.session = session

    # -- plumbing --------------------------------------------------------------------------
    @property
    def entity_type(self) -> str:
        return self._entity_class.entity_type

    @property
    def entity_class(self) -> type[E]:
        """The class entities of this type are built as: the session's registered subclass, if
        one is registered, else the built-in one."""
        return cast("type[E]", self.session._entity_class(self.entity_type))

    def _call(self, request: dict[str, Any], *, missing_ok: bool = False) -> Any:
        return self.session._transport.call(
            request, mapping=QalxAddict.decoded, missing_ok=missing_ok
        )

    def _entity(self, doc: Any, cls: type[QalxEntity] | None = None) -> E:
        if not isinstance(doc, Mapping):
            from qalx.errors import QalxAPIResponseError

            raise QalxAPIResponseError(
                f"expected a {self.entity_type} object in the API's answer; got {doc!r:.200}"
            )
        entity = (cls or self.entity_class)(doc)
        return cast(E, self.session._attach(entity))

    def _list(self, answer: Any, cls: type[QalxListEntity[Any]] = QalxListEntity) -> Any:
        if not isinstance(answer, Mapping):
            from qalx.errors import QalxAPIResponseError

            raise QalxAPIResponseError(
                f"expected a list object in the API's answer; got {answer!r:.200}"
            )
        result = cls(answer, child=self.entity_class)
        for row in result.data:
            self.session._attach(row)
        return result

    def _body(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """A request body. It is encoded when the request is built, before anything is sent,
        so a value that cannot be encoded (`NotSerialisable`) refuses the call unwritten."""
        return dict(values)

    def _add_tags(self, body: dict[str, Any]) -> dict[str, Any]:
        if "tags" in body:
            raise QalxError(
                "tags can only be set through the session: session.tags.add(name, value), "
                "not tags=... on add"
            )
        body["tags"] = list(self.session.tags)
        return body

    def _create(self, body: Mapping[str, Any]) -> Any:
        return self._call(
            operations.create(self.entity_type, body, idempotency_key=uuid.uuid4().hex)
        )

    def _fetch_by_guid(
        self, guids: Sequence[uuid.UUID], fields: str | Sequence[str] | None
    ) -> dict[uuid.UUID, E]:
        """The entities with these guids (those that exist and are visible), by guid."""
        rows: list[E] = fetch_by_guid(self, guids, fields)
        return {row.guid: row for row in rows}

    # -- the generic operations ------------------------------------------------------------
    def add(self, **kwargs: Any) -> E:
        """Create an entity from `kwargs` (its fields) and return it."""
        body = self._add_tags(self._body(merge_meta(kwargs)))
        return self._entity(self._create(body))

    def get(
        self,
        guid: uuid.UUID | str,
        *args: Any,
        fields: str | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> E:
        """The entity with `guid` (`fields` narrows the answer to those dotted paths)."""
        guid = as_guid(guid)
        doc = self._call(operations.get(self.entity_type, guid, fields=fields))
        return self._entity(doc)

    def reload(self, entity: E, *args: Any, **kwargs: Any) -> E:
        """A fresh copy of `entity` from the API."""
        return self.get(self._guid_of(entity), *args, **kwargs)

    def _guid_of(self, entity: Any) -> uuid.UUID:
        if isinstance(entity, Mapping):
            guid = entity.get("guid")
            if guid is None:
                raise QalxNoGUIDError(f"this {self.entity_type} has no guid: it is not stored yet")
            return as_guid(guid)
        return as_guid(entity, f"a {self.entity_type} or its guid")

    def _query(
        self, query: Mapping[str, Any] | None, include_session_tags: bool
    ) -> dict[str, Any] | None:
        if query is not None and not isinstance(query, Mapping):
            raise QalxError(f"query must be a dict (a MongoDB filter); got {type(query).__name__}")
        combined = (
            self.session.tags.with_query(query)
            if include_session_tags
            else (dict(query) if query else None)
        )
        return combined  # encoded once, when the request is built (`NotSerialisable` there)

    def _find_page(
        self,
        query: dict[str, Any] | None,
        sort: str | Sequence[str] | None,
        skip: int,
        limit: int,
        fields: str | Sequence[str] | None,
    ) -> Any:
        return self._call(
            operations.find(
                self.entity_type, query=query, sort=sort, skip=skip, limit=limit, fields=fields
            )
        )

    @overload
    def find(
        self,
        query: Mapping[str, Any] | None = None,
        sort: str | Sequence[str] | None = None,
        skip: int = 0,
        limit: int = 25,
        many: Literal[True] = True,
        include_session_tags: bool = True,
        *,
        fields: str | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> QalxListEntity[E]: ...

    @overload
    def find(
        self,
        query: Mapping[str, Any] | None = None,
        sort: str | Sequence[str] | None = None,
        skip: int = 0,
        limit: int = 25,
        *,
        many: Literal[False],
        include_session_tags: bool = True,
        fields: str | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> E: ...

    def find(
        self,
        query: Mapping[str, Any] | None = None,
        sort: str | Sequence[str] | None = None,
        skip: int = 0,
        limit: int = 25,
        many: bool = True,
        include_session_tags: bool = True,
        *,
        fields: str | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> QalxListEntity[E] | E:
        """One page of the entities matching `query` (a MongoDB filter), sorted by `sort`
        (`"-data__x"`, or a list of such keys). With `many=False`, the single match."""
        _check_int("skip", skip, 0)
        _check_int("limit", limit, 1)
        combined = self._query(query, include_session_tags)
        result: QalxListEntity[E] = self._list(self._find_page(combined, sort, skip, limit, fields))
        if many:
            return result
        return self._single(result)

    def _single(self, result: QalxListEntity[E]) -> E:
        rows = result.data
        if len(rows) > 1:
            raise QalxMultipleEntityReturned(
                f"expected one {self.entity_type} but found more: "
                + ", ".join(str(r.get("guid")) for r in rows)
            )
        if not rows:
            raise QalxEntityNotFound(f"{self.entity_type} not found.")
        return rows[0]

    def find_one(
        self,
        query: Mapping[str, Any],
        *args: Any,
        include_session_tags: bool = True,
        fields: str | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> E:
        """The one entity matching `query`: `QalxEntityNotFound` if none does,
        `QalxMultipleEntityReturned` if several do."""
        return self.find(
            query, limit=2, many=False, include_session_tags=include_session_tags, fields=fields
        )

    def find_all(
        self,
        query: Mapping[str, Any] | None = None,
        sort: str | Sequence[str] | None = None,
        include_session_tags: bool = True,
        *,
        fields: str | Sequence[str] | None = None,
        page_size: int = FIND_ALL_PAGE,
    ) -> Iterator[E]:
        """Every entity matching `query`, fetched lazily page by page (a qalx addition: no
        hand-written `skip` loop). Entities written during the walk may or may not appear."""
        _check_int("page_size", page_size, 1)
        combined = self._query(query, include_session_tags)
        skip = 0
        while True:
            page: QalxListEntity[E] = self._list(
                self._find_page(combined, sort, skip, page_size, fields)
            )
            yield from page.data
            if len(page.data) < page_size:
                return
            skip += len(page.data)

    def save(self, entity: E, *args: Any, **kwargs: Any) -> E:
        """Write `entity`'s fields back (all but info, guid and status) and return the answer."""
        guid = self._guid_of(entity)
        body = {k: v for k, v in entity.items() if k not in self._keys_to_exclude}
        tags = list(self.session.tags) or entity.get("tags")
        if tags:
            body["tags"] = tags
        body = self._body(body)
        return self._entity(self._call(operations.update(self.entity_type, guid, body)))

    def archive(self, entity: E, *args: Any, **kwargs: Any) -> E:
        """Archive `entity`: it leaves lists and frees its name, and can still be read."""
        return self._entity(self._call(operations.archive(self.entity_type, self._guid_of(entity))))

    def delete(self, entity: E, *args: Any, **kwargs: Any) -> None:
        """Delete `entity` (done also when an earlier attempt's answer was lost)."""
        self._call(operations.delete(self.entity_type, self._guid_of(entity)), missing_ok=True)

    def aggregate(
        self, aggregate: Sequence[Mapping[str, Any]], **kwargs: Any
    ) -> AggregationResult[E]:
        """Run a MongoDB aggregation pipeline over this type's entities."""
        if not isinstance(aggregate, list | tuple):
            raise QalxError(
                f"aggregate must be a list of pipeline stages; got {type(aggregate).__name__}"
            )
        try:
            request = operations.aggregate(self.entity_type, aggregate)
        except NotSerialisable as exc:
            raise QalxError(f"the pipeline cannot be sent: {exc}") from None
        result: AggregationResult[E] = self._list(self._call(request), AggregationResult)
        return result


def _check_int(name: str, value: Any, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise QalxError(f"{name} must be an int ≥ {minimum}; got {value!r}")


class QalxNamedEntityAdapter(QalxAdapter[E]):
    """Types whose entities have a unique `name` (queue, bot, blueprint)."""

    def get_by_name(self, name: str, **kwargs: Any) -> E:
        """The entity called `name` (session tags apply)."""
        if not isinstance(name, str) or not name:
            raise QalxError(f"name must be a non-empty str; got {name!r}")
        return self.find_one({"name": name}, **kwargs)

    def get_or_create(self, name: str, meta: Mapping[str, Any] | None = None, **kwargs: Any) -> E:
        """The entity called `name`, created (with `meta` and `kwargs`) if there is none. Two
        callers racing to create it both get the one that was made."""
        try:
            return self.get_by_name(name)
        except QalxEntityNotFound:
            pass
        try:
            return self.add(name=name, meta=meta, **kwargs)
        except QalxAPIConflict as conflict:
            try:
                return self.get_by_name(name)
            except QalxEntityNotFound:  # taken, but not visible to this session (its tags)
                raise conflict from None


class QalxUnpackableAdapter(QalxAdapter[E]):
    """Types that hold children by guid (a set's items, a group's sets), replaced by the
    child entities on read when `unpack` is true."""

    _kids: ClassVar[str]
    _child_type: ClassVar[str]
    _unpack_default: ClassVar[bool] = True

    def _pack(self, kids: Mapping[str, Any]) -> dict[str, Any]:
        packed: dict[str, Any] = {}
        for key, kid in kids.items():
            if isinstance(kid, Mapping):
                if kid.get("guid") is None:
                    raise QalxError(
                        f"{self._kids}[{key!r}] has no guid: add it to qalx before referring to it"
                    )
                packed[key] = str(as_guid(kid["guid"]))
            else:
                packed[key] = str(as_guid(kid, f"{self._kids}[{key!r}]"))
        return packed

    def _child_adapter(self) -> QalxAdapter[Any]:
        adapter: QalxAdapter[Any] = getattr(self.session, self._child_type)
        return adapter

    def _unpack(self, entity: E, child_fields: str | Sequence[str] | None = None) -> E:
        return self._unpack_all([entity], child_fields)[0]

    def _unpack_all(self, entities: list[E], child_fields: str | Sequence[str] | None) -> list[E]:
        """Replace the child guids of `entities` by the children, with one batch of lookups
        for all of them (and, for groups, one more for all the sets' items). A child that is
        missing, or of another type, drops out of the mapping, as in pyqalx."""
        wanted = [
            guid
            for entity in entities
            if isinstance(kids := entity.get(self._kids), Mapping)
            for value in kids.values()
            if (guid := _guid_or_none(value)) is not None
        ]
        if not wanted:
            return entities
        children = self._child_adapter()._fetch_by_guid(wanted, child_fields)
        for entity in entities:
            kids = entity.get(self._kids)
            if isinstance(kids, Mapping):
                entity[self._kids] = {
                    key: children[guid]
                    for key, value in kids.items()
                    if (guid := _guid_or_none(value)) is not None and guid in children
                }
        return entities

    def _fetch_by_guid(
        self, guids: Sequence[uuid.UUID], fields: str | Sequence[str] | None
    ) -> dict[uuid.UUID, E]:
        found = super()._fetch_by_guid(guids, fields)
        self._unpack_all(list(found.values()), fields)
        return found

    def get(
        self,
        guid: uuid.UUID | str,
        child_fields: str | Sequence[str] | None = None,
        unpack: bool | None = None,
        *args: Any,
        fields: str | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> E:
        entity = super().get(guid, fields=fields)
        if self._unpack_default if unpack is None else unpack:
            entity = self._unpack(entity, child_fields)
        return entity

    def reload(self, entity: E, unpack: bool | None = None, *args: Any, **kwargs: Any) -> E:
        return self.get(self._guid_of(entity), unpack=unpack, **kwargs)

    def find_one(
        self, query: Mapping[str, Any], unpack: bool | None = None, *args: Any, **kwargs: Any
    ) -> E:
        child_fields = kwargs.pop("child_fields", None)
        entity = super().find_one(query, **kwargs)
        if self._unpack_default if unpack is None else unpack:
            entity = self._unpack(entity, child_fields)
        return entity

    def add(self, **kwargs: Any) -> E:
        kids = kwargs.get(self._kids)
        if not isinstance(kids, Mapping):
            raise QalxError(
                f"{self._kids} must be a dict of key → {self._child_type} (or its guid); "
                f"got {type(kids).__name__}"
            )
        body = self._add_tags(self._body(merge_meta({**kwargs, self._kids: self._pack(kids)})))
        entity = self._entity(self._create(body))
        entity[self._kids] = dict(kids)
        return entity

    def save(self, entity: E, *args: Any, **kwargs: Any) -> E:
        kids = entity.get(self._kids)
        if not isinstance(kids, Mapping):
            return self._unpack(super().save(entity))
        original = dict(kids)
        copy = type(entity)(entity)
        dict.__setitem__(copy, self._kids, self._pack(kids))
        saved = super().save(copy)
        saved[self._kids] = original
        return saved


def _guid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return as_guid(value["guid"] if isinstance(value, Mapping) else value)
    except (QalxError, KeyError):
        return None


def fetch_by_guid(
    adapter: QalxAdapter[Any],
    guids: Sequence[uuid.UUID],
    fields: str | Sequence[str] | None,
    key: str = "guid",
) -> list[Any]:
    """The entities whose `key` is in `guids`, 100 per request, several requests at once,
    never filtered by session tags."""
    unique = list(dict.fromkeys(guids))
    pages = [unique[i : i + CHILD_PAGE] for i in range(0, len(unique), CHILD_PAGE)]

    def page(values: list[Any]) -> list[Any]:
        answer = adapter._find_page({key: {"$in": values}}, None, 0, CHILD_PAGE, fields)
        rows: list[Any] = adapter._list(answer).data
        return rows

    if len(pages) <= 1:
        return page(pages[0]) if pages else []
    with ThreadPoolExecutor(min(CHILD_THREADS, len(pages))) as pool:
        return [row for rows in pool.map(page, pages) for row in rows]
