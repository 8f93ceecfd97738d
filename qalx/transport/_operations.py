"""Requests for every API operation, built by the generated client (`qalx_api_client`).

Each function here returns the keyword arguments of one httpx request, made by the generated
operation's `_get_kwargs`, so paths, parameters and headers come from the spec alone. Bodies
go through the generated request models (`from_dict` then `to_dict`), which keeps every key
they do not name (`additional_properties`). The generated modules are imported on first use:
importing them all costs more than the whole of `import qalx` may.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from functools import cache
from types import ModuleType
from typing import Any
from uuid import UUID

from qalx.errors import QalxError

from . import _codec

Request = dict[str, Any]


@cache
def _names(entity_type: str) -> tuple[str, str, str]:
    """(package, singular, plural) of an entity type in `qalx_api_client.api`."""
    table = {
        "item": ("item", "item", "items"),
        "set": ("set_", "set", "sets"),
        "group": ("group", "group", "groups"),
        "blueprint": ("blueprint", "blueprint", "blueprints"),
        "queue": ("queue", "queue", "queues"),
        "bot": ("bot", "bot", "bots"),
        "factory": ("factory", "factory", "factories"),
        "notification": ("notification", "notification", "notifications"),
    }
    try:
        return table[entity_type]
    except KeyError:
        raise QalxError(f"unknown entity type {entity_type!r}") from None


# Request models of each write; types not listed take the generic name `<Type>Create/Update`.
_CREATE_MODEL = {"set": "SetWrite", "group": "GroupWrite"}
_UPDATE_MODEL = {"set": "SetWrite", "group": "GroupWrite"}


@cache
def _module(package: str, operation: str) -> ModuleType:
    return importlib.import_module(f"qalx_api_client.api.{package}.{operation}")


@cache
def _model(name: str) -> Any:
    module = "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
    return getattr(importlib.import_module(f"qalx_api_client.models.{module}"), name)


def _body(model_name: str, body: Mapping[str, Any], *, encoded: bool = False) -> Any:
    """The generated request model holding `body`, encoded to Extended JSON first unless it
    already is (`encoded`, from `to_wire`)."""
    if not encoded:
        body = _codec.to_wire(body)
    try:
        return _model(model_name).from_dict(body)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise QalxError(f"the request body does not fit {model_name}: {exc!r}") from None


def _unset(value: Any) -> Any:
    from qalx_api_client.types import UNSET

    return UNSET if value is None else value


def _list_param(value: str | Sequence[str] | None) -> Any:
    if value is None:
        return _unset(None)
    return [value] if isinstance(value, str) else list(value)


def create(entity_type: str, body: Mapping[str, Any], *, idempotency_key: str) -> Request:
    package, singular, _ = _names(entity_type)
    model = _CREATE_MODEL.get(entity_type, f"{singular.capitalize()}Create")
    request: Request = _module(package, f"create_{singular}")._get_kwargs(
        body=_body(model, body), idempotency_key=idempotency_key
    )
    return request


def create_items(
    body: Mapping[str, Any], *, idempotency_key: str, encoded: bool = False
) -> Request:
    """A bulk create; `encoded` when `body` is already Extended JSON (see `to_wire`)."""
    from qalx_api_client.models.create_item_qalx_bulk import CreateItemQalxBulk

    request: Request = _module("item", "create_item")._get_kwargs(
        body=_body("ItemBulkCreate", body, encoded=encoded),
        qalx_bulk=CreateItemQalxBulk.TRUE,
        idempotency_key=idempotency_key,
    )
    return request


def get(entity_type: str, guid: UUID, *, fields: str | Sequence[str] | None = None) -> Request:
    package, singular, _ = _names(entity_type)
    request: Request = _module(package, f"get_{singular}")._get_kwargs(
        guid, fields=_list_param(fields)
    )
    return request


def find(
    entity_type: str,
    *,
    query: Mapping[str, Any] | None,
    sort: str | Sequence[str] | None,
    skip: int,
    limit: int,
    fields: str | Sequence[str] | None = None,
) -> Request:
    package, _, plural = _names(entity_type)
    request: Request = _module(package, f"list_{plural}")._get_kwargs(
        **_list_kwargs(query, sort, skip, limit, fields)
    )
    return request


def _list_kwargs(
    query: Mapping[str, Any] | None,
    sort: str | Sequence[str] | None,
    skip: int,
    limit: int,
    fields: str | Sequence[str] | None,
) -> dict[str, Any]:
    """The parameters every list operation takes, as the generated functions want them."""
    return {
        "skip": skip,
        "limit": limit,
        "sort": _list_param(sort),
        "query": _codec.dumps_text(query) if query else _unset(None),
        "fields": _list_param(fields),
    }


def update(entity_type: str, guid: UUID, body: Mapping[str, Any]) -> Request:
    package, singular, _ = _names(entity_type)
    model = _UPDATE_MODEL.get(entity_type, f"{singular.capitalize()}Update")
    request: Request = _module(package, f"update_{singular}")._get_kwargs(
        guid, body=_body(model, body)
    )
    return request


def archive(entity_type: str, guid: UUID) -> Request:
    package, singular, _ = _names(entity_type)
    request: Request = _module(package, f"archive_{singular}")._get_kwargs(guid)
    return request


def delete(entity_type: str, guid: UUID) -> Request:
    package, singular, _ = _names(entity_type)
    request: Request = _module(package, f"delete_{singular}")._get_kwargs(guid)
    return request


def aggregate(entity_type: str, pipeline: Sequence[Any]) -> Request:
    package, _, plural = _names(entity_type)
    body = _body("AggregateRequest", {"aggregate": _codec.dumps_text(list(pipeline))})
    request: Request = _module(package, f"aggregate_{plural}")._get_kwargs(body=body)
    return request


def replace_workers(bot_guid: UUID, workers: int) -> Request:
    body = _body("ReplaceWorkers", {"workers": workers})
    request: Request = _module("bot", "replace_bot_workers")._get_kwargs(bot_guid, body=body)
    return request


def get_worker(bot_guid: UUID, guid: UUID, *, fields: str | Sequence[str] | None = None) -> Request:
    request: Request = _module("worker", "get_worker")._get_kwargs(
        bot_guid, guid, fields=_list_param(fields)
    )
    return request


def find_workers(
    bot_guid: UUID,
    *,
    query: Mapping[str, Any] | None,
    sort: str | Sequence[str] | None,
    skip: int,
    limit: int,
    fields: str | Sequence[str] | None = None,
) -> Request:
    request: Request = _module("worker", "list_workers")._get_kwargs(
        bot_guid, **_list_kwargs(query, sort, skip, limit, fields)
    )
    return request


def get_worker_signal(bot_guid: UUID, guid: UUID, *, wait: float, since: int | None) -> Request:
    """The long-polled signal read (a qalx extension): answers when the signal's version
    differs from `since`, or after `wait` seconds."""
    request: Request = _module("worker", "get_worker_signal")._get_kwargs(
        bot_guid, guid, wait=wait, since=_unset(since)
    )
    return request


def update_worker(bot_guid: UUID, guid: UUID, body: Mapping[str, Any]) -> Request:
    request: Request = _module("worker", "update_worker")._get_kwargs(
        bot_guid, guid, body=_body("WorkerUpdate", body)
    )
    return request


def delete_worker(bot_guid: UUID, guid: UUID) -> Request:
    request: Request = _module("worker", "delete_worker")._get_kwargs(bot_guid, guid)
    return request


def record_job_failure(queue_guid: UUID, body: Mapping[str, Any]) -> Request:
    """A job failure recorded against a queue message (a qalx extension): the dead-letter
    listing shows it once the message is dead-lettered."""
    request: Request = _module("queue", "record_job_failure")._get_kwargs(
        queue_guid, body=_body("JobFailure", body)
    )
    return request


def queue_stats(queue_guid: UUID) -> Request:
    """A queue's numbers: depth, in flight, dead letters (a qalx extension)."""
    request: Request = _module("queue", "get_queue_stats")._get_kwargs(queue_guid)
    return request


def list_dead_letters(queue_guid: UUID, *, limit: int) -> Request:
    """A queue's dead letters, with the failures recorded against them (a qalx extension)."""
    request: Request = _module("queue", "list_dead_letters")._get_kwargs(queue_guid, limit=limit)
    return request


def validate_tags(tags: Sequence[Mapping[str, str]]) -> Request:
    body = _body("TagsValidate", {"tags": [dict(t) for t in tags]})
    request: Request = _module("tags", "validate_tags")._get_kwargs(body=body)
    return request


def validate_factory_plan(plan: Mapping[str, Any]) -> Request:
    body = _body("FactoryValidate", {"plan": _codec.dumps_text(plan)})
    request: Request = _module("factory", "validate_factory_plan")._get_kwargs(body=body)
    return request
