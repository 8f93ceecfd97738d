"""The real pyqalx 0.19.2 client's `session.notification.add` becomes a real e-mail: the
server runs its sender (lifespan on) against an SMTP server on loopback."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.compat.conftest import Pyqalx, make_pyqalx
from tests.server.notifications.conftest import DEADLINE, FAST
from tests.support.servers import BACKENDS, live_server
from tests.support.smtp import SmtpServer, smtp_server


@pytest.fixture(params=BACKENDS)
def mailing(
    request: pytest.FixtureRequest, pyqalx_python: Path, tmp_path: Path
) -> Iterator[tuple[Pyqalx, SmtpServer]]:
    with (
        smtp_server() as smtp,
        live_server(
            request.param, tmp_path / "data", lifespan=True, **FAST, **smtp.settings()
        ) as live,
    ):
        yield make_pyqalx(pyqalx_python, live, tmp_path / "home"), smtp


def test_notification_add_sends_an_email(mailing: tuple[Pyqalx, SmtpServer]) -> None:
    pyqalx, smtp = mailing
    subject = f"Report {uuid.uuid4().hex[:6]}"
    out = pyqalx.run("notifications.py", subject)
    assert out["type"] == "Notification" and out["subject"] == subject
    assert out["state_on_add"] == "queued"
    deadline = time.monotonic() + DEADLINE
    while not smtp.recorder.messages():
        assert time.monotonic() < deadline, "no e-mail arrived"
        time.sleep(0.02)
    [received] = smtp.recorder.messages()
    assert received.message["Subject"] == subject
    assert received.message["To"] == "eng@example.com"
    assert received.message["Cc"] == "pm@example.com"
    assert "Bcc" not in received.message and "audit@example.com" in received.rcpt_tos
    html = received.message.get_body(("html",))
    assert html is not None and "r.docx" in html.get_content()
