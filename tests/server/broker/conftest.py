"""The broker served over real HTTP on SQLite and PostgreSQL, spoken to with plain boto3."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import boto3
import pytest
import sqlalchemy as sa
from botocore.config import Config
from mypy_boto3_sqs import SQSClient
from starlette.applications import Starlette

from qalx_server.auth.admin import create_user
from qalx_server.broker import Broker, Credentials, create_queue
from qalx_server.files.signing import load_or_create_secret
from qalx_server.store.database import Database
from qalx_server.store.tables import companies, users
from tests.support.live import serve
from tests.support.postgres import throwaway_database

REGION = "eu-west-2"
CLIENT_CONFIG = Config(
    retries={"total_max_attempts": 1, "mode": "standard"}, read_timeout=40, connect_timeout=5
)


@attrs.frozen
class LiveBroker:
    base_url: str
    db: Database
    broker: Broker
    backend: str
    url: str
    key: bytes

    @contextmanager
    def another_process(self) -> Iterator[str]:
        """A second server on the same database and secret, with its own engine and wake-up
        hub (as another server process would have); yields its base URL."""
        db = Database(self.url)
        broker = Broker(db, self.key, region=REGION)
        try:
            with serve(Starlette(routes=broker.routes())) as base_url:
                yield base_url
        finally:
            db.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveBroker]:
    data_dir: Path = tmp_path_factory.mktemp(f"broker-{request.param}")
    if request.param == "postgresql":
        with throwaway_database() as url:
            yield from _serve(data_dir, url, request.param)
    else:
        yield from _serve(data_dir, f"sqlite:///{data_dir / 'qalx.db'}", request.param)


def _serve(data_dir: Path, url: str, backend: str) -> Iterator[LiveBroker]:
    db = Database(url)
    db.migrate()
    key = load_or_create_secret(data_dir / "broker-signing.key")
    # Blocking work on a plain executor, as the server runs its handlers (the second
    # "process" below uses Starlette's threadpool, so both paths are exercised).
    executor = ThreadPoolExecutor(8, thread_name_prefix="broker-test")
    broker = Broker(db, key, region=REGION, executor=executor)
    app = Starlette(routes=broker.routes())
    try:
        with serve(app) as base_url:
            yield LiveBroker(base_url, db, broker, backend, url, key)
    finally:
        executor.shutdown(wait=True)
        db.dispose()


def sqs_client(base_url: str, credentials: Credentials, **overrides: Any) -> SQSClient:
    values: dict[str, Any] = {
        "aws_access_key_id": credentials.ACCESS_KEY_ID,
        "aws_secret_access_key": credentials.SECRET_ACCESS_KEY,
        "aws_session_token": credentials.SESSION_TOKEN,
    }
    values.update(overrides)
    return boto3.client(
        "sqs",
        endpoint_url=base_url + "sqs",
        region_name=REGION,
        config=CLIENT_CONFIG,
        **values,
    )


@attrs.define
class Tenant:
    """A company, with helpers to make its queues, credentials and boto3 clients."""

    live: LiveBroker
    company_id: int
    company_guid: str
    clients: list[SQSClient] = attrs.field(factory=list)

    def queue(
        self,
        name: str | None = None,
        *,
        visibility_timeout: int = 30,
        max_receive_count: int = 5,
        fifo: bool = True,
    ) -> str:
        with self.live.db.write() as conn:
            return create_queue(
                conn,
                self.company_id,
                self.company_guid,
                name or f"q-{uuid.uuid4().hex[:8]}",
                base_url=self.live.base_url,
                visibility_timeout=visibility_timeout,
                max_receive_count=max_receive_count,
                fifo=fifo,
            )

    def credentials(
        self, *, lifetime: dt.timedelta | None = None, bot_guid: str | None = None
    ) -> Credentials:
        with self.live.db.write() as conn:
            return self.live.broker.issue_credentials(
                conn, self.company_id, lifetime=lifetime, bot_guid=bot_guid
            )

    def client(self, credentials: Credentials | None = None, **overrides: Any) -> SQSClient:
        made = sqs_client(self.live.base_url, credentials or self.credentials(), **overrides)
        self.clients.append(made)
        return made

    def close(self) -> None:
        for made in self.clients:
            made.close()


def make_tenant(live: LiveBroker) -> Tenant:
    name = f"co-{uuid.uuid4().hex[:8]}"
    create_user(live.db, name, f"{name}@example.com")
    with live.db.read() as conn:
        row = conn.execute(
            sa.select(companies.c.id, companies.c.guid)
            .join(users, users.c.company_id == companies.c.id)
            .where(companies.c.name == name)
        ).one()
    return Tenant(live, int(row.id), str(row.guid))


@pytest.fixture
def tenant(live: LiveBroker) -> Iterator[Tenant]:
    made = make_tenant(live)
    yield made
    made.close()


@pytest.fixture
def other_tenant(live: LiveBroker) -> Iterator[Tenant]:
    made = make_tenant(live)
    yield made
    made.close()


@pytest.fixture
def sqs(tenant: Tenant) -> SQSClient:
    return tenant.client()
