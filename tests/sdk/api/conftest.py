"""The SDK against the real server over HTTP, on SQLite and PostgreSQL; a fresh company (and
an empty HOME, from the parent conftest) per test."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from qalx import QalxSession
from qalx_server.auth.admin import create_user
from tests.support.servers import BACKENDS, LiveServer, live_server


@pytest.fixture(scope="session", params=BACKENDS)
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    data_dir: Path = tmp_path_factory.mktemp(f"sdk-server-{request.param}")
    with live_server(request.param, data_dir) as server:
        yield server


@attrs.frozen
class Company:
    """One company on the live server, with a user token, making sessions for it."""

    live: LiveServer
    name: str
    token: str
    monkeypatch: pytest.MonkeyPatch
    opened: list[QalxSession] = attrs.field(factory=list)

    def session(self, **kwargs: object) -> QalxSession:
        self.monkeypatch.setenv("QALX_USER_BASE_URL", self.live.base_url)
        self.monkeypatch.setenv("QALX_USER_TOKEN", self.token)
        made = QalxSession(skip_ini=True, **kwargs)  # type: ignore[arg-type]
        self.opened.append(made)
        return made


def make_company(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Company:
    name = f"sdk-{uuid.uuid4().hex[:8]}"
    user = create_user(live.server.db, name, f"{name}@example.com")
    return Company(live, name, user.token, monkeypatch)


@pytest.fixture
def company(live: LiveServer, monkeypatch: pytest.MonkeyPatch, home: Path) -> Iterator[Company]:
    made = make_company(live, monkeypatch)
    yield made
    for session in made.opened:
        session.close()


@pytest.fixture
def session(company: Company) -> QalxSession:
    return company.session()


@pytest.fixture
def make_session(company: Company) -> Callable[..., QalxSession]:
    return company.session
