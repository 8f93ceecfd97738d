"""A real HTTP/1.1 proxy on loopback, in front of the real server, that injects the faults a
client must survive: answers lost after the server acted, 5xx/429 answers, and silence.

Each request the proxy reads takes the next planned action (then `forward` once the plan is
used up), so a test says exactly which attempt fails and how. It speaks just enough HTTP for
the SDK: a request line, headers, a Content-Length body; answers likewise.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Literal
from urllib.parse import urlsplit

import attrs

Kind = Literal["forward", "drop_answer", "status", "hang"]


@attrs.frozen
class Fault:
    kind: Kind
    status: int = 503
    headers: tuple[tuple[str, str], ...] = ()


FORWARD = Fault("forward")
DROP_ANSWER = Fault("drop_answer")
"""Forward the request, let the server answer, then cut the client off without the answer."""
HANG = Fault("hang")
"""Read the request and never answer (until the client gives up)."""


def status(code: int, **headers: str) -> Fault:
    return Fault("status", code, tuple((k.replace("_", "-"), v) for k, v in headers.items()))


def _read_message(stream: socket.socket, buffer: bytearray) -> bytes | None:
    """One HTTP message (head and Content-Length body) from `stream`, or None at EOF."""
    while b"\r\n\r\n" not in buffer:
        chunk = stream.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head_end = buffer.index(b"\r\n\r\n") + 4
    length = 0
    for line in bytes(buffer[:head_end]).split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(buffer) < head_end + length:
        chunk = stream.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    message = bytes(buffer[: head_end + length])
    del buffer[: head_end + length]
    return message


class FaultyProxy:
    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.plan: deque[Fault] = deque()
        self.seen: list[tuple[str, Kind]] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def next_fault(self, request_line: str) -> Fault:
        with self.lock:
            fault = self.plan.popleft() if self.plan else FORWARD
            self.seen.append((request_line, fault.kind))
            return fault

    def handle(self, client: socket.socket) -> None:
        buffer = bytearray()
        while not self.stop.is_set():
            request = _read_message(client, buffer)
            if request is None:
                return
            request_line = request.split(b"\r\n", 1)[0].decode("latin-1")
            fault = self.next_fault(request_line)
            if fault.kind == "hang":
                self.stop.wait(30)
                return
            if fault.kind == "status":
                extra = "".join(f"{k}: {v}\r\n" for k, v in fault.headers)
                body = b'{"code":"injected","detail":"fault injected by the test proxy"}'
                client.sendall(
                    f"HTTP/1.1 {fault.status} Injected\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\n{extra}\r\n".encode()
                    + body
                )
                continue
            with socket.create_connection(self.upstream, timeout=30) as server:
                server.sendall(request)
                answer = _read_message(server, bytearray())
            if answer is None:
                return
            if fault.kind == "drop_answer":
                client.shutdown(socket.SHUT_RDWR)
                return
            client.sendall(answer)


@contextmanager
def faulty_proxy(upstream: str) -> Iterator[tuple[FaultyProxy, str]]:
    """A proxy to `upstream` (a base URL) and the base URL to reach it by."""
    proxy = FaultyProxy(upstream)

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            with suppress(OSError):
                proxy.handle(self.request)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        proxy.stop.set()
        server.shutdown()
        server.server_close()
