"""The real server, served over HTTP on SQLite and on PostgreSQL; a fresh company per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from qalx_api_client import AuthenticatedClient
from qalx_server.auth.admin import create_user
from tests.support.servers import BACKENDS, LiveServer, live_server


@attrs.frozen
class Tenant:
    """A company with one user, and a generated client authenticated as that user."""

    company: str
    email: str
    token: str
    client: AuthenticatedClient
    live: LiveServer

    opened: list[AuthenticatedClient] = attrs.field(factory=list)

    def client_for(self, token: str) -> AuthenticatedClient:
        client = AuthenticatedClient(base_url=self.live.base_url, token=token, prefix="Token")
        self.opened.append(client)
        return client

    def close(self) -> None:
        for client in [self.client, *self.opened]:
            client.get_httpx_client().close()


@pytest.fixture(scope="session", params=BACKENDS)
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    data_dir: Path = tmp_path_factory.mktemp(f"server-{request.param}")
    with live_server(request.param, data_dir) as server:
        yield server


def make_tenant(live: LiveServer) -> Tenant:
    company = f"co-{uuid.uuid4().hex[:8]}"
    user = create_user(live.server.db, company, f"{company}@example.com")
    client = AuthenticatedClient(base_url=live.base_url, token=user.token, prefix="Token")
    return Tenant(company, user.email, user.token, client, live)


@pytest.fixture
def tenant(live: LiveServer) -> Iterator[Tenant]:
    made = make_tenant(live)
    yield made
    made.close()


@pytest.fixture
def other_tenant(live: LiveServer) -> Iterator[Tenant]:
    made = make_tenant(live)
    yield made
    made.close()
