"""The one place the SDK speaks HTTP: a pooled httpx client per session and process, timeouts,
retries that never duplicate a create, and the translation of failures into `Qalx*` errors.

Requests are built by the generated client's `_get_kwargs` (see `_operations`), so the method,
path, parameters and headers are the spec's. Two steps are ours, on purpose:
- the body is encoded by our Extended JSON codec, because httpx's JSON encoder refuses the
  bare NaN/Infinity that engineering data holds and that pyqalx sends;
- answers are decoded once, by our codec, instead of the generated `_build_response`, which
  always builds attrs models (about 6 times the cost of `json.loads` for a page of 1,000 items) and
  raises raw KeyError/TypeError on shapes the hosted service may send.
"""

from __future__ import annotations

import email.utils
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from qalx import errors

from . import _codec

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("qalx.transport")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
RETRY_AFTER_CAP = 120.0
"""A server asking for a longer pause than this is waited for this long, then retried."""

_STATUS_ERRORS: dict[int, type[errors.QalxAPIResponseError]] = {
    400: errors.QalxAPIBadRequest,
    401: errors.QalxAPIAuthError,
    403: errors.QalxAPIPermissionError,
    404: errors.QalxAPINotFound,
    409: errors.QalxAPIConflict,
    413: errors.QalxAPITooLarge,
    422: errors.QalxAPIBadRequest,
    429: errors.QalxAPIRateLimited,
}


def error_message(fields: dict[str, Any]) -> str:
    """pyqalx's message layout, so log scrapers and handlers that read it keep working."""
    lines = "\n".join(f"{k}: {v}" for k, v in fields.items())
    return f"API request error, message:\n\n-vvv-\n\n{lines}\n\n-^^^-"


def response_error(status: int, reason: str, body: bytes) -> errors.QalxAPIResponseError:
    try:
        detail: Any = _codec.loads(body) if body else []
    except ValueError:
        detail = body[:500].decode("utf-8", "replace")
    cls = _STATUS_ERRORS.get(status)
    if cls is None:
        cls = errors.QalxAPIServerError if status >= 500 else errors.QalxAPIResponseError
    message = error_message({"status_code": status, "reason": reason, "errors": detail})
    return cls(message, status_code=status, errors=detail)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def backoff(attempt: int) -> float:
    """Full-jitter exponential backoff: spread retrying clients apart."""
    return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt))


class HttpTransport:
    """Sends requests for one session. Safe to share between threads; after a `fork` the child
    opens its own connections (sockets are never shared between processes)."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        max_retries: int,
        connect_timeout: float,
        read_timeout: float,
        user_agent: str,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.token = token
        self.max_retries = max_retries
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.user_agent = user_agent
        self._lock = threading.Lock()
        self._pid = -1
        self._api: httpx.Client | None = None
        self._files: httpx.Client | None = None

    # -- connection pools ------------------------------------------------------------------
    def _clients(self) -> tuple[httpx.Client, httpx.Client]:
        pid = os.getpid()
        if self._api is None or self._files is None or self._pid != pid:
            with self._lock:
                if self._api is None or self._files is None or self._pid != pid:
                    self._open(pid)
        assert self._api is not None and self._files is not None
        return self._api, self._files

    def _open(self, pid: int) -> None:
        import httpx

        timeout = httpx.Timeout(self.read_timeout, connect=self.connect_timeout)
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
        headers = {"User-Agent": self.user_agent, "Authorization": f"Token {self.token}"}
        # A forked child must not close the parent's sockets: drop the references only.
        self._api = httpx.Client(
            base_url=self.base_url, headers=headers, timeout=timeout, limits=limits
        )
        # File bytes go to signed URLs that must not see the token (hosted signatures).
        self._files = httpx.Client(
            headers={"User-Agent": self.user_agent}, timeout=timeout, limits=limits
        )
        self._pid = pid

    def close(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                for client in (self._api, self._files):
                    if client is not None:
                        client.close()
            self._api = self._files = None

    # -- API calls -------------------------------------------------------------------------
    def call(
        self,
        request: dict[str, Any],
        *,
        mapping: Callable[[dict[str, Any]], Any] = dict,
        missing_ok: bool = False,
    ) -> Any:
        """Send a request built by a generated `_get_kwargs` and return the decoded answer.

        `request["json"]`, when present, is re-encoded by our codec. `missing_ok` makes a 404
        that follows a retried attempt a success (a DELETE whose first answer was lost)."""
        import httpx

        request = dict(request)
        if "json" in request:
            request["content"] = _codec.dumps_encoded(request.pop("json"))
            headers = dict(request.get("headers") or {})
            headers["Content-Type"] = "application/json"
            request["headers"] = headers
        api, _ = self._clients()
        attempt = 0
        while True:
            try:
                response = api.request(**request)
            except httpx.TransportError as exc:
                if attempt >= self.max_retries:
                    raise self._transport_error(request, exc) from exc
                pause = backoff(attempt)
                log.warning(
                    "%s %s: %s; retry in %.1fs", request["method"], request["url"], exc, pause
                )
            else:
                status = response.status_code
                if status < 400:
                    return _codec.loads(response.content, mapping) if response.content else None
                if status == 404 and missing_ok and attempt > 0:
                    return None
                if status not in RETRY_STATUSES or attempt >= self.max_retries:
                    raise response_error(status, response.reason_phrase, response.content)
                pause = backoff(attempt)
                asked = _retry_after(response.headers.get("Retry-After"))
                if asked is not None:
                    pause = min(RETRY_AFTER_CAP, asked) + random.uniform(0, 0.1)
                log.warning(
                    "%s %s answered %s; retry in %.1fs",
                    request["method"],
                    request["url"],
                    status,
                    pause,
                )
            attempt += 1
            time.sleep(pause)

    def _transport_error(
        self, request: dict[str, Any], exc: Exception
    ) -> errors.QalxAPIResponseError:
        import httpx

        cls = (
            errors.QalxAPITimeoutError
            if isinstance(exc, httpx.TimeoutException)
            else errors.QalxAPIConnectionError
        )
        what = f"{request['method'].upper()} {self.base_url}{str(request['url']).lstrip('/')}"
        message = error_message(
            {"status_code": "", "reason": f"{what}: {type(exc).__name__}: {exc}", "errors": []}
        )
        return cls(message, status_code="", errors=[])

    # -- file bytes at signed URLs ---------------------------------------------------------
    def put_file(self, url: str, chunks: Callable[[], Iterator[bytes] | bytes], size: int) -> None:
        """PUT bytes to a signed URL as pyqalx does (no Authorization, `Content-Type:
        application/json`, one request with a Content-Length), retried like API calls."""
        import httpx

        _, files = self._clients()
        headers = {"Content-Type": "application/json", "Content-Length": str(size)}
        attempt = 0
        while True:
            try:
                response = files.put(url, content=chunks(), headers=headers)
            except httpx.TransportError as exc:
                if attempt >= self.max_retries:
                    raise self._transport_error({"method": "put", "url": url}, exc) from exc
            else:
                if response.status_code < 400:
                    return
                if response.status_code not in RETRY_STATUSES or attempt >= self.max_retries:
                    raise response_error(response.status_code, response.reason_phrase, b"")
            time.sleep(backoff(attempt))
            attempt += 1

    @contextmanager
    def stream_file(self, url: str) -> Iterator[httpx.Response]:
        """A streamed GET of a signed URL (no Authorization), as a context-managed response."""
        _, files = self._clients()
        with files.stream("GET", url) as response:
            yield response
