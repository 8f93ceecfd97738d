"""MongoDB legacy Extended JSON, both ways, as the qalx API speaks it (wire-contract §1.4, §1.5).

Python → wire: `UUID` → `{"$uuid": hex}`, `datetime` → `{"$date": ms, "$zone", "$offset"}`,
`bytes` → `{"$binary": b64, "$type": "00"}`, sets and tuples → arrays, and non-finite floats as
the bare `NaN`/`Infinity` tokens pyqalx sends (Python's json reads them back).

Wire → Python: `$uuid` (and `$binary` subtypes 3/4) → `UUID`; `$date` → `datetime`, naive when
the document has no zone or offset (pyqalx's reading of a naive value stored as UTC) and aware
otherwise, so an aware value round-trips aware and a naive one naive; `$binary` → `bytes`;
`$numberLong`/`$numberInt` → `int`; `$numberDouble` → `float`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from qalx.errors import QalxError

_EPOCH_AWARE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_EPOCH_NAIVE = dt.datetime(1970, 1, 1)
_MS = dt.timedelta(milliseconds=1)


class NotSerialisable(QalxError):
    """A value has no Extended JSON form (a Decimal, an arbitrary object, a non-str key)."""


def _zone_name(tz: dt.tzinfo) -> str | None:
    if tz is dt.UTC:
        return "UTC"
    key = getattr(tz, "key", None) or getattr(tz, "zone", None)  # zoneinfo, pytz
    return key if isinstance(key, str) else None


def encode_datetime(value: dt.datetime) -> dict[str, Any]:
    if value.tzinfo is None or value.utcoffset() is None:
        ms = (value - _EPOCH_NAIVE) // _MS
        return {"$date": ms, "$zone": None, "$offset": None}
    ms = (value - _EPOCH_AWARE) // _MS
    zone = _zone_name(value.tzinfo)
    if zone is not None:
        return {"$date": ms, "$zone": zone, "$offset": None}
    offset = value.utcoffset() or dt.timedelta(0)
    return {"$date": ms, "$zone": None, "$offset": {"total_seconds": offset.total_seconds()}}


_PLAIN = frozenset({str, int, float, bool, type(None)})


def to_wire(value: Any) -> Any:
    """`value` with every Python-only type replaced by its Extended JSON form (a new tree)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list:  # the common containers first, by exact type: ABC checks are slow
        return [v if type(v) in _PLAIN else to_wire(v) for v in value]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if type(key) is not str:
                raise NotSerialisable(
                    f"keys must be strings; {key!r} ({type(key).__name__}) is not JSON serialisable"
                )
            out[key] = item if type(item) in _PLAIN else to_wire(item)
        return out
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotSerialisable(
                    f"keys must be strings; {key!r} ({type(key).__name__}) is not JSON serialisable"
                )
            out[key] = to_wire(item)
        return out
    if isinstance(value, list | tuple | set | frozenset):
        return [to_wire(item) for item in value]
    if isinstance(value, uuid.UUID):
        return {"$uuid": value.hex}
    if isinstance(value, dt.datetime):
        return encode_datetime(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$binary": base64.b64encode(bytes(value)).decode("ascii"), "$type": "00"}
    if isinstance(value, str | int | float):  # subclasses such as enum.IntEnum, numpy scalars
        return value
    raise NotSerialisable(
        f"{value!r} ({type(value).__name__}) is not JSON serialisable: use str, int, float, "
        "bool, None, list, dict, UUID, datetime or bytes"
    )


def dumps(value: Any) -> bytes:
    """The wire bytes of `value` (UTF-8; NaN and Infinity as bare tokens, as pyqalx sends)."""
    try:
        return json.dumps(to_wire(value), ensure_ascii=False, separators=(",", ":")).encode()
    except (ValueError, RecursionError) as exc:  # a circular reference
        raise NotSerialisable(f"cannot encode the request: {exc}") from None


def dumps_encoded(value: Any) -> bytes:
    """The wire bytes of a tree that is already Extended JSON (no Python-only types left)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def dumps_text(value: Any) -> str:
    """Extended JSON text, for values that travel inside a string (the `query` parameter)."""
    return json.dumps(to_wire(value), ensure_ascii=False, separators=(",", ":"))


def _decode_date(raw: Any, zone: Any, offset: Any) -> dt.datetime:
    if isinstance(raw, Mapping):
        raw = int(raw.get("$numberLong", 0))
    if isinstance(raw, str):
        when = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        ms = (when - _EPOCH_AWARE) // _MS
    else:
        ms = int(raw)
    if zone is None and not offset:
        return _EPOCH_NAIVE + ms * _MS
    utc = _EPOCH_AWARE + ms * _MS
    if isinstance(zone, str):
        if zone.upper() in ("UTC", "Z", "ETC/UTC"):
            return utc
        try:
            from zoneinfo import ZoneInfo

            return utc.astimezone(ZoneInfo(zone))
        except (ValueError, KeyError, OSError):
            return utc  # an unknown zone name: keep the instant, in UTC
    seconds = float(offset.get("total_seconds", 0)) if isinstance(offset, Mapping) else 0.0
    return utc.astimezone(dt.timezone(dt.timedelta(seconds=seconds)))


def decode_value(obj: dict[str, Any]) -> Any:
    """The Python value of an Extended JSON literal, or `obj` itself if it is not one."""
    if len(obj) > 3 or not obj:
        return obj
    if "$uuid" in obj and len(obj) == 1:
        return uuid.UUID(str(obj["$uuid"]))
    if "$date" in obj and obj.keys() <= {"$date", "$zone", "$offset"}:
        return _decode_date(obj["$date"], obj.get("$zone"), obj.get("$offset"))
    if "$binary" in obj and obj.keys() <= {"$binary", "$type"}:
        data = base64.b64decode(str(obj["$binary"]))
        if str(obj.get("$type", "00")).rjust(2, "0") in ("03", "04") and len(data) == 16:
            return uuid.UUID(bytes=data)
        return data
    if len(obj) == 1:
        if "$numberLong" in obj or "$numberInt" in obj:
            return int(next(iter(obj.values())))
        if "$numberDouble" in obj:
            return float(obj["$numberDouble"])
    return obj


def loads(raw: bytes | str, mapping: Callable[[dict[str, Any]], Any] = dict) -> Any:
    """Decode wire JSON; every JSON object that is not a literal is built with `mapping`."""

    def hook(obj: dict[str, Any]) -> Any:
        value = decode_value(obj)
        return mapping(value) if value is obj else value

    try:
        return json.loads(raw, object_hook=hook)
    except (ValueError, TypeError, binascii.Error, OverflowError) as exc:
        raise ValueError(f"the answer is not valid Extended JSON: {exc}") from exc
