"""`session.notification.add` becomes a real e-mail: the SDK, the real server with its sender
running, and a real SMTP server on loopback."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from qalx import Notification, QalxSession
from qalx.errors import QalxAPIBadRequest, QalxError
from qalx_server.auth.admin import create_user
from tests.server.notifications.conftest import FAST
from tests.support.servers import BACKENDS, live_server
from tests.support.smtp import SmtpServer, smtp_server

DEADLINE = 30.0
"""A bound on a hung test, never a timing check."""


@pytest.fixture(params=BACKENDS)
def mailer(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home: Path
) -> Iterator[tuple[QalxSession, SmtpServer]]:
    with (
        smtp_server() as smtp,
        live_server(
            request.param, tmp_path / "server", lifespan=True, **FAST, **smtp.settings()
        ) as live,
    ):
        name = f"mail-{uuid.uuid4().hex[:8]}"
        user = create_user(live.server.db, name, f"{name}@example.com")
        monkeypatch.setenv("QALX_USER_BASE_URL", live.base_url)
        monkeypatch.setenv("QALX_USER_TOKEN", user.token)
        with QalxSession(skip_ini=True) as session:
            yield session, smtp


def settled(session: QalxSession, notification: Notification) -> Notification:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        fresh = session.notification.reload(notification)
        if fresh.info.delivery.state in ("sent", "failed"):
            return fresh
        time.sleep(0.05)
    raise AssertionError(f"delivery did not settle: {fresh.info.delivery}")


def test_notification_is_emailed(mailer: tuple[QalxSession, SmtpServer]) -> None:
    session, smtp = mailer
    made = session.notification.add(
        subject="Report ready",
        message="<p>12 beams checked</p>",
        to=["eng@example.com"],
        cc=["lead@example.com"],
        bcc=["audit@example.com"],
    )
    assert isinstance(made, Notification)
    assert settled(session, made).info.delivery.state == "sent"
    [received] = smtp.recorder.messages()
    assert received.message["Subject"] == "Report ready"
    assert received.message["To"] == "eng@example.com"
    assert received.message["Cc"] == "lead@example.com"
    assert received.message["Bcc"] is None
    assert "audit@example.com" in received.rcpt_tos


def test_bad_recipients(mailer: tuple[QalxSession, SmtpServer]) -> None:
    session, smtp = mailer
    with pytest.raises(QalxError, match="at least one"):
        session.notification.add("s", "m", to=[])
    with pytest.raises(QalxAPIBadRequest, match="to"):
        session.notification.add("s", "m", to=["not an address"])
    assert session.notification.find().data == []
    assert smtp.recorder.messages() == []
