"""`qalx server notifications list|retry`, and `qalx server start`'s SMTP flags, on the
database the live servers use."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
from click.testing import CliRunner

from qalx.cli import main
from tests.support.live import free_port
from tests.support.smtp import smtp_server

from .conftest import DEADLINE, Serve, fetch, guid_of, notify, settle


def qalx(database: str, tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {"HOME": str(tmp_path), "COLUMNS": "300"}
    where = ["--database-url", database, "--data-dir", str(tmp_path / "cli-data")]
    result = CliRunner().invoke(
        main, ["server", "notifications", *args, *where], env=env, catch_exceptions=False
    )
    return result.exit_code, result.output


def row_of(output: str, guid: str) -> list[str]:
    line = next(line for line in output.splitlines() if guid in line)
    return [cell.strip() for cell in line.split("│")[1:-1]]


def test_outbox_is_listed_and_retry_then_a_server_with_smtp_sends_it(
    serve: Serve, database: str, tmp_path: Path
) -> None:
    with serve() as tenant:
        guid = guid_of(notify(tenant, subject="Weekly", message="m", to=["eng@example.com"]))
    code, out = qalx(database, tmp_path, "list")
    assert code == 0, out
    cells = row_of(out, guid)
    assert cells[1] == tenant.company and cells[3:5] == ["outbox", "0"]
    assert cells[5:7] == ["eng@example.com", "Weekly"] and "1 notification(s)" in out
    code, out = qalx(database, tmp_path, "list", "--state", "sent", "--state", "failed")
    assert code == 0 and guid not in out and "0 notification(s)" in out

    code, out = qalx(database, tmp_path, "retry", guid)
    assert code == 0 and f"{guid}\tqueued" in out and "requeued 1 notification(s)" in out
    code, out = qalx(database, tmp_path, "list", "--state", "queued")
    assert row_of(out, guid)[3] == "queued"

    with smtp_server() as smtp, serve(tenant=tenant, **smtp.settings()) as again:
        assert settle(again, guid)["info"]["delivery"]["state"] == "sent"
        assert [r.message["Subject"] for r in smtp.recorder.messages()] == ["Weekly"]
    code, out = qalx(database, tmp_path, "list", "--state", "sent")
    assert row_of(out, guid)[7].startswith("sent ")


def test_failed_notifications_are_listed_with_their_error_and_retried(
    serve: Serve, database: str, tmp_path: Path
) -> None:
    port = free_port()
    down = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none"}
    with serve(**down, smtp_sender="qalx@example.com", notification_max_attempts=1) as tenant:
        guid = guid_of(notify(tenant, subject="s", message="m", to=["eng@example.com"]))
        assert settle(tenant, guid)["info"]["delivery"]["state"] == "failed"
        code, out = qalx(database, tmp_path, "list", "--state", "failed")
        cells = row_of(out, guid)
        assert cells[3:5] == ["failed", "1"] and "Connection refused" in cells[7]

        with smtp_server(port=port) as smtp:
            code, out = qalx(database, tmp_path, "retry", "--all")
            assert code == 0 and "requeued 1 notification(s)" in out
            # The running server finds it at its next look at the database.
            delivery = settle(tenant, guid)["info"]["delivery"]
            assert delivery["state"] == "sent" and delivery["attempts"] == 1
            assert len(smtp.recorder.messages()) == 1

        code, out = qalx(database, tmp_path, "retry", guid)
        assert code == 1 and "not retried: it is sent" in out
        missing = str(uuid.uuid4())
        code, out = qalx(database, tmp_path, "retry", missing)
        assert code == 1 and f"{missing}\tnot retried: no such notification" in out
        code, out = qalx(database, tmp_path, "retry")
        assert code != 0 and "--all" in out
        code, out = qalx(database, tmp_path, "retry", "--all")
        assert code == 0 and "requeued 0 notification(s)" in out
        assert fetch(tenant, guid)["info"]["delivery"]["state"] == "sent"


def test_start_takes_the_smtp_flags(tmp_path: Path) -> None:
    """`qalx server start --smtp-...` as a user runs it: its lifespan runs the sender."""
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QALX_SERVER_")}
    env["HOME"] = str(tmp_path)
    qalx_cmd = [sys.executable, "-c", "from qalx.cli import main; main()"]
    init = subprocess.run(
        [*qalx_cmd, "server", "init", "--data-dir", str(data), "--email", "eng@example.com"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    token = next(line.split()[-1] for line in init.stdout.splitlines() if line.startswith("token"))

    half = CliRunner().invoke(
        main, ["server", "start", "--data-dir", str(data), "--smtp-host", "127.0.0.1"], env=env
    )
    assert half.exit_code != 0 and "smtp_sender" in half.output

    port = free_port()
    with smtp_server() as smtp:
        command = [*qalx_cmd, "server", "start", "--data-dir", str(data), "--port", str(port)]
        command += ["--smtp-host", "127.0.0.1", "--smtp-port", str(smtp.port)]
        command += ["--smtp-security", "none", "--smtp-sender", "ops@example.com"]
        process = subprocess.Popen([*command, "--log-level", "warning"], env=env)
        try:
            base = f"http://127.0.0.1:{port}/"
            deadline = time.monotonic() + DEADLINE
            while True:
                try:
                    httpx.get(base + "health", timeout=0.5)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline and process.poll() is None
                    time.sleep(0.05)
            headers = {"Authorization": f"Token {token}"}
            body = {"subject": "From start", "message": "m", "to": ["eng@example.com"]}
            created = httpx.post(base + "notification", json=body, headers=headers)
            assert created.status_code == 201, created.text
            while not smtp.recorder.messages():
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.02)
            [received] = smtp.recorder.messages()
            assert received.mail_from == "ops@example.com"
            assert received.message["Subject"] == "From start"
        finally:
            process.terminate()
            process.wait(10)
