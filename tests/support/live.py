"""Run an ASGI app under a real uvicorn server in a background thread, for over-the-wire tests.

The listening socket is bound (port 0, so the OS picks a free port) before uvicorn starts, so
there is no window in which another process can take the port.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

_START_TIMEOUT = 10.0


@contextmanager
def serve(app: ASGIApp, *, lifespan: bool = False) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 until the block ends; yields the base URL (ending in ``/``).
    With ``lifespan``, the app's start-up and shut-down run too (background work such as the
    notification sender); by default they do not."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            app, lifespan="on" if lifespan else "off", log_level="warning", access_log=False
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{port}", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the uvicorn test server did not start")
            time.sleep(0.005)
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            server.should_exit = True
            thread.join(_START_TIMEOUT)
    finally:
        sock.close()


def free_port() -> int:
    """A port free right now, for servers started as separate processes."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
