"""The adapter of each entity type: the generic adapter plus what differs for that type."""

from __future__ import annotations

import contextlib
import functools
import os
import platform
import socket
import uuid
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast, overload

from qalx.entities import (
    Blueprint,
    Bot,
    DeadLetter,
    Factory,
    Group,
    Item,
    ItemAddManyEntity,
    Notification,
    QalxEntity,
    QalxListEntity,
    Queue,
    QueueMessage,
    QueueStats,
    Set,
    Worker,
    as_guid,
)
from qalx.entities._blueprint import check_schema
from qalx.errors import (
    QalxAPIResponseError,
    QalxError,
    QalxFactoryValidationError,
    QalxFileError,
    QalxInvalidBlueprintError,
)
from qalx.files import FileSource, source_name
from qalx.signals import QalxWorkerSignal
from qalx.transport import dumps, loads, operations, to_wire

from ._base import (
    QalxAdapter,
    QalxNamedEntityAdapter,
    QalxUnpackableAdapter,
    _check_int,
    fetch_by_guid,
    merge_meta,
)

if TYPE_CHECKING:
    from qalx.session import QalxSession

BULK_CHUNK = 1000
"""Items per bulk request (the most our server takes in one; the hosted limit is unknown)."""
BULK_PARALLEL = 3
"""Bulk requests in flight at once: the next is encoded while the server stores the last."""
UPLOAD_THREADS = 10
"""Files uploaded at once after a bulk create, as pyqalx does."""
AS_FILE_NAME = "item_data_{}.json"


# -- blueprint checks on write -------------------------------------------------------------
def _validate_against(
    session: QalxSession, blueprint_name: str | None, instance: Mapping[str, Any], **kwargs: Any
) -> None:
    """Raise `jsonschema.ValidationError` unless `instance` fits the named blueprint."""
    if blueprint_name is None:
        return
    blueprint = kwargs.get("blueprint")
    if not isinstance(blueprint, Blueprint):
        blueprint = session.blueprint.get_by_name(blueprint_name, include_session_tags=False)
    blueprint.validate(instance)


