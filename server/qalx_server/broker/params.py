"""Reading request parameters of the JSON protocol, with SQS's errors for bad values.

botocore validates shapes before sending, so these checks are for other clients and for the
ranges SQS enforces server-side (e.g. MaxNumberOfMessages 1-10).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any

from . import errors

MAX_MESSAGE_BYTES = 1_048_576  # SQS's limit since 2025 (botocore's model agrees)
MAX_ATTRIBUTES = 10
_ENTRY_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,256}")
_DATA_TYPE = re.compile(r"(String|Number|Binary)(\.[^\s]{1,250})?")
_BAD_BODY_CHAR = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FIFO_ID = re.compile(r"[!-~]{1,128}")  # printable ASCII, as SQS allows


def string(params: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = params.get(name)
    if value is None:
        if required:
            raise errors.missing_parameter(name)
        return None
    if not isinstance(value, str):
        raise errors.invalid_value(name, value, "Must be a string.")
    return value


def required_string(params: Mapping[str, Any], name: str) -> str:
    value = string(params, name, required=True)
    assert value is not None
    return value


def integer(params: Mapping[str, Any], name: str, low: int, high: int, *, default: int) -> int:
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise errors.invalid_value(name, value, f"Must be between {low} and {high}, if provided.")
    return value


def string_list(params: Mapping[str, Any], name: str) -> list[str]:
    value = params.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise errors.invalid_value(name, value, "Must be a list of strings.")
    return list(value)


def entries(params: Mapping[str, Any], name: str, kind: str) -> list[dict[str, Any]]:
    """A batch's entries, with SQS's whole-request checks (count, ids, distinct ids)."""
    value = params.get(name)
    if not value:
        raise errors.empty_batch(kind)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise errors.invalid_value(name, "(entries)", "Must be a list of entries.")
    if len(value) > 10:
        raise errors.too_many_entries(len(value))
    seen: set[str] = set()
    for entry in value:
        entry_id = entry.get("Id")
        if not isinstance(entry_id, str) or not _ENTRY_ID.fullmatch(entry_id):
            raise errors.invalid_batch_entry_id()
        if entry_id in seen:
            raise errors.ids_not_distinct(entry_id)
        seen.add(entry_id)
    return list(value)


def body(params: Mapping[str, Any]) -> str:
    text = string(params, "MessageBody", required=True)
    assert text is not None
    if not text:
        raise errors.invalid_value("MessageBody", "(empty)", "Message must not be empty.")
    bad = _BAD_BODY_CHAR.search(text)
    if bad is not None:
        raise errors.SqsError(
            "InvalidMessageContents",
            f"Invalid binary character '#x{ord(bad.group()):X}' was found in the message body, "
            "the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | "
            "#xE000 to #xFFFD | #x10000 to #x10FFFF",
        )
    return text


def message_attributes(value: Any, *, system: bool = False) -> tuple[dict[str, Any], int]:
    """Validated (message or system) attributes in wire form, and their size in bytes."""
    if value is None:
        return {}, 0
    what = "MessageSystemAttributes" if system else "MessageAttributes"
    if not isinstance(value, dict):
        raise errors.invalid_value(what, "(attributes)", "Must be a map.")
    if len(value) > MAX_ATTRIBUTES:
        raise errors.invalid_parameter(
            f"Number of message attributes [{len(value)}] exceeds the allowed maximum "
            f"[{MAX_ATTRIBUTES}]."
        )
    clean: dict[str, Any] = {}
    size = 0
    for name, attribute in value.items():
        if system and name != "AWSTraceHeader":
            raise errors.invalid_parameter(f"Message system attribute name '{name}' is invalid.")
        if (
            not _ATTRIBUTE_NAME.fullmatch(name)
            or name.startswith((".", "AWS.", "Amazon."))
            or name.endswith(".")
            or ".." in name
        ) and not system:
            raise errors.invalid_parameter(f"Message attribute name '{name}' is invalid.")
        if not isinstance(attribute, dict):
            raise errors.invalid_parameter(f"Message attribute '{name}' must be a structure.")
        data_type = attribute.get("DataType")
        if not isinstance(data_type, str) or not _DATA_TYPE.fullmatch(data_type):
            raise errors.invalid_parameter(
                f"The message attribute '{name}' has an invalid message attribute type, the set "
                "of supported type prefixes is Binary, Number, and String."
            )
        if data_type.startswith("Binary"):
            raw = attribute.get("BinaryValue")
            try:
                decoded = base64.b64decode(raw, validate=True) if isinstance(raw, str) else b""
            except (binascii.Error, ValueError):
                decoded = b""
            if not decoded:
                raise errors.invalid_parameter(
                    f"Message attribute '{name}' must contain a non-empty value of type 'Binary'."
                )
            clean[name] = {"DataType": data_type, "BinaryValue": raw}
            size += len(decoded)
        else:
            text = attribute.get("StringValue")
            if not isinstance(text, str) or not text:
                base = "Number" if data_type.startswith("Number") else "String"
                raise errors.invalid_parameter(
                    f"Message attribute '{name}' must contain a non-empty value of type '{base}'."
                )
            if data_type.startswith("Number") and not _is_number(text):
                raise errors.invalid_parameter(
                    f"Can't cast the value of message (user) attribute '{name}' to a number."
                )
            clean[name] = {"DataType": data_type, "StringValue": text}
            size += len(text.encode("utf-8"))
        size += len(name.encode("utf-8")) + len(data_type.encode("utf-8"))
    return clean, size


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def fifo_id(params: Mapping[str, Any], name: str) -> str | None:
    value = string(params, name)
    if value is not None and not _FIFO_ID.fullmatch(value):
        raise errors.invalid_value(
            name, value, f"{name} can only include alphanumeric and punctuation characters."
        )
    return value
