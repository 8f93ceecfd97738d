"""The one place the SDK speaks HTTP: keep-alive connections per thread and process, timeouts,
retries that never duplicate a create, and the translation of failures into `Qalx*` errors.

Requests are built by the generated client's `_get_kwargs` (see `_operations`), so the method,
path, parameters and headers are the spec's. What is ours, on purpose, and why:
- the body is encoded by our Extended JSON codec: httpx's JSON encoder refuses the bare
  NaN/Infinity that engineering data holds and that pyqalx sends;
- answers are decoded once, by our codec, instead of the generated `_build_response`, which
  always builds attrs models (about 6 times the cost of `json.loads` for a page of 1,000 items)
  and raises raw KeyError/TypeError on shapes the hosted service may send;
- requests go out on the standard library's `http.client`, not on httpx: measured against our
  server on this machine, a keep-alive `GET item` loop runs at 1,400 requests/s on
  `http.client` and 530-780 on httpx, whose per-request URL parsing, cookie and event
  machinery cost more than the server's own work; and it costs nothing to import, which every
  short-lived CLI call and worker process pays.
"""

from __future__ import annotations

import email.utils
import http.client
import logging
import os
import random
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from typing import IO, Any
from urllib.parse import urlencode, urlsplit

from qalx import errors

from . import _codec

log = logging.getLogger("qalx.transport")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
RETRY_AFTER_CAP = 120.0
"""A server asking for a longer pause than this is waited for this long, then retried."""
CHUNK = 1 << 20
MAX_IDLE = 16
"""Idle keep-alive connections kept per host; more are closed when returned."""

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

# A reused keep-alive connection the server has closed fails like this before any answer.
_STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)
_TRANSPORT = (OSError, http.client.HTTPException)


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
    """Full-jitter exponential backoff: retrying clients spread apart."""
    return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt))


_tls: ssl.SSLContext | None = None


def _tls_context() -> ssl.SSLContext:
    global _tls
    if _tls is None:
        _tls = ssl.create_default_context()
    return _tls


class _OneWrite(http.client.HTTPConnection):
    """Sends a request's head and a bytes body in one write. http.client writes them apart,
    and the second small segment costs a round of the peer's delayed ACK: a third of a
    small create's time here. (`_buffer` holds the head lines; it has in every Python 3.)"""

    def _send_output(self, message_body: Any = None, encode_chunked: bool = False) -> None:
        if isinstance(message_body, bytes) and not encode_chunked:
            self._buffer.extend((b"", b""))  # type: ignore[attr-defined]
            head = b"\r\n".join(self._buffer)  # type: ignore[attr-defined]
            del self._buffer[:]  # type: ignore[attr-defined]
            self.send(head + message_body)
            return
        super()._send_output(message_body, encode_chunked)  # type: ignore[misc]


class _Connection(_OneWrite):
    """A connection whose connect and read timeouts differ."""

    def __init__(self, host: str, port: int | None, connect: float, read: float) -> None:
        super().__init__(host, port, timeout=connect)
        self.read_timeout = read

    def connect(self) -> None:
        super().connect()
        if self.sock is not None:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock.settimeout(self.read_timeout)


class _TLSConnection(http.client.HTTPSConnection, _OneWrite):
    def __init__(self, host: str, port: int | None, connect: float, read: float) -> None:
        super().__init__(host, port, timeout=connect, context=_tls_context())
        self.read_timeout = read

    def connect(self) -> None:
        super().connect()
        if self.sock is not None:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock.settimeout(self.read_timeout)


Origin = tuple[str, str, int]


