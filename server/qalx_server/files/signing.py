"""HMAC-SHA256 signed URLs for the embedded (local) file store.

A signature binds the HTTP method, the object key, the expiry time and the download file name,
so a URL cannot be reused for another object, turned from a download into an upload, kept alive
past its expiry or made to serve under a different name. The secret never leaves the server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import time
from collections.abc import Callable

from qalx_server.files.errors import InvalidSignature, SignatureExpired
from qalx_server.keyfiles import MIN_SECRET_BYTES

_CONTEXT = b"qalx-files-v1"
_EXPIRES = re.compile(r"0|[1-9][0-9]{0,15}")
_SIGNATURE = re.compile(r"[A-Za-z0-9_-]{43}")


def _field(value: str | bytes) -> bytes:
    """Length-prefix one field so no two field lists encode to the same message."""
    data = value if isinstance(value, bytes) else value.encode("utf-8", errors="surrogatepass")
    return str(len(data)).encode("ascii") + b":" + data


class UrlSigner:
    """Signs and verifies (method, key, expiry, filename) with a server-held secret."""

    def __init__(self, secret: bytes, *, clock: Callable[[], float] = time.time) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(f"the signing secret must be at least {MIN_SECRET_BYTES} bytes")
        self._secret = bytes(secret)
        self._clock = clock

    def expiry(self, expires_in: int) -> int:
        """The absolute expiry (Unix seconds) of a URL valid for at least ``expires_in`` seconds
        (rounded up: truncating could leave a one-second URL almost no time at all)."""
        return math.ceil(self._clock()) + expires_in

    def sign(self, method: str, key: str, expires: int, *, filename: str | None = None) -> str:
        """The URL-safe base64 signature (43 characters) for these values."""
        message = b"".join(
            _field(part) for part in (_CONTEXT, method.upper(), key, str(expires), filename or "")
        )
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def verify(
        self,
        method: str,
        key: str,
        expires: str | None,
        signature: str | None,
        *,
        filename: str | None = None,
    ) -> None:
        """Check a request's signature, then its expiry.

        ``expires`` and ``signature`` are the raw query values. Raises
        :class:`InvalidSignature` for anything missing, malformed or not matching, and
        :class:`SignatureExpired` for a genuine URL used after its expiry.
        """
        if not expires or not signature:
            raise InvalidSignature("the URL is missing its 'expires' or 'sig' parameter")
        if not _EXPIRES.fullmatch(expires) or not _SIGNATURE.fullmatch(signature):
            raise InvalidSignature("the URL's 'expires' or 'sig' parameter is malformed")
        expected = self.sign(method, key, int(expires), filename=filename)
        if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii")):
            raise InvalidSignature("the URL's signature does not match")
        if self._clock() > int(expires):
            raise SignatureExpired("the URL has expired; ask the API for a fresh one")
