"""Notifications become real e-mails: through the real server over HTTP, to a real SMTP server
on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from qalx_api_client import models
from qalx_api_client.api.notification import create_notification, get_notification
from tests.server.api.helpers import ok, present
from tests.support.live import free_port
from tests.support.smtp import Recorder, self_signed, smtp_server

from .conftest import Serve, fetch, guid_of, http, notify, settle

REPORT = (
    "<html><body><h1>Report ready</h1><p>12 beams checked; 1 failed.</p>"
    '<p>Download: <a href="https://files.example.com/report.docx">report.docx</a></p>'
    "</body></html>"
)


def test_delivered_email_has_the_right_headers_and_body_and_hides_bcc(serve: Serve) -> None:
    with smtp_server() as smtp, serve(**smtp.settings()) as tenant:
        body = models.NotificationCreate.from_dict(
            {
                "subject": "Batch 7 done",
                "message": REPORT,
                "to": ["eng@example.com", "Lead Engineer <lead@example.com>"],
                "cc": ["pm@example.com"],
                "bcc": ["audit@example.com"],
                "meta": {},
                "tags": [],
            }
        )
        created = ok(create_notification.sync_detailed(client=tenant.client, body=body), 201)
        # The answer comes at once; the e-mail goes afterwards.
        delivery = present(present(created.info).delivery)
        assert delivery.state == models.NotificationDeliveryState.QUEUED
        assert delivery.attempts == 0 and delivery.sent_at is None
        guid = uuid.UUID(hex=created.guid.uuid)
        settle(tenant, str(guid))

        read = ok(get_notification.sync_detailed(guid, client=tenant.client))
        delivery = present(present(read.info).delivery)
        assert delivery.state == models.NotificationDeliveryState.SENT
        assert delivery.attempts == 1 and delivery.last_error is None
        assert delivery.sent_at is not None and delivery.next_attempt_at is None
        listed = http(tenant).get("notification").json()["data"]
        assert [n["info"]["delivery"]["state"] for n in listed] == ["sent"]

        [received] = smtp.recorder.messages()
        assert received.mail_from == "qalx@example.com"
        assert received.rcpt_tos == [
            "eng@example.com",
            "lead@example.com",
            "pm@example.com",
            "audit@example.com",
        ]
        message = received.message
        assert message["From"] == "qalx <qalx@example.com>"
        assert message["To"] == "eng@example.com, Lead Engineer <lead@example.com>"
        assert message["Cc"] == "pm@example.com"
        assert message["Subject"] == "Batch 7 done"
        assert message["X-Qalx-Notification"] == created.guid.uuid
        assert "Bcc" not in message
        assert not any("audit@" in str(value) for value in message.values())
        assert message.get_content_type() == "multipart/alternative"
        plain = message.get_body(("plain",))
        html = message.get_body(("html",))
        assert plain is not None and html is not None
        assert html.get_content().strip() == REPORT
        text = plain.get_content()
        assert "Report ready\n\n12 beams checked; 1 failed.\n\nDownload: report.docx" in text
        assert "report.docx (https://files.example.com/report.docx)" in text
        assert "<" not in text


def test_plain_messages_go_as_plain_text(serve: Serve) -> None:
    with smtp_server() as smtp, serve(**smtp.settings()) as tenant:
        message = "12 beams checked.\nAll within 0.5 < utilisation < 0.9 <ok>."
        created = notify(tenant, subject="Done", message=message, to=["eng@example.com"])
        settle(tenant, guid_of(created))
        [received] = smtp.recorder.messages()
        assert received.message.get_content_type() == "text/plain"
        assert received.message.get_content().rstrip("\n") == message
        assert "Cc" not in received.message


def test_smtp_down_retries_then_records_failed(serve: Serve) -> None:
    down = {"smtp_host": "127.0.0.1", "smtp_port": free_port(), "smtp_security": "none"}
    with serve(**down, smtp_sender="qalx@example.com", notification_max_attempts=3) as tenant:
        created = notify(tenant, subject="s", message="m", to=["eng@example.com"])
        delivery = settle(tenant, guid_of(created))["info"]["delivery"]
        assert delivery["state"] == "failed" and delivery["attempts"] == 3
        assert "Connection refused" in delivery["last_error"]
        assert delivery["sent_at"] is None and delivery["next_attempt_at"] is None


def test_smtp_recovering_during_retries_leads_to_sent(serve: Serve) -> None:
    # A server that answers "try later" twice, then takes the message.
    recorder = Recorder(data_replies=["451 4.3.0 try again later"] * 2)
    with smtp_server(recorder=recorder) as smtp, serve(**smtp.settings()) as tenant:
        created = notify(tenant, subject="s", message="m", to=["eng@example.com"])
        delivery = settle(tenant, guid_of(created))["info"]["delivery"]
        assert delivery["state"] == "sent" and delivery["attempts"] == 3
        assert recorder.data_commands == 3 and len(recorder.messages()) == 1


def test_smtp_server_coming_up_during_retries_leads_to_sent(serve: Serve) -> None:
    port = free_port()
    settings = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none"}
    with serve(**settings, smtp_sender="qalx@example.com", notification_max_attempts=50) as tenant:
        guid = guid_of(notify(tenant, subject="s", message="m", to=["eng@example.com"]))
        waiting = settle(tenant, guid, ("queued",), until=lambda d: d["attempts"] >= 1)
        assert "Connection refused" in waiting["info"]["delivery"]["last_error"]
        assert waiting["info"]["delivery"]["next_attempt_at"] is not None
        with smtp_server(port=port) as smtp:
            delivery = settle(tenant, guid)["info"]["delivery"]
            assert delivery["state"] == "sent" and delivery["last_error"] is None
            assert len(smtp.recorder.messages()) == 1


def test_permanent_refusals_fail_at_once(serve: Serve) -> None:
    recorder = Recorder(refuse={"nobody@example.com": "550 5.1.1 no such user"})
    with smtp_server(recorder=recorder) as smtp, serve(**smtp.settings()) as tenant:
        created = notify(tenant, subject="s", message="m", to=["nobody@example.com"])
        delivery = settle(tenant, guid_of(created))["info"]["delivery"]
        assert delivery["state"] == "failed" and delivery["attempts"] == 1
        assert "550 5.1.1 no such user" in delivery["last_error"]

        # Some refused, the rest taken: sent, and the refusals said.
        created = notify(
            tenant, subject="s", message="m", to=["nobody@example.com", "eng@example.com"]
        )
        delivery = settle(tenant, guid_of(created))["info"]["delivery"]
        assert delivery["state"] == "sent" and "nobody@example.com" in delivery["last_error"]
        assert [r.rcpt_tos for r in recorder.messages()] == [["eng@example.com"]]


def test_bad_input_is_a_400_naming_the_field(serve: Serve) -> None:
    with serve() as tenant:
        good = {"subject": "s", "message": "m", "to": ["eng@example.com"], "cc": [], "bcc": []}
        cases: list[tuple[dict[str, Any], str]] = [
            ({"to": []}, "body.to"),
            ({"to": ["not-an-address"]}, "body.to.0"),
            ({"to": ["eng@example.com", "two@@example.com"]}, "body.to.1"),
            ({"cc": ["eng@example.com", "a b@example.com"]}, "body.cc.1"),
            ({"bcc": ["Lead, Eng <lead@example.com>"]}, "body.bcc.0"),
            ({"bcc": "audit@example.com"}, "body.bcc"),
            ({"to": ["eng@example.com\r\nBcc: x@evil.example"]}, "body.to.0"),
            ({"to": ["eng@exa_mple.com"]}, "body.to.0"),
            ({"subject": "line one\nBcc: x@evil.example"}, "body.subject"),
            ({"subject": 7}, "body.subject"),
            ({"message": ["m"]}, "body.message"),
        ]
        for change, field in cases:
            answer = http(tenant).post("notification", json={**good, **change})
            assert answer.status_code == 400, (change, answer.text)
            error = answer.json()
            assert error["code"] == "invalid" and error["errors"][0]["field"] == field, change
        answer = http(tenant).post("notification", json={"subject": "s", "message": "m"})
        assert answer.status_code == 400 and "to" in answer.json()["detail"]
        assert http(tenant).get("notification").json()["data"] == []

        fine = notify(tenant, **{**good, "to": ['"Lead, Eng" <lead@example.com>', "ops@localhost"]})
        answer = http(tenant).patch(f"notification/{guid_of(fine)}", json={"cc": ["nope"]})
        assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "body.cc.0"


def test_without_smtp_notifications_wait_in_the_outbox_until_a_server_with_smtp_starts(
    serve: Serve,
) -> None:
    with serve() as tenant:
        created = notify(tenant, subject="s", message="m", to=["eng@example.com"])
        guid = guid_of(created)
        assert created["info"]["delivery"]["state"] == "outbox"
        assert fetch(tenant, guid)["info"]["delivery"]["state"] == "outbox"
    with smtp_server() as smtp, serve(tenant=tenant, **smtp.settings()) as again:
        assert settle(again, guid)["info"]["delivery"]["state"] == "sent"
        assert len(smtp.recorder.messages()) == 1


def test_two_servers_sharing_a_database_send_each_notification_once(serve: Serve) -> None:
    with (
        smtp_server() as smtp,
        serve(**smtp.settings()) as first,
        serve(tenant=first, **smtp.settings()) as second,
    ):
        guids = [
            guid_of(notify(tenant, subject=f"n{i}", message="m", to=["eng@example.com"]))
            for i in range(10)
            for tenant in (first, second)
        ]
        for guid in guids:
            assert settle(first, guid)["info"]["delivery"]["attempts"] == 1
        subjects = sorted(r.message["Subject"] for r in smtp.recorder.messages())
        assert subjects == sorted(f"n{i}" for i in range(10) for _ in range(2))
        assert smtp.recorder.data_commands == 20


def test_starttls_with_login_checks_the_certificate(serve: Serve, tmp_path: Path) -> None:
    cert = self_signed(tmp_path / "tls")
    users = {"mailer": "s3cret"}
    with smtp_server(starttls=cert, users=users) as smtp:
        settings = smtp.settings(
            smtp_security="starttls", smtp_username="mailer", smtp_password="s3cret"
        )
        with serve(**settings, smtp_ca_file=str(cert.cert_file)) as tenant:
            guid = guid_of(notify(tenant, subject="s", message="m", to=["eng@example.com"]))
            assert settle(tenant, guid)["info"]["delivery"]["state"] == "sent"
            [received] = smtp.recorder.messages()
            assert received.tls and received.login == "mailer"
        # The system's CAs do not know this certificate: a configuration error, not retried.
        with serve(**settings) as tenant:
            guid = guid_of(notify(tenant, subject="s", message="m", to=["eng@example.com"]))
            delivery = settle(tenant, guid)["info"]["delivery"]
            assert delivery["state"] == "failed" and delivery["attempts"] == 1
            assert "CERTIFICATE_VERIFY_FAILED" in delivery["last_error"]
        with serve(**settings, smtp_verify=False) as tenant:
            guid = guid_of(notify(tenant, subject="s", message="m", to=["eng@example.com"]))
            assert settle(tenant, guid)["info"]["delivery"]["state"] == "sent"
        with serve(**{**settings, "smtp_password": "wrong"}, smtp_verify=False) as tenant:
            guid = guid_of(notify(tenant, subject="s", message="m", to=["eng@example.com"]))
            delivery = settle(tenant, guid)["info"]["delivery"]
            assert delivery["state"] == "failed" and delivery["attempts"] == 1
            assert delivery["last_error"].split(" answered ")[1].startswith("535")


def test_starttls_is_never_skipped(serve: Serve) -> None:
    with smtp_server() as smtp, serve(**smtp.settings(smtp_security="starttls")) as tenant:
        guid = guid_of(notify(tenant, subject="s", message="m", to=["eng@example.com"]))
        delivery = settle(tenant, guid)["info"]["delivery"]
        assert delivery["state"] == "failed" and "STARTTLS" in delivery["last_error"]
        assert smtp.recorder.messages() == []


def test_implicit_tls(serve: Serve, tmp_path: Path) -> None:
    cert = self_signed(tmp_path / "tls")
    with smtp_server(implicit_tls=cert) as smtp:
        settings = smtp.settings(smtp_security="tls", smtp_ca_file=str(cert.cert_file))
        with serve(**settings) as tenant:
            guid = guid_of(notify(tenant, subject="s", message="m", to=["eng@example.com"]))
            assert settle(tenant, guid)["info"]["delivery"]["state"] == "sent"
            [received] = smtp.recorder.messages()
            assert received.tls