def _origin(url: str) -> Origin:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.QalxConfigError(f"not an http(s) URL: {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, parts.hostname, port


class HttpTransport:
    """Sends requests for one session. Safe to share between threads (each has its own
    connections); after a `fork` the child opens its own (sockets are never shared between
    processes). Proxies named by HTTP(S)_PROXY/NO_PROXY are honoured."""

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
        self._base = urlsplit(self.base_url)
        self._base_path = self._base.path.rstrip("/")
        self._api_origin = _origin(self.base_url)
        self.token = token
        self.max_retries = max_retries
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.user_agent = user_agent
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._idle: dict[Origin, list[http.client.HTTPConnection]] = {}
        self._proxies = urllib.request.getproxies()

    # -- connections -----------------------------------------------------------------------
    def _checkout(self, origin: Origin) -> tuple[http.client.HTTPConnection, bool]:
        """An idle connection to `origin`, or a new one; and whether it was reused (so may
        have been closed by the server meanwhile)."""
        with self._lock:
            if self._pid != os.getpid():  # a forked child drops, never closes, the parent's
                self._pid, self._idle = os.getpid(), {}
            idle = self._idle.get(origin)
            if idle:
                return idle.pop(), True
        scheme, host, port = origin
        proxy = None if urllib.request.proxy_bypass(host) else self._proxies.get(scheme)
        kind = _TLSConnection if scheme == "https" else _Connection
        if proxy:  # a CONNECT tunnel through the proxy, TLS inside it for https
            _, p_host, p_port = _origin(proxy)
            connection = kind(p_host, p_port, self.connect_timeout, self.read_timeout)
            connection.set_tunnel(host, port)
        else:
            connection = kind(host, port, self.connect_timeout, self.read_timeout)
        return connection, False

    def _checkin(self, origin: Origin, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            if self._pid == os.getpid():
                idle = self._idle.setdefault(origin, [])
                if len(idle) < MAX_IDLE:
                    idle.append(connection)
                    return
        connection.close()

    def close(self) -> None:
        """Close the idle connections (the session opens new ones when used again)."""
        with self._lock:
            idle, self._idle = self._idle, {}
            if self._pid != os.getpid():
                return
        for connections in idle.values():
            for connection in connections:
                connection.close()

    def _exchange(
        self,
        origin: Origin,
        method: str,
        target: str,
        body: Any,
        headers: dict[str, str],
        sink: Callable[[http.client.HTTPResponse], bytes] | None = None,
    ) -> tuple[int, str, http.client.HTTPMessage, bytes]:
        """One request and its answer; a stale keep-alive connection is replaced once."""
        for fresh_try in (False, True):
            connection, reused = self._checkout(origin)
            try:
                connection.request(
                    method, target, body=body() if callable(body) else body, headers=headers
                )
                response = connection.getresponse()
                content = (
                    sink(response)
                    if sink is not None and response.status < 400
                    else response.read()
                )
            except _STALE:
                connection.close()
                if reused and not fresh_try:
                    continue
                raise
            except BaseException:
                connection.close()
                raise
            if response.will_close:
                connection.close()
            else:
                self._checkin(origin, connection)
            return response.status, response.reason, response.headers, content
        raise AssertionError("unreachable")

    # -- API calls -------------------------------------------------------------------------
    def _target(self, request: dict[str, Any]) -> str:
        target = self._base_path + "/" + str(request["url"]).lstrip("/")
        params = {k: v for k, v in (request.get("params") or {}).items() if v is not None}
        if params:
            target += "?" + urlencode(params, doseq=True)
        return target

    def call(
        self,
        request: dict[str, Any],
        *,
        mapping: Callable[[dict[str, Any]], Any] = dict,
        missing_ok: bool = False,
    ) -> Any:
        """Send a request built by a generated `_get_kwargs` and return the decoded answer.

        `request["json"]`, when present, is encoded by our codec. `missing_ok` makes a 404
        that follows a retried attempt a success (a DELETE whose first answer was lost)."""
        method = str(request["method"]).upper()
        target = self._target(request)
        headers = {
            "User-Agent": self.user_agent,
            "Authorization": f"Token {self.token}",
            "Accept-Encoding": "identity",
        }
        headers.update({k: str(v) for k, v in (request.get("headers") or {}).items()})
        body: bytes | None = None
        if "json" in request:
            body = _codec.dumps_encoded(request["json"])
            headers["Content-Type"] = "application/json"
        elif method in ("POST", "PUT", "PATCH"):
            body = b""
        origin = self._api_origin
        attempt = 0
        while True:
            try:
                status, reason, answer_headers, content = self._exchange(
                    origin, method, target, body, headers
                )
            except _TRANSPORT as exc:
                if attempt >= self.max_retries:
                    raise self._transport_error(method, target, exc) from exc
                pause = backoff(attempt)
                log.warning("%s %s: %s; retry in %.1fs", method, target, exc, pause)
            else:
                if status < 400:
                    return _codec.loads(content, mapping) if content else None
                if status == 404 and missing_ok and attempt > 0:
                    return None
                if status not in RETRY_STATUSES or attempt >= self.max_retries:
                    raise response_error(status, reason, content)
                pause = backoff(attempt)
                asked = _retry_after(answer_headers.get("Retry-After"))
                if asked is not None:
                    pause = min(RETRY_AFTER_CAP, asked) + random.uniform(0, 0.1)
                log.warning("%s %s answered %s; retry in %.1fs", method, target, status, pause)
            attempt += 1
            time.sleep(pause)

    def _transport_error(
        self, method: str, target: str, exc: BaseException
    ) -> errors.QalxAPIResponseError:
        cls = (
            errors.QalxAPITimeoutError
            if isinstance(exc, TimeoutError)
            else errors.QalxAPIConnectionError
        )
        where = f"{self._base.scheme}://{self._base.netloc}{target}"
        kind = "ReadTimeout" if isinstance(exc, TimeoutError) else type(exc).__name__
        message = error_message(
            {"status_code": "", "reason": f"{method} {where}: {kind}: {exc}", "errors": []}
        )
        return cls(message, status_code="", errors=[])

    # -- file bytes at signed URLs ---------------------------------------------------------
    def put_file(self, url: str, chunks: Callable[[], Iterator[bytes] | bytes], size: int) -> None:
        """PUT bytes to a signed URL as pyqalx does: no Authorization (the signature is the
        credential), `Content-Type: application/json`, one request with a Content-Length."""
        origin = _origin(url)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {
            "User-Agent": self.user_agent,
            "Content-Type": "application/json",
            "Content-Length": str(size),
        }
        attempt = 0
        while True:
            try:
                status, reason, _, _ = self._exchange(origin, "PUT", target, chunks, headers)
            except _TRANSPORT as exc:
                if attempt >= self.max_retries:
                    raise self._transport_error("PUT", target, exc) from exc
            else:
                if status < 400:
                    return
                if status not in RETRY_STATUSES or attempt >= self.max_retries:
                    raise response_error(status, reason, b"")
            time.sleep(backoff(attempt))
            attempt += 1

    def download(self, url: str, out: IO[bytes]) -> None:
        """Stream a signed URL's bytes into `out` (no Authorization). A failed answer raises
        `QalxAPIResponseError` carrying its status and text."""
        origin = _origin(url)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

        def sink(response: http.client.HTTPResponse) -> bytes:
            while block := response.read(CHUNK):
                out.write(block)
            return b""

        try:
            status, reason, _, content = self._exchange(
                origin, "GET", target, None, {"User-Agent": self.user_agent}, sink
            )
        except _TRANSPORT as exc:
            raise self._transport_error("GET", target, exc) from exc
        if status >= 400:
            text = content[:500].decode("utf-8", "replace")
            raise errors.QalxAPIResponseError(
                f"{status} {reason}: {text}", status_code=status, errors=text
            )