# -- items ---------------------------------------------------------------------------------
class QalxItem(QalxAdapter[Item]):
    """Items: data, a file, or both. Files go to the signed `put_url` after the write."""

    _entity_class = Item

    def _file_record(self, name: str, encrypt: bool, as_file: bool = False) -> dict[str, Any]:
        record: dict[str, Any] = {"name": name}
        keyfile = self.session.config.get("KEYFILE")
        if encrypt and keyfile:
            record["keyfile"] = os.path.basename(str(keyfile))
        if as_file:
            record["as_file"] = True
        return record

    def _prepare(
        self,
        body: dict[str, Any],
        source: FileSource | None,
        file_name: str,
        encrypt: bool,
        as_file: bool,
        existing_file: Mapping[str, Any] | None = None,
    ) -> tuple[dict[str, Any], FileSource | bytes | None]:
        """The request body and what to upload after it (file bytes, or as_file data)."""
        data = body.get("data")
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            raise QalxError(f"`data` must be a dict; got {type(data).__name__}")
        if source is not None and as_file:
            raise QalxFileError(
                "source= and as_file=True cannot go together: as_file stores `data` as the file"
            )
        if file_name and source is None:
            raise QalxFileError("file_name= needs a source= to name")
        upload: FileSource | bytes | None = None
        if source is not None:
            body["file"] = self._file_record(source_name(source, file_name), encrypt)
            upload = source
        elif as_file or (existing_file or {}).get("as_file"):
            name = (existing_file or {}).get("name") or AS_FILE_NAME.format(uuid.uuid4().hex)
            body["file"] = self._file_record(str(name), encrypt, as_file=True)
            upload = dumps(data)
            data = {}
        body["data"] = data
        return merge_meta(body), upload

    def _after_write(
        self,
        entity: Item,
        upload: FileSource | bytes | None,
        data: Mapping[str, Any],
        do_upload: bool,
    ) -> Item:
        file = entity.get("file") or {}
        if upload is None:
            return entity
        if file.get("as_file"):
            entity["data"] = data
        if not do_upload:
            return entity
        put_url = file.get("put_url")
        if not put_url:
            raise QalxAPIResponseError("the API's answer carries no file.put_url to upload to")
        self.session.files.upload(put_url, upload, encrypt=bool(file.get("keyfile")))
        file.pop("put_url", None)
        return entity

    def add(
        self,
        data: Mapping[str, Any] | None = None,
        source: FileSource | None = None,
        file_name: str = "",
        meta: Mapping[str, Any] | None = None,
        blueprint_name: str | None = None,
        upload: bool = True,
        encrypt: bool = True,
        as_file: bool = False,
        **kwargs: Any,
    ) -> Item:
        """Add an item holding `data`, a file from `source` (a path, or a stream with
        `file_name`), or both. With `as_file`, `data` is stored as a file instead."""
        blueprint = kwargs.pop("blueprint", None)
        original = data if data is not None else {}
        body, payload = self._prepare(
            {**kwargs, "data": data, "meta": meta}, source, file_name, encrypt, as_file
        )
        body = self._add_tags(self._body(body))
        _validate_against(
            self.session, blueprint_name, {**body, "data": original}, blueprint=blueprint
        )
        entity = self._entity(self._create(body))
        try:
            return self._after_write(entity, payload, original, upload)
        except BaseException:
            # The upload failed: remove the item made for it, so nothing half-written stays.
            with contextlib.suppress(QalxError):
                self.delete(entity)
            raise

    def save(
        self,
        entity: Item,
        source: FileSource | None = None,
        file_name: str = "",
        blueprint_name: str | None = None,
        upload: bool = True,
        encrypt: bool = True,
        as_file: bool = False,
        **kwargs: Any,
    ) -> Item:
        """Save `entity`, replacing its file with `source` when given. Set `entity["file"] =
        {}` to remove the file."""
        guid = self._guid_of(entity)
        blueprint = kwargs.pop("blueprint", None)
        original = entity.get("data") or {}
        body = {k: v for k, v in entity.items() if k not in self._keys_to_exclude}
        existing = entity.get("file") if source is None else None
        body, payload = self._prepare(body, source, file_name, encrypt, as_file, existing)
        if payload is None and isinstance(body.get("file"), Mapping):
            body["file"] = {k: v for k, v in body["file"].items() if k != "put_url"}
        tags = list(self.session.tags) or entity.get("tags")
        if tags:
            body["tags"] = tags
        body = self._body(body)
        _validate_against(
            self.session, blueprint_name, {**entity, **body, "data": original}, blueprint=blueprint
        )
        saved = self._entity(self._call(operations.update(self.entity_type, guid, body)))
        return self._after_write(saved, payload, original, upload)

    # -- reads: fill in as_file data ---------------------------------------------------------
    def _with_data(self, entity: Item) -> Item:
        file = entity.get("file")
        if isinstance(file, Mapping) and file.get("as_file") and file.get("url"):
            raw = self.session.files.read(file)
            try:
                entity["data"] = loads(raw)
            except ValueError as exc:
                raise QalxFileError(
                    f"the as_file data of item {entity.get('guid')} is not JSON: {exc}"
                ) from None
        return entity

    def _entity(self, doc: Any, cls: type[QalxEntity] | None = None) -> Item:
        return super()._entity(doc, cls)

    def get(
        self,
        guid: uuid.UUID | str,
        *args: Any,
        fields: str | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Item:
        return self._with_data(super().get(guid, *args, fields=fields, **kwargs))

    def _list(self, answer: Any, cls: type[QalxListEntity[Any]] = QalxListEntity) -> Any:
        result = super()._list(answer, cls)
        rows = [
            r
            for r in result.data
            if isinstance(r.get("file"), Mapping) and r["file"].get("as_file")
        ]
        if len(rows) == 1:
            self._with_data(rows[0])
        elif rows:
            with ThreadPoolExecutor(min(UPLOAD_THREADS, len(rows))) as pool:
                list(pool.map(self._with_data, rows))
        return result

    # -- many at once ------------------------------------------------------------------------
    def add_many(
        self,
        items: Sequence[Mapping[str, Any]],
        encrypt: bool = True,
        as_file: bool = False,
        **kwargs: Any,
    ) -> ItemAddManyEntity:
        """Add many items with bulk requests (1,000 per request); their files are uploaded
        afterwards, 10 at a time. A failed upload moves that index into `errors`."""
        if not isinstance(items, list | tuple):
            raise QalxError(f"add_many needs a list of items; got {type(items).__name__}")
        prepared: list[tuple[dict[str, Any], FileSource | bytes | None, Mapping[str, Any]]] = []
        tags = list(self.session.tags)
        for index, spec in enumerate(items):
            if not isinstance(spec, Mapping):
                raise QalxError(
                    f"items[{index}] must be a dict of add() arguments; got {type(spec).__name__}"
                )
            spec = dict(spec)
            if "tags" in spec:
                raise QalxError(f"items[{index}]: tags come from the session, not from each item")
            source = spec.pop("source", None)
            file_name = spec.pop("file_name", "")
            blueprint_name = spec.pop("blueprint_name", None)
            data = spec.get("data") or {}
            try:
                body, payload = self._prepare(
                    spec,
                    source,
                    file_name,
                    spec.pop("encrypt", encrypt),
                    spec.pop("as_file", as_file),
                )
            except QalxError as exc:
                raise type(exc)(f"items[{index}]: {exc}") from None
            body["tags"] = tags
            _validate_against(self.session, blueprint_name, {**body, "data": data})
            prepared.append((body, payload, data))
        # Every body is encoded before the first request is sent, so an item that cannot be
        # encoded refuses the whole call with nothing written; the requests are then built and
        # sent by the pool, each while the server stores another.
        wire: list[Any] = []
        for index, (body, _, _) in enumerate(prepared):
            try:
                wire.append(to_wire(body))
            except QalxError as exc:
                raise type(exc)(f"items[{index}]: {exc}") from None
        chunks = [prepared[i : i + BULK_CHUNK] for i in range(0, len(prepared), BULK_CHUNK)]
        bodies = [
            {"items": wire[i : i + BULK_CHUNK], "tags": to_wire(tags)}
            for i in range(0, len(wire), BULK_CHUNK)
        ]
        with ThreadPoolExecutor(min(BULK_PARALLEL, len(bodies) or 1)) as pool:
            answers = list(pool.map(self._bulk_answer, bodies))
        created: list[tuple[int, Item, FileSource | bytes | None, Mapping[str, Any]]] = []
        errors: dict[str, Any] = {}
        for number, (chunk, answer) in enumerate(zip(chunks, answers, strict=True)):
            start = number * BULK_CHUNK
            if isinstance(answer, QalxAPIResponseError):
                for offset in range(len(chunk)):
                    errors[str(start + offset)] = {
                        "status_code": answer.status_code,
                        "errors": answer.errors,
                    }
                continue
            failed = {int(k): v for k, v in (answer.get("errors") or {}).items()}
            rows = iter(answer["items"])
            for offset, (_, payload, data) in enumerate(chunk):
                if offset in failed:
                    errors[str(start + offset)] = failed[offset]
                else:
                    created.append((start + offset, self._entity(next(rows)), payload, data))
        self._upload_many(created, errors)
        kept = [item for index, item, _, _ in created if str(index) not in errors]
        return ItemAddManyEntity(
            {
                "items": kept,
                "errors": dict(sorted(errors.items(), key=lambda e: int(e[0]))),
                "items_created": len(kept),
                "items_errored": len(errors),
            }
        )

    def _bulk_answer(self, body: dict[str, Any]) -> Any:
        """One bulk request's answer, or the error that ended it (recorded against each of
        its items, so the other requests' items are still reported)."""
        request = operations.create_items(body, idempotency_key=uuid.uuid4().hex, encoded=True)
        try:
            answer = self._call(request)
        except QalxAPIResponseError as exc:
            return exc
        if not isinstance(answer, Mapping) or not isinstance(answer.get("items"), list):
            return QalxAPIResponseError(f"expected `items` in the bulk answer; got {answer!r:.200}")
        return answer

    def _upload_many(
        self,
        created: list[tuple[int, Item, FileSource | bytes | None, Mapping[str, Any]]],
        errors: dict[str, Any],
    ) -> None:
        def one(job: tuple[int, Item, FileSource | bytes | None, Mapping[str, Any]]) -> None:
            index, item, payload, data = job
            try:
                self._after_write(item, payload, data, True)
            except QalxError as exc:
                errors[str(index)] = {"upload": str(exc)}

        pending = [job for job in created if job[2] is not None]
        if pending:
            with ThreadPoolExecutor(min(UPLOAD_THREADS, len(pending))) as pool:
                list(pool.map(one, pending))


# -- sets and groups -----------------------------------------------------------------------
class QalxSet(QalxUnpackableAdapter[Set]):
    """Sets: a mapping of key → item, stored as guids and unpacked on read."""

    _entity_class = Set
    _kids = "items"
    _child_type = "item"
    child_entity_class = Item

    def add(  # type: ignore[override]
        self,
        items: Mapping[str, Item | uuid.UUID | str],
        meta: Mapping[str, Any] | None = None,
        blueprint_name: str | None = None,
        **kwargs: Any,
    ) -> Set:
        """Add a set of `items` (key → Item, or its guid)."""
        blueprint = kwargs.pop("blueprint", None)
        if isinstance(items, Mapping):
            _validate_against(
                self.session,
                blueprint_name,
                {"items": dict(items), "meta": meta or {}},
                blueprint=blueprint,
            )
        return super().add(items=items, meta=meta, **kwargs)

    def save(
        self, entity: Set, blueprint_name: str | None = None, *args: Any, **kwargs: Any
    ) -> Set:
        _validate_against(
            self.session, blueprint_name, entity, blueprint=kwargs.pop("blueprint", None)
        )
        return super().save(entity)


class QalxGroup(QalxUnpackableAdapter[Group]):
    """Groups: a mapping of key → set; not unpacked unless asked (sets of sets are big)."""

    _entity_class = Group
    _kids = "sets"
    _child_type = "set"
    _unpack_default = False
    child_entity_class = Set

    def add(  # type: ignore[override]
        self,
        sets: Mapping[str, Set | uuid.UUID | str],
        meta: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Group:
        """Add a group of `sets` (key → Set, or its guid)."""
        return super().add(sets=sets, meta=meta, **kwargs)


# -- blueprints ----------------------------------------------------------------------------
def _packed_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A set schema with each named item schema replaced by a one-name string enum, as the
    API stores nested blueprints."""
    packed: dict[str, Any] = _plain(schema)
    items = packed.get("properties", {}).get("items", {}).get("properties")
    if packed.get("entity_type") != "set" or not isinstance(items, dict):
        return packed
    for key, child in items.items():
        if not isinstance(child, dict):
            raise QalxInvalidBlueprintError(f"items.{key} must be a schema object")
        if "name" in child:
            items[key] = {"type": "string", "enum": [child["name"]]}
        elif "enum" in child:
            if len(child["enum"]) != 1:
                raise QalxInvalidBlueprintError(f"items.{key} must name exactly one item blueprint")
        elif child != {"type": "object"}:
            raise QalxInvalidBlueprintError(
                f"items.{key} must be {{'type': 'object'}} or a stored item blueprint (with a name)"
            )
    return packed


def _plain(value: Any) -> Any:
    """A deep copy of a schema as plain dicts and lists."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class QalxBlueprint(QalxNamedEntityAdapter[Blueprint]):
    """Blueprints: JSON-Schema documents, nested item blueprints inside set blueprints."""

    _entity_class = Blueprint
    child_entity_class = Blueprint

    def add(  # type: ignore[override]
        self,
        name: str,
        schema: Mapping[str, Any],
        meta: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Blueprint:
        """Store `schema` as blueprint `name`; raise `jsonschema.SchemaError` if malformed."""
        if not isinstance(schema, Mapping):
            raise QalxInvalidBlueprintError(f"schema must be a dict; got {type(schema).__name__}")
        check_schema(schema)
        entity_type = schema.get("entity_type")
        if entity_type not in ("item", "set"):
            raise QalxInvalidBlueprintError(
                "the schema needs entity_type 'item' or 'set' "
                "(start from Blueprint.item() or Blueprint.set())"
            )
        body = {
            **kwargs,
            "name": name,
            "schema": _packed_schema(schema),
            "entity_type": entity_type,
            "meta": meta,
        }
        entity = super().add(**body)
        entity["schema"] = schema
        return entity

    def save(self, entity: Blueprint, *args: Any, **kwargs: Any) -> Blueprint:
        schema = entity.get("schema")
        if isinstance(schema, Mapping):
            check_schema(schema)
            copy = Blueprint(entity)
            copy["schema"] = _packed_schema(schema)
            saved = super().save(copy)
            saved["schema"] = schema
            return saved
        return super().save(entity)

    def _unpack(self, entity: Blueprint) -> Blueprint:
        schema = entity.get("schema")
        items = (
            schema.get("properties", {}).get("items", {}).get("properties")
            if isinstance(schema, Mapping)
            else None
        )
        if not isinstance(items, dict):
            return entity
        names = {
            key: child["enum"][0]
            for key, child in items.items()
            if isinstance(child, Mapping)
            and child.get("type") == "string"
            and len(child.get("enum") or []) == 1
        }
        if not names:
            return entity
        found = {
            b.get("name"): b
            for b in fetch_by_guid(self, list(set(names.values())), None, key="name")
        }
        for key, name in names.items():
            child = found.get(name)
            if child is not None and isinstance(child.get("schema"), Mapping):
                items[key] = {**child["schema"], "name": name}
        return entity

    def get(
        self,
        guid: uuid.UUID | str,
        child_fields: Any = None,
        unpack: bool = True,
        *args: Any,
        **kwargs: Any,
    ) -> Blueprint:
        entity = super().get(guid, **kwargs)
        return self._unpack(entity) if unpack else entity

    def reload(
        self, entity: Blueprint, unpack: bool = True, *args: Any, **kwargs: Any
    ) -> Blueprint:
        return self.get(self._guid_of(entity), unpack=unpack, **kwargs)

    def find_one(
        self, query: Mapping[str, Any], unpack: bool = True, *args: Any, **kwargs: Any
    ) -> Blueprint:
        entity = super().find_one(query, **kwargs)
        return self._unpack(entity) if unpack else entity


# -- queues --------------------------------------------------------------------------------
MAX_FAILURE_TEXT = 4000
"""The longest `error` a job failure record takes (the spec's `JobFailure.error`)."""
MAX_STEP_TEXT = 64
"""The longest `step` it takes (`JobFailure.step`)."""


def _cut(text: str, limit: int) -> str:
    """`text` within `limit` characters; a cut one says so at its end."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _guid_or_none(value: Any) -> uuid.UUID | None:
    """The message's entity guid, or None when it names none (a foreign message)."""
    try:
        return as_guid(value) if value else None
    except QalxError:
        return None


class QalxQueue(QalxNamedEntityAdapter[Queue]):
    """Queues: created with the session's MSG_BLACKOUTSECONDS as their visibility timeout."""

    _entity_class = Queue

    def add(self, name: str, meta: Mapping[str, Any] | None = None, **kwargs: Any) -> Queue:  # type: ignore[override]
        """Create queue `name`."""
        parameters = dict(kwargs.pop("parameters", None) or {})
        parameters.setdefault(
            "VisibilityTimeout", int(self.session.config.get("MSG_BLACKOUTSECONDS") or 30)
        )
        return super().add(name=name, meta=meta, parameters=parameters, **kwargs)

    def get_or_create(
        self, name: str, meta: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> Queue:
        """Queue `name`, created (with `meta` and `kwargs`, e.g. `parameters`) if missing."""
        return super().get_or_create(name, meta=meta, **kwargs)

    def stats(self, queue: Queue | uuid.UUID | str) -> QueueStats:
        """The queue's numbers: depth, messages in flight, dead letters, the oldest message's
        age; for following a batch (a qalx server extension, as `qalx queue show`)."""
        answer = self._call(operations.queue_stats(self._guid_of(queue)))
        return cast(QueueStats, dict(answer))

    def dead_letters(self, queue: Queue | uuid.UUID | str, limit: int = 100) -> list[DeadLetter]:
        """The queue's dead letters (at most `limit`, 1 to 1,000), each with the failures
        workers recorded against it (a qalx server extension, as `qalx queue dead-letters`)."""
        _check_int("limit", limit, 1)
        answer = self._call(operations.list_dead_letters(self._guid_of(queue), limit=limit))
        return [cast(DeadLetter, dict(letter)) for letter in answer["data"]]

    def record_failure(
        self,
        queue: Queue,
        message: QueueMessage,
        error: str,
        *,
        step: str | None = None,
        bot: Bot | uuid.UUID | str | None = None,
        worker: Worker | uuid.UUID | str | None = None,
    ) -> None:
        """Record that the job of `message` failed with `error`, so the queue's dead-letter
        listing can say why once the broker dead-letters it (SQS cannot carry data on a
        released message). A qalx server extension: a server without it answers 404 or 405
        (`QalxAPIResponseError.status_code`)."""
        body: dict[str, Any] = {
            "message_id": message.message_id,
            "error": _cut(error, MAX_FAILURE_TEXT),
            "step": _cut(step, MAX_STEP_TEXT) if step else None,
            "attempt": message.receive_count,
            "entity_type": message.entity_type or None,
            "entity_guid": _guid_or_none(message.body.get("entity_guid")),
            "bot": None if bot is None else self._guid_of(bot),
            "worker": None if worker is None else self._guid_of(worker),
        }
        body = {k: v for k, v in body.items() if v is not None}
        self._call(operations.record_job_failure(self._guid_of(queue), self._body(body)))

    def get_messages(self, worker: Any) -> list[QueueMessage]:
        """Receive messages for a bot worker, with the bot config's batch size, visibility
        and long-poll wait."""
        self.session._require_bot_session("queue.get_messages")
        config = self.session.config
        queue: Queue = worker.queue
        return queue.get_messages(
            max_num_msg=int(config.get("Q_MSGBATCHSIZE") or 1),
            visibility=int(config.get("MSG_BLACKOUTSECONDS") or 30),
            waittime=int(config.get("MSG_WAITTIMESECONDS") or 20),
            worker=worker,
        )


# -- bots and workers ----------------------------------------------------------------------
@functools.cache
def _host_ip() -> str | None:
    """This host's address on its default route: a UDP socket's `connect` picks the local
    address the system would send from, and sends nothing (no packet, no DNS lookup). When
    there is no route, the address the host name resolves to (often loopback), else None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never reached
            address = str(probe.getsockname()[0])
        if address != "0.0.0.0":
            return address
    except OSError:
        pass
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return None


def host_info() -> dict[str, Any]:
    """Where a bot runs: node name, platform and IP address. The address is this host's own,
    found without leaving the machine (pyqalx asks a public web service; qalx makes no outside
    call), and, as in pyqalx, looked up once per process."""
    return {"node": platform.node(), "platform": platform.platform(), "ip": _host_ip()}


class QalxBot(QalxNamedEntityAdapter[Bot]):
    """Bots: made with a user token (which mints the bot's own token), then run with it."""

    _entity_class = Bot

    def add(  # type: ignore[override]
        self,
        name: str,
        config: Mapping[str, Any],
        meta: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Bot:
        """Create bot `name` with its `config`; the answer carries the bot token."""
        self.session._require_user_session("bot.add")
        if not isinstance(config, Mapping):
            raise QalxError(f"config must be a dict; got {type(config).__name__}")
        kwargs.setdefault("host", host_info())
        return super().add(name=name, config=dict(config), meta=meta, **kwargs)

    def replace_workers(self, bot_entity: Bot, workers: int) -> Bot:
        """Replace the bot's workers by `workers` new ones; the answer lists them in full."""
        self.session._require_bot_session("bot.replace_workers")
        if not isinstance(workers, int) or isinstance(workers, bool) or workers < 0:
            raise QalxError(f"workers must be an int ≥ 0; got {workers!r}")
        return self._entity(
            self._call(operations.replace_workers(self._guid_of(bot_entity), workers))
        )

    def _patch(self, entity: Bot, body: Mapping[str, Any]) -> None:
        self._call(operations.update(self.entity_type, self._guid_of(entity), body))

    def update_status(self, entity: Bot, status: str, **kwargs: Any) -> None:
        """Set the bot's `status.message`."""
        self._patch(entity, {"status": {"message": status}})

    def update_state(self, entity: Bot, state: str, **kwargs: Any) -> None:
        self._patch(entity, {"state": str(getattr(state, "value", state))})

    def _each_worker(self, entity: Bot, action: str, **kwargs: Any) -> None:
        for worker in entity.workers:
            getattr(self.session.worker, action)(worker, bot_entity=entity, **kwargs)

    def stop(self, entity: Bot, **kwargs: Any) -> None:
        """Stop every worker of the bot (they finish their job, then wait)."""
        self.update_state(entity, "stopped")
        self._each_worker(entity, "stop")

    def resume(self, entity: Bot, **kwargs: Any) -> None:
        """Resume every stopped worker of the bot."""
        self.update_state(entity, "idle")
        self._each_worker(entity, "resume")

    def terminate(
        self, entity: Bot, *args: Any, warm: bool = True, requeue_job: bool = False, **kwargs: Any
    ) -> None:
        """Terminate every worker: warm (after the current job) or cold (at once). A warm
        terminate cannot requeue: `QalxError`, before anything is sent."""
        self.session.worker.signal_class.terminate_signal(warm=warm, requeue_job=requeue_job)
        self.update_state(entity, "terminated")
        self._each_worker(entity, "terminate", warm=warm, requeue_job=requeue_job)


class QalxWorker(QalxAdapter[Worker]):
    """Workers, reached through their bot (`bot_entity` names it)."""

    _entity_class = Worker
    signal_class: ClassVar[type[QalxWorkerSignal]] = QalxWorkerSignal
    """Reads signals and builds the documents stop/resume/terminate send (pyqalx's name)."""

    def get(  # type: ignore[override]
        self,
        guid: uuid.UUID | str,
        bot_entity: Bot | uuid.UUID | str,
        *args: Any,
        fields: str | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Worker:
        """Worker `guid` of `bot_entity`."""
        doc = self._call(operations.get_worker(self._bot(bot_entity), as_guid(guid), fields=fields))
        return self._entity(doc)

    def _bot(self, bot_entity: Any) -> uuid.UUID:
        if bot_entity is None:
            raise QalxError("worker calls need bot_entity=<the worker's Bot>")
        return self.session.bot._guid_of(bot_entity)

    @overload  # type: ignore[override]
    def find(
        self,
        query: Mapping[str, Any] | None = None,
        sort: str | Sequence[str] | None = None,
        skip: int = 0,
        limit: int = 25,
        many: Literal[True] = True,
        include_session_tags: bool = False,
        *,
        bot_entity: Bot | uuid.UUID | str,
        fields: str | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> QalxListEntity[Worker]: ...

    @overload
    def find(
        self,
        query: Mapping[str, Any] | None = None,
        sort: str | Sequence[str] | None = None,
        skip: int = 0,
        limit: int = 25,
        *,
        many: Literal[False],
        include_session_tags: bool = False,
        bot_entity: Bot | uuid.UUID | str,
        fields: str | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Worker: ...

    def find(
        self,
        query: Mapping[str, Any] | None = None,
        sort: str | Sequence[str] | None = None,
        skip: int = 0,
        limit: int = 25,
        many: bool = True,
        include_session_tags: bool = False,
        *,
        bot_entity: Bot | uuid.UUID | str,
        fields: str | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> QalxListEntity[Worker] | Worker:
        """A page of the bot's workers matching `query`; with `many=False`, the single match.
        Workers carry no tags, so session tags never apply."""
        result = self._find_workers(bot_entity, query, sort, skip, limit, fields)
        return result if many else self._single(result)

    def _find_workers(
        self,
        bot_entity: Bot | uuid.UUID | str,
        query: Mapping[str, Any] | None,
        sort: str | Sequence[str] | None,
        skip: int,
        limit: int,
        fields: str | Sequence[str] | None,
    ) -> QalxListEntity[Worker]:
        for name, value, minimum in (("skip", skip, 0), ("limit", limit, 1)):
            if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
                raise QalxError(f"{name} must be an int ≥ {minimum}; got {value!r}")
        answer = self._call(
            operations.find_workers(
                self._bot(bot_entity),
                query=self._query(query, include_session_tags=False),
                sort=sort,
                skip=skip,
                limit=limit,
                fields=fields,
            )
        )
        result: QalxListEntity[Worker] = self._list(answer)
        return result

    def find_one(  # type: ignore[override]
        self,
        query: Mapping[str, Any],
        *args: Any,
        bot_entity: Bot | uuid.UUID | str,
        fields: str | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Worker:
        """The one worker of the bot matching `query`."""
        return self.find(query, limit=2, many=False, bot_entity=bot_entity, fields=fields)

    def find_all(  # type: ignore[override]
        self,
        query: Mapping[str, Any] | None = None,
        sort: str | Sequence[str] | None = None,
        include_session_tags: bool = False,
        *,
        bot_entity: Bot | uuid.UUID | str,
        fields: str | Sequence[str] | None = None,
        page_size: int = 100,
    ) -> Iterator[Worker]:
        """Every worker of the bot matching `query`, page by page."""
        skip = 0
        while True:
            page = self._find_workers(bot_entity, query, sort, skip, page_size, fields)
            yield from page.data
            if len(page.data) < page_size:
                return
            skip += len(page.data)

    def reload(self, entity: Worker, bot_entity: Bot | uuid.UUID | str, **kwargs: Any) -> Worker:
        return self.get(self._guid_of(entity), bot_entity, **kwargs)

    def save(
        self, entity: Worker, bot_entity: Bot | uuid.UUID | str, *args: Any, **kwargs: Any
    ) -> Worker:
        body = self._body({k: v for k, v in entity.items() if k not in self._keys_to_exclude})
        return self._entity(
            self._call(operations.update_worker(self._bot(bot_entity), self._guid_of(entity), body))
        )

    def delete(
        self, entity: Worker, bot_entity: Bot | uuid.UUID | str, *args: Any, **kwargs: Any
    ) -> None:
        self._call(
            operations.delete_worker(self._bot(bot_entity), self._guid_of(entity)), missing_ok=True
        )

    def _patch(self, entity: Worker, bot_entity: Any, body: Mapping[str, Any]) -> None:
        self._call(operations.update_worker(self._bot(bot_entity), self._guid_of(entity), body))

    def get_signal(
        self, entity: Worker, bot_entity: Bot | uuid.UUID | str, *args: Any, **kwargs: Any
    ) -> QalxWorkerSignal:
        """The worker's current signal, as a `QalxWorkerSignal`."""
        fresh = self.get(self._guid_of(entity), bot_entity, fields="signal")
        return self.signal_class(fresh)

    def wait_for_signal(
        self,
        entity: Worker,
        bot_entity: Bot | uuid.UUID | str,
        since: int | None = None,
        wait: float = 20.0,
    ) -> tuple[QalxWorkerSignal, int]:
        """The worker's signal and its version, as soon as the version differs from `since`
        (at once without it), or after `wait` seconds unchanged: one request instead of
        twenty polls. A qalx server extension; also marks the worker as seen."""
        answer = self._call(
            operations.get_worker_signal(
                self._bot(bot_entity), self._guid_of(entity), wait=wait, since=since
            )
        )
        return self.signal_class({"signal": answer.get("signal") or {}}), int(answer["version"])

    def update_status(self, entity: Worker, bot_entity: Bot | uuid.UUID | str, status: str) -> None:
        self._patch(entity, bot_entity, {"status": {"message": status}})

    def update_state(
        self, entity: Worker, state: str, bot_entity: Bot | uuid.UUID | str, **kwargs: Any
    ) -> None:
        self._patch(entity, bot_entity, {"state": str(getattr(state, "value", state))})

    def stop(self, entity: Worker, bot_entity: Bot | uuid.UUID | str, **kwargs: Any) -> None:
        """Tell the worker to stop taking jobs."""
        self.update_state(entity, "stopped", bot_entity)
        self._patch(entity, bot_entity, {"signal": self.signal_class.stop_signal(True)})

    def resume(self, entity: Worker, bot_entity: Bot | uuid.UUID | str, **kwargs: Any) -> None:
        """Tell a stopped worker to take jobs again."""
        self.update_state(entity, "idle", bot_entity)
        self._patch(entity, bot_entity, {"signal": self.signal_class.stop_signal(False)})

    def terminate(
        self,
        entity: Worker,
        bot_entity: Bot | uuid.UUID | str,
        *args: Any,
        warm: bool = True,
        requeue_job: bool = False,
        **kwargs: Any,
    ) -> None:
        """Tell the worker to exit: warm after its job, or cold at once (`requeue_job` puts
        the job back)."""
        signal = self.signal_class.terminate_signal(warm=warm, requeue_job=requeue_job)
        self.update_state(entity, "terminated", bot_entity)
        self._patch(entity, bot_entity, {"signal": signal})


# -- factories and notifications -----------------------------------------------------------
class QalxFactory(QalxAdapter[Factory]):
    """Factories: the plan file lives under `plan`, never encrypted."""

    _entity_class = Factory
    _keys_to_exclude = frozenset({"info", "guid"})

    def validate(self, plan_path: str | os.PathLike[str]) -> None:
        """Check a plan file with the API; `QalxFactoryValidationError` says what is wrong."""
        import yaml

        try:
            with open(plan_path) as handle:
                plan = yaml.safe_load(handle)
        except FileNotFoundError:
            raise QalxFactoryValidationError(f"no plan file at {os.fspath(plan_path)!r}") from None
        except yaml.YAMLError as exc:
            raise QalxFactoryValidationError(
                f"the plan {os.fspath(plan_path)!r} is not YAML: {exc}"
            ) from None
        if not isinstance(plan, Mapping):
            raise QalxFactoryValidationError("a plan is a YAML mapping with a `factory` key")
        try:
            self.validate_plan(plan)
        except QalxAPIResponseError as exc:
            raise QalxFactoryValidationError(f"the plan is not valid:\n{exc}") from exc

    def validate_plan(self, plan: Mapping[str, Any]) -> None:
        """Check a parsed plan with the API (POST factory/validate). A refusal raises the
        API's error, whose `errors` hold the answer: `{detail, code, errors: [{field,
        detail}]}` from qalx_server (qalx.factories turns it into a message with lines)."""
        self._call(operations.validate_factory_plan(plan))

    def _write(self, entity: Factory, source: FileSource | None, upload: bool) -> Factory:
        plan = entity.get("plan") or {}
        if source is not None and upload:
            put_url = plan.get("put_url")
            if not put_url:
                raise QalxAPIResponseError("the API's answer carries no plan.put_url to upload to")
            self.session.files.upload(put_url, source, encrypt=False)
            plan.pop("put_url", None)
        return entity

    def add(  # type: ignore[override]
        self,
        name: str,
        source: FileSource | None = None,
        file_name: str = "",
        meta: Mapping[str, Any] | None = None,
        upload: bool = True,
        **kwargs: Any,
    ) -> Factory:
        """Create factory `name`, uploading its plan from `source`."""
        body: dict[str, Any] = {**kwargs, "name": name, "meta": meta}
        if source is not None:
            body["plan"] = {"name": source_name(source, file_name)}
        else:
            body.setdefault("plan", {})
        return self._write(super().add(**body), source, upload)

    def save(
        self,
        entity: Factory,
        source: FileSource | None = None,
        file_name: str = "",
        upload: bool = True,
        *args: Any,
        **kwargs: Any,
    ) -> Factory:
        if source is not None:
            entity = Factory(entity)
            entity["plan"] = {"name": source_name(source, file_name)}
        elif isinstance(entity.get("plan"), Mapping):
            entity = Factory(entity)
            entity["plan"] = {k: v for k, v in entity["plan"].items() if k != "put_url"}
        return self._write(super().save(entity), source, upload)


class QalxNotification(QalxAdapter[Notification]):
    """Notifications: e-mails the server sends on the user's behalf."""

    _entity_class = Notification

    def add(  # type: ignore[override]
        self,
        subject: str,
        message: str,
        to: Sequence[str],
        cc: Sequence[str] | None = None,
        bcc: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Notification:
        """Send an e-mail with `subject` and `message` (text or HTML) to `to`, `cc`, `bcc`."""
        for field, value in (("to", to), ("cc", cc or []), ("bcc", bcc or [])):
            if isinstance(value, str) or not all(isinstance(a, str) for a in value):
                raise QalxError(f"{field} must be a list of e-mail addresses; got {value!r}")
        if not to:
            raise QalxError("to must name at least one address")
        return super().add(
            subject=subject,
            message=message,
            to=list(to),
            cc=list(cc or []),
            bcc=list(bcc or []),
            **kwargs,
        )


def default_adapters() -> dict[str, type[QalxAdapter[Any]]]:
    return {
        "item": QalxItem,
        "set": QalxSet,
        "group": QalxGroup,
        "blueprint": QalxBlueprint,
        "queue": QalxQueue,
        "bot": QalxBot,
        "worker": QalxWorker,
        "factory": QalxFactory,
        "notification": QalxNotification,
    }


__all__ = [
    "QalxBlueprint",
    "QalxBot",
    "QalxFactory",
    "QalxGroup",
    "QalxItem",
    "QalxNotification",
    "QalxQueue",
    "QalxSet",
    "QalxWorker",
]
