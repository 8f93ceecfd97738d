"""Fixtures for the file-store tests: a live uvicorn server and a moto S3 server, both real HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Final

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import ASGIApp

from qalx_server.app import file_routes
from qalx_server.files.local import LocalFileStore
from qalx_server.files.s3 import S3FileStore, s3_client
from tests.support.live import serve
from tests.support.moto import moto_server, reset

SECRET = b"0123456789abcdef0123456789abcdef"
MAX_BYTES = 1024 * 1024
S3_REGION: Final = "eu-west-2"

LiveServer = Callable[[ASGIApp], str]


@pytest.fixture
def live_server() -> Iterator[LiveServer]:
    """Start any number of apps under uvicorn for this test; each call returns a base URL."""
    with ExitStack() as stack:
        yield lambda app: stack.enter_context(serve(app))


@pytest.fixture
def local_store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "files", SECRET, max_bytes=MAX_BYTES, expires_in=300)


@pytest.fixture
def local_base_url(local_store: LocalFileStore, live_server: LiveServer) -> str:
    """The base URL of a server that mounts only the local store's routes."""
    return live_server(Starlette(routes=file_routes(local_store)))


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A moto S3 server on a free local port, spoken to over HTTP like AWS."""
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_store(moto_endpoint: str) -> Iterator[S3FileStore]:
    """A store on a fresh, empty moto bucket; moto's state is reset afterwards."""
    client = s3_client(
        endpoint_url=moto_endpoint,
        region=S3_REGION,
        access_key="testing",
        secret_key="testing",
    )
    bucket = f"qalx-test-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_REGION})
    try:
        yield S3FileStore(bucket, client=client, expires_in=60, prefix="qalx/")
    finally:
        reset(moto_endpoint)
        client.close()
