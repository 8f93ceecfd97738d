"""The MD5 digests SQS returns (and SDKs check): of the body and of the message attributes.

The attribute digest follows SQS's documented encoding: attributes sorted by name, each as
length-prefixed (4-byte big-endian) name and data type, a transport byte (1 string, 2 binary)
and the length-prefixed value (UTF-8 text or raw bytes).
"""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Mapping
from typing import Any

_STRING, _BINARY = 1, 2


def md5_of_body(body: str) -> str:
    return hashlib.md5(body.encode("utf-8"), usedforsecurity=False).hexdigest()


def _prefixed(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def md5_of_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> str:
    """Digest of attributes in their wire form (BinaryValue base64-encoded, as JSON has it)."""
    digest = hashlib.md5(usedforsecurity=False)
    for name in sorted(attributes):
        value = attributes[name]
        data_type = str(value["DataType"])
        digest.update(_prefixed(name.encode("utf-8")))
        digest.update(_prefixed(data_type.encode("utf-8")))
        if "BinaryValue" in value and not data_type.startswith(("String", "Number")):
            digest.update(bytes([_BINARY]))
            digest.update(_prefixed(base64.b64decode(value["BinaryValue"])))
        else:
            digest.update(bytes([_STRING]))
            digest.update(_prefixed(str(value.get("StringValue", "")).encode("utf-8")))
    return digest.hexdigest()
