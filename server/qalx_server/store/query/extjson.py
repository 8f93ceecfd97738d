"""Canonical stored form of MongoDB legacy Extended JSON values, and codecs.

Documents are stored as plain JSON in which UUIDs, datetimes, bytes and non-finite
numbers have one canonical shape (see :func:`canonical`).  Query operands arrive in looser
Extended JSON (hyphenated UUIDs, ``$numberLong`` dates, ISO strings, missing
``$zone``) and are normalised to the same shape, so SQL and Python can compare
them structurally.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import uuid
from collections.abc import Mapping
from typing import Any

from .errors import QueryError

JSON = Any
"""A decoded JSON value (None, bool, int, float, str, list, dict)."""

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_LITERAL_KEYS = (
    frozenset({"$uuid"}),
    frozenset({"$date"}),
    frozenset({"$date", "$zone"}),
    frozenset({"$date", "$offset"}),
    frozenset({"$date", "$zone", "$offset"}),
    frozenset({"$binary"}),
    frozenset({"$binary", "$type"}),
    frozenset({"$numberLong"}),
    frozenset({"$numberInt"}),
    frozenset({"$numberDouble"}),
)


NONFINITE = ("NaN", "Infinity", "-Infinity")
"""MongoDB Extended JSON v2 spellings of the doubles JSON (and PostgreSQL's JSONB) cannot
hold; they are stored as ``{"$numberDouble": spelling}``."""
_NUMBER_DOUBLE = "$numberDouble"


def is_literal(obj: Mapping[str, Any]) -> bool:
    """True if ``obj`` is an Extended JSON *value* (not an operator expression)."""
    return frozenset(obj) in _LITERAL_KEYS


def is_date(v: JSON) -> bool:
    return isinstance(v, dict) and "$date" in v


def is_uuid(v: JSON) -> bool:
    return isinstance(v, dict) and "$uuid" in v and len(v) == 1


def is_binary(v: JSON) -> bool:
    return isinstance(v, dict) and "$binary" in v


def is_nonfinite(v: JSON) -> bool:
    """A stored NaN or ±Infinity (``{"$numberDouble": "NaN"}``)."""
    return isinstance(v, dict) and _NUMBER_DOUBLE in v


def double(x: float) -> JSON:
    """The stored form of a float: itself, or the wrapper when it is not finite."""
    if math.isfinite(x):
        return x
    return {_NUMBER_DOUBLE: "NaN" if math.isnan(x) else "Infinity" if x > 0 else "-Infinity"}


def number_value(v: JSON) -> int | float:
    """A stored number as Python sees it (the wrapper as a float nan/inf)."""
    if is_nonfinite(v):
        return float(str(v[_NUMBER_DOUBLE]))
    number: int | float = v
    return number


def plain_doubles(v: JSON) -> Any:
    """A stored document with its non-finite wrappers as floats again, for answers: clients
    get bare `NaN`/`Infinity` tokens, as Python's json (and so pyqalx) writes and reads."""
    if isinstance(v, list):
        return [plain_doubles(x) for x in v]
    if isinstance(v, dict):
        if is_nonfinite(v) and v[_NUMBER_DOUBLE] in NONFINITE:
            return float(v[_NUMBER_DOUBLE])
        return {k: plain_doubles(x) for k, x in v.items()}
    return v


def _date_ms(raw: Any) -> int:
    if isinstance(raw, bool):
        raise QueryError(f"invalid $date value {raw!r}")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, dict) and set(raw) == {"$numberLong"}:
        try:
            return int(raw["$numberLong"])
        except (TypeError, ValueError):
            raise QueryError(f"invalid $numberLong {raw['$numberLong']!r}") from None
    if isinstance(raw, str):
        try:
            when = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise QueryError(f"invalid ISO-8601 $date {raw!r}") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return (when - _EPOCH) // dt.timedelta(milliseconds=1)
    raise QueryError(f"invalid $date value {raw!r}")


