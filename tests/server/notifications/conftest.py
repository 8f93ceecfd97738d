"""Servers that send notifications (their lifespan runs the sender), a tenant on them, and a
way to wait until a notification's delivery settles."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from qalx_api_client import AuthenticatedClient
from tests.server.api.conftest import Tenant, make_tenant
from tests.support.servers import BACKENDS, database_url, live_server_on

FAST: dict[str, Any] = {
    "notification_retry_delay": 0.05,
    "notification_retry_max_delay": 0.2,
    "notification_poll_interval": 0.2,
    "smtp_timeout": 5.0,
}
"""Backoff and polling in tenths of a second, so retries take moments, not minutes."""

DEADLINE = 30.0
"""Longest wait for a delivery to settle: a bound on a hung test, never a timing check."""

Serve = Callable[..., AbstractContextManager[Tenant]]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    """One database per test, which several servers in the test may share."""
    with database_url(backend, tmp_path) as url:
        yield url


@pytest.fixture
def serve(backend: str, database: str, tmp_path: Path) -> Serve:
    """`with serve(**settings) as tenant:` a server on the test's database, sender running,
    and a fresh company on it (or `tenant=` an existing one, reached through this server)."""

    @contextmanager
    def run(tenant: Tenant | None = None, **settings: Any) -> Iterator[Tenant]:
        data_dir = tmp_path / f"server-{uuid.uuid4().hex[:6]}"
        with live_server_on(
            database, backend, data_dir, lifespan=True, **{**FAST, **settings}
        ) as live:
            if tenant is None:
                made = make_tenant(live)
            else:
                client = AuthenticatedClient(
                    base_url=live.base_url, token=tenant.token, prefix="Token"
                )
                made = Tenant(tenant.company, tenant.email, tenant.token, client, live)
            try:
                yield made
            finally:
                made.close()

    return run


def http(tenant: Tenant) -> httpx.Client:
    return tenant.client.get_httpx_client()


def notify(tenant: Tenant, **body: Any) -> dict[str, Any]:
    """POST notification as pyqalx sends it (cc and bcc default to [], meta {}, tags [])."""
    sent = {"cc": [], "bcc": [], "meta": {}, "tags": [], **body}
    answer = http(tenant).post("notification", json=sent)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def guid_of(notification: dict[str, Any]) -> str:
    return str(uuid.UUID(hex=notification["guid"]["$uuid"]))


def fetch(tenant: Tenant, guid: str) -> dict[str, Any]:
    answer = http(tenant).get(f"notification/{guid}")
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def settle(
    tenant: Tenant,
    guid: str,
    states: tuple[str, ...] = ("sent", "failed"),
    until: Callable[[dict[str, Any]], bool] | None = None,
) -> dict[str, Any]:
    """The notification once its delivery state is one of `states` (and `until` holds)."""
    deadline = time.monotonic() + DEADLINE
    while True:
        found = fetch(tenant, guid)
        delivery = found["info"]["delivery"]
        if delivery["state"] in states and (until is None or until(delivery)):
            return found
        assert time.monotonic() < deadline, f"delivery did not settle: {delivery}"
        time.sleep(0.02)
