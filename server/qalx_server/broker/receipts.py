"""Receipt handles: opaque, unforgeable, and bound to one queue, one message and one receive.

A handle carries the message row id and the random token of the receive that produced it,
signed with HMAC-SHA256 under the server's broker secret. A forged or altered handle fails the
HMAC (ReceiptHandleIsInvalid); a genuine handle from an earlier receive no longer matches the
message's current token, so it is stale (deletes are no-ops, visibility changes fail), as in SQS.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

import attrs

_CONTEXT = b"qalx-broker-receipt-v1"
_MAC_BYTES = 24


def new_token() -> str:
    return secrets.token_hex(16)


@attrs.frozen
class Receipt:
    queue_id: int
    message_pk: int
    token: str
    received_ms: int | None = None
    """When this receive happened: SQS allows no visibility beyond 12 hours after it."""


class ReceiptSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = bytes(secret)

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, _CONTEXT + b"\0" + payload, hashlib.sha256).digest()[
            :_MAC_BYTES
        ]

    def issue(self, receipt: Receipt) -> str:
        fields = [receipt.queue_id, receipt.message_pk, receipt.token]
        if receipt.received_ms is not None:
            fields.append(receipt.received_ms)
        payload = ":".join(map(str, fields)).encode("ascii")
        raw = payload + b"|" + self._mac(payload)
        return base64.urlsafe_b64encode(raw).decode("ascii")

    def read(self, handle: str, queue_id: int) -> Receipt | None:
        """The receipt a handle names, or None if it is malformed, forged or another queue's."""
        if not handle or len(handle) > 1024:
            return None
        try:
            raw = base64.urlsafe_b64decode(handle.encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            return None
        payload, sep, mac = raw.partition(b"|")
        if not sep or not hmac.compare_digest(mac, self._mac(payload)):
            return None
        try:
            # Handles issued before receive times were recorded have three fields.
            queue_text, pk_text, token, *received = payload.decode("ascii").split(":")
            if len(received) > 1:
                return None
            when = int(received[0]) if received else None
            receipt = Receipt(int(queue_text), int(pk_text), token, when)
        except ValueError:
            return None
        return receipt if receipt.queue_id == queue_id else None
