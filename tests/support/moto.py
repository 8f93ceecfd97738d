"""moto in server mode on loopback: spoken to over HTTP with boto3, exactly as against AWS."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import httpx
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

REGION: Final = "eu-west-2"
ACCESS_KEY = "testing"
SECRET_KEY = "testing"


@contextmanager
def moto_server() -> Iterator[str]:
    """Yield the endpoint URL of a moto server on a free local port."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def reset(endpoint: str) -> None:
    """Forget every resource moto holds (between tests)."""
    httpx.post(f"{endpoint}/moto-api/reset", timeout=10).raise_for_status()
