"""Document shaping: an entity's document as it is stored, and as it is answered.

Documents are stored as they are answered, minus what is computed per answer: signed file
URLs, a new bot's token, and what a type's hooks add to `info`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from qalx_server.auth.principal import Principal
from qalx_server.files.base import FileStore, object_key
from qalx_server.guids import parse_guid, wire
from qalx_server.store.query import from_python

from .errors import Invalid
from .hooks import Hooks
from .kinds import Kind
from .records import Rendering, Stored


def now_date() -> dict[str, Any]:
    stamp: dict[str, Any] = from_python(dt.datetime.now(dt.UTC))
    return stamp


def stamp(principal: Principal) -> dict[str, Any]:
    return {"on": now_date(), "by": principal.actor()}


def normalise(kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
    """Store references as `$uuid` whatever form they came in (pyqalx sends both)."""
    for key in kind.ref_maps:
        if key in values and isinstance(values[key], dict):
            values[key] = {name: _ref(ref, f"{key}.{name}") for name, ref in values[key].items()}
    for key in kind.ref_lists:
        if isinstance(values.get(key), list):
            values[key] = [
                {name: _ref(ref, f"{key}.{index}.{name}") for name, ref in entry.items()}
                for index, entry in enumerate(values[key])
            ]
    return values


def _ref(value: Any, where: str) -> dict[str, str]:
    text = value.get("$uuid") if isinstance(value, dict) else value
    guid = parse_guid(text) if isinstance(text, str) else None
    if guid is None:
        raise Invalid(f"{where}: {value!r} is not a guid")
    return wire(guid)


def names_file(kind: Kind, body: Mapping[str, Any]) -> bool:
    """A write that names a file gets a fresh upload URL in its answer."""
    field = kind.file_field
    return bool(field and isinstance(body.get(field), dict) and body[field].get("name"))


def apply_file(kind: Kind, stored: Stored, body: Mapping[str, Any], principal: Principal) -> None:
    """Set, change or clear the entity's file record from a write's `file`/`plan` dict."""
    field = kind.file_field
    if field is None or field not in body:
        return
    given = body[field]
    current = stored.doc.get(field) or {}
    if not given:  # `{}`: no file
        stored.doc[field] = {}
        stored.file_key = None
        return
    record = {k: given[k] for k in ("name", "keyfile", "as_file") if k in given}
    name = record.get("name", current.get("name"))
    if name is None:  # flags for a file the entity does not have: nothing to record
        return
    record["name"] = name
    if stored.file_key is None or name != current.get("name"):
        stored.file_key = object_key(principal.company_guid, stored.guid, name)
    stored.doc[field] = {
        **{k: current[k] for k in ("keyfile", "as_file") if k in current},
        **record,
    }


def held_name(kind: Kind, doc: Mapping[str, Any], *, archived: bool) -> Any:
    """The name an entity holds against others of its type: none once archived, so a
    `get_or_create` of an archived queue's or blueprint's name makes a new one (archiving
    cannot be undone, so the name is never wanted back)."""
    return doc.get("name") if kind.unique_name and not archived else None


def render(
    files: FileStore, hooks: Hooks, kind: Kind, stored: Stored, how: Rendering
) -> dict[str, Any]:
    """The answer for one entity: its document with signed file URLs, the answer's `info`,
    what its type's hooks show, and no more than the projection keeps."""
    doc = dict(stored.doc)
    field = kind.file_field
    if field and stored.file_key and doc.get(field, {}).get("name"):
        record = dict(doc[field])
        record["url"] = files.get_url(
            stored.file_key, base_url=how.base_url, filename=record["name"]
        )
        if how.put_url:
            record["put_url"] = files.put_url(stored.file_key, base_url=how.base_url)
        doc[field] = record
    if how.extra_info:
        doc["info"] = {**doc["info"], **how.extra_info}
    doc = hooks.shown(doc)
    return how.project(doc) if how.project else doc
