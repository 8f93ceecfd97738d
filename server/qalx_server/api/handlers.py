"""operationId -> handler. Each handler takes the checked `Call` and returns an `Answer`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import attrs
from sqlalchemy import Connection
from starlette.datastructures import Headers

from qalx_server import __version__
from qalx_server.auth.principal import Principal
from qalx_server.entities.checks import validate_plan, validate_tags
from qalx_server.entities.errors import Forbidden
from qalx_server.entities.idempotency import HEADER, Idempotency, Once, Write
from qalx_server.entities.indexes import DeclaredIndexes
from qalx_server.entities.kinds import KINDS
from qalx_server.entities.queues import QueueOperations
from qalx_server.entities.service import EntityService
from qalx_server.entities.workers import WorkerService
from qalx_server.spec import load_spec
from qalx_server.validation import accepts, problems, validator

from .errors import bad_request, error_document
from .schemas import check

MAX_BULK: int = load_spec()["components"]["schemas"]["ItemBulkCreate"]["properties"]["items"][
    "maxItems"
]

PLURAL = {
    "item": "items",
    "set": "sets",
    "group": "groups",
    "blueprint": "blueprints",
    "queue": "queues",
    "bot": "bots",
    "factory": "factories",
    "notification": "notifications",
}


@attrs.frozen
class Call:
    caller: Principal | None
    """None only on operations the spec marks public (`security: []`)."""
    path: dict[str, str]
    """Path parameters; guids already in their 32-hex form."""
    query: dict[str, Any]
    headers: Headers
    body: Any
    base_url: str

    @property
    def principal(self) -> Principal:
        if self.caller is None:
            raise RuntimeError("this operation is public: it has no caller")
        return self.caller


@attrs.frozen
class Answer:
    status: int
    body: Any = None


Handler = Callable[[Call], Answer]
"""Runs on a handler thread."""
Disconnected = Callable[[], Awaitable[bool]]
WaitingHandler = Callable[[Call, Disconnected], Awaitable[Answer]]
"""Runs on the event loop, for operations that wait (long polling): it must hand its
blocking work to a handler thread itself, and never hold one while it waits."""


def build_handlers(
    entities: EntityService,
    workers: WorkerService,
    queues: QueueOperations,
    idempotency: Idempotency,
    indexes: DeclaredIndexes,
) -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}

    for entity_type in KINDS:
        handlers.update(_entity_handlers(entities, idempotency, entity_type))

    def create_item(call: Call) -> Answer:
        bulk = call.headers.get("qalx-bulk") == "true"  # its values checked by the spec
        if bulk:
            _check_bulk_envelope(call.body)  # each item is checked on its own, per index
        elif isinstance(call.body, dict) and "items" in call.body:
            raise bad_request("items: a bulk create needs the header `qalx-bulk: true`")
        else:
            check("ItemCreate", call.body)

        def write(conn: Connection) -> tuple[int, Any]:
            if bulk:
                return 200, _bulk_create(entities, call, conn)
            return 201, entities.create(call.principal, "item", call.body, call.base_url, conn)

        operation = "create_item bulk" if bulk else "create_item"
        return _once(idempotency, call, operation, write)

    handlers["create_item"] = create_item

    handlers["replace_bot_workers"] = lambda call: Answer(
        200,
        workers.replace(call.principal, call.path["bot_guid"], call.body["workers"], call.base_url),
    )
    handlers["list_workers"] = lambda call: Answer(
        200, workers.list(call.principal, call.path["bot_guid"], call.query)
    )
    handlers["get_worker"] = lambda call: Answer(
        200,
        workers.get(
            call.principal, call.path["bot_guid"], call.path["worker_guid"], call.query["fields"]
        ),
    )
    handlers["update_worker"] = lambda call: Answer(
        200,
        workers.update(call.principal, call.path["bot_guid"], call.path["worker_guid"], call.body),
    )

    def delete_worker(call: Call) -> Answer:
        workers.delete(call.principal, call.path["bot_guid"], call.path["worker_guid"])
        return Answer(204)

    handlers["delete_worker"] = delete_worker
    handlers["get_queue_stats"] = lambda call: Answer(
        200, queues.stats(call.principal, call.path["guid"])
    )
    handlers["list_dead_letters"] = lambda call: Answer(
        200, queues.dead_letters(call.principal, call.path["guid"], call.query["limit"])
    )
    handlers["replay_dead_letters"] = lambda call: Answer(
        200, queues.replay(call.principal, call.path["guid"], call.body)
    )

    def record_job_failure(call: Call) -> Answer:
        queues.record_failure(call.principal, call.path["guid"], call.body)
        return Answer(204)

    handlers["record_job_failure"] = record_job_failure
    handlers["validate_tags"] = lambda call: Answer(200, validate_tags(call.body["tags"]))
    handlers["validate_factory_plan"] = lambda call: Answer(200, validate_plan(call.body["plan"]))
    handlers.update(_index_handlers(indexes))
    handlers["get_health"] = lambda call: Answer(200, {"status": "ok", "version": __version__})
    return handlers


def _index_handlers(indexes: DeclaredIndexes) -> dict[str, Handler]:
    def user(call: Call) -> Principal:
        if call.principal.is_bot:
            raise Forbidden("declared indexes are for user tokens, not bot tokens")
        return call.principal

    def declare(call: Call) -> Answer:
        body = call.body
        return Answer(201, indexes.add(user(call).company_id, body["entity_type"], body["path"]))

    def drop(call: Call) -> Answer:
        indexes.drop(user(call).company_id, call.path["entity_type"], call.path["path"])
        return Answer(204)

    def listed(call: Call) -> Answer:
        found = indexes.list(user(call).company_id)
        return Answer(
            200, {"data": [{"entity_type": i["entity_type"], "path": i["path"]} for i in found]}
        )

    return {"declare_index": declare, "drop_index": drop, "list_indexes": listed}


def build_waiting_handlers(workers: WorkerService) -> dict[str, WaitingHandler]:
    watch = workers.watch
    if watch is None:
        raise RuntimeError("waiting signal reads need the worker service's SignalWatch")

    async def get_worker_signal(call: Call, disconnected: Disconnected) -> Answer:
        bot_guid, worker_guid = call.path["bot_guid"], call.path["worker_guid"]
        answer = await watch.read(
            bot_guid,
            worker_guid,
            since=call.query["since"],
            wait=workers.liveness.longest_wait(float(call.query["wait"])),
            first=lambda: workers.signal(call.principal, bot_guid, worker_guid, seen=True),
            again=lambda: workers.signal(call.principal, bot_guid, worker_guid, seen=False),
            disconnected=disconnected,
        )
        return Answer(200, answer)

    return {"get_worker_signal": get_worker_signal}


def _once(idempotency: Idempotency, call: Call, operation: str, write: Write) -> Answer:
    """A create, replayed rather than repeated when it carries a used `Idempotency-Key`."""
    once = Once.of(call.headers.get(HEADER), operation, call.body)
    status, body = idempotency.run(call.principal, once, write)
    return Answer(status, body)


def _entity_handlers(
    entities: EntityService, idempotency: Idempotency, entity_type: str
) -> dict[str, Handler]:
    plural = PLURAL[entity_type]

    def create(call: Call) -> Answer:
        def write(conn: Connection) -> tuple[int, Any]:
            body = entities.create(call.principal, entity_type, call.body, call.base_url, conn)
            return 201, body

        return _once(idempotency, call, f"create_{entity_type}", write)

    def get(call: Call) -> Answer:
        return Answer(
            200,
            entities.get(
                call.principal, entity_type, call.path["guid"], call.query["fields"], call.base_url
            ),
        )

    def update(call: Call) -> Answer:
        return Answer(
            200,
            entities.update(
                call.principal, entity_type, call.path["guid"], call.body, call.base_url
            ),
        )

    def archive(call: Call) -> Answer:
        return Answer(
            200, entities.archive(call.principal, entity_type, call.path["guid"], call.base_url)
        )

    def delete(call: Call) -> Answer:
        entities.delete(call.principal, entity_type, call.path["guid"])
        return Answer(204)

    def list_(call: Call) -> Answer:
        return Answer(200, entities.list(call.principal, entity_type, call.query, call.base_url))

    def aggregate(call: Call) -> Answer:
        text = call.body["aggregate"]
        if not isinstance(text, str):
            raise bad_request("aggregate: must be the pipeline as JSON text")
        return Answer(200, entities.aggregate(call.principal, entity_type, text))

    return {
        f"create_{entity_type}": create,
        f"get_{entity_type}": get,
        f"update_{entity_type}": update,
        f"archive_{entity_type}": archive,
        f"delete_{entity_type}": delete,
        f"list_{plural}": list_,
        f"aggregate_{plural}": aggregate,
    }


def _bulk_create(entities: EntityService, call: Call, conn: Connection) -> dict[str, Any]:
    """Each item is checked on its own: those that pass are created, and each of the rest
    is answered under `errors` by its index, as the error a single create would get."""
    item_check, item_accepted = validator("ItemCreate"), accepts("ItemCreate")
    errors: dict[int, dict[str, Any]] = {}
    valid: list[tuple[int, dict[str, Any]]] = []
    for index, item in enumerate(call.body["items"]):
        if item_accepted(item):
            valid.append((index, item))
            continue
        found = problems(item_check, item, f"items.{index}")
        errors[index] = error_document(
            "invalid", f"{found[0]['field']}: {found[0]['detail']}", found
        )
    created, refused = entities.bulk_create(
        call.principal, valid, call.body.get("tags"), call.base_url, conn
    )
    for index, refusal in refused.items():
        errors[index] = error_document(refusal.code, refusal.detail, refusal.problems)
    return {
        "items": created,
        "errors": {str(index): errors[index] for index in sorted(errors)},
        "items_created": len(created),
        "items_errored": len(errors),
    }


def _check_bulk_envelope(body: Any) -> None:
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_BULK:
        raise bad_request(
            f"items: a bulk create needs 'items', a list of 1 to {MAX_BULK} item bodies"
        )
    if "tags" in body:
        check("Tags", body["tags"], "body.tags")