def canonical(value: JSON) -> JSON:
    """Normalise an Extended JSON value (recursively) to the canonical stored form.

    Canonical forms: ``{"$uuid": hex32}``, ``{"$date": ms, "$zone": str|None,
    "$offset": None|{"total_seconds": float}}``, ``{"$binary": b64, "$type": "00"}``,
    ``{"$numberDouble": "NaN"|"Infinity"|"-Infinity"}`` (finite doubles are plain numbers).
    """
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if not isinstance(value, dict):
        return double(value) if isinstance(value, float) else value
    if not is_literal(value):
        return {k: canonical(v) for k, v in value.items()}
    if "$uuid" in value:
        raw = value["$uuid"]
        try:
            return {"$uuid": uuid.UUID(str(raw)).hex}
        except ValueError:
            raise QueryError(f"invalid $uuid {raw!r}") from None
    if "$date" in value:
        zone = value.get("$zone")
        offset = value.get("$offset")
        if zone is not None and not isinstance(zone, str):
            raise QueryError(f"invalid $zone {zone!r}")
        if offset is not None and not (
            isinstance(offset, dict) and isinstance(offset.get("total_seconds"), int | float)
        ):
            raise QueryError(f"invalid $offset {offset!r}")
        return {"$date": _date_ms(value["$date"]), "$zone": zone, "$offset": offset}
    if "$binary" in value:
        subtype = str(value.get("$type", "00")).lower().rjust(2, "0")
        try:
            data = base64.b64decode(str(value["$binary"]), validate=True)
            int(subtype, 16)
        except (binascii.Error, ValueError):
            raise QueryError(f"invalid $binary {value!r}") from None
        if subtype in ("03", "04") and len(data) == 16:
            return {"$uuid": data.hex()}
        return {"$binary": base64.b64encode(data).decode("ascii"), "$type": subtype}
    if "$numberLong" in value or "$numberInt" in value:
        raw = value.get("$numberLong", value.get("$numberInt"))
        try:
            return int(str(raw))
        except ValueError:
            raise QueryError(f"invalid integer literal {raw!r}") from None
    try:
        return double(float(str(value["$numberDouble"])))
    except ValueError:
        raise QueryError(f"invalid $numberDouble {value['$numberDouble']!r}") from None


def to_python(doc: JSON) -> Any:
    """Decode canonical JSON into Python values: uuid.UUID, aware datetime (UTC), bytes."""
    if isinstance(doc, list):
        return [to_python(v) for v in doc]
    if not isinstance(doc, dict):
        return doc
    if is_uuid(doc):
        return uuid.UUID(hex=doc["$uuid"])
    if is_date(doc):
        return _EPOCH + dt.timedelta(milliseconds=int(doc["$date"]))
    if is_binary(doc):
        return base64.b64decode(doc["$binary"])
    if is_nonfinite(doc):
        return number_value(doc)
    return {k: to_python(v) for k, v in doc.items()}


def from_python(obj: Any) -> JSON:
    """Encode Python values into the canonical stored JSON form.

    Datetimes are truncated to milliseconds; naive ones are taken as UTC.
    """
    if isinstance(obj, uuid.UUID):
        return {"$uuid": obj.hex}
    if isinstance(obj, dt.datetime):
        aware = obj if obj.tzinfo is not None else obj.replace(tzinfo=dt.UTC)
        offset = aware.utcoffset()
        ms = (aware - _EPOCH) // dt.timedelta(milliseconds=1)
        zone = "UTC" if offset == dt.timedelta(0) and obj.tzinfo is not None else None
        off = None if not offset else {"total_seconds": offset.total_seconds()}
        return {"$date": ms, "$zone": zone, "$offset": off}
    if isinstance(obj, bytes | bytearray):
        return {"$binary": base64.b64encode(bytes(obj)).decode("ascii"), "$type": "00"}
    if isinstance(obj, float):
        return double(obj)
    if isinstance(obj, Mapping):
        return {str(k): from_python(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [from_python(v) for v in obj]
    return obj
