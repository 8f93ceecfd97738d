"""A real SMTP server on loopback (aiosmtpd), recording what it is sent, optionally over
STARTTLS or implicit TLS with a self-signed certificate, and optionally requiring a login.

Its replies can be scripted: `data_replies` are answered to DATA commands, one each, before
it accepts messages again (e.g. `451` twice: a server that recovers); `refuse` maps a
recipient address to the reply its RCPT TO gets.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import attrs
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from .live import free_port


@attrs.frozen
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    login: str | None
    """Who logged in, if anyone."""
    tls: bool
    """Whether the message came over TLS (STARTTLS or implicit)."""


@attrs.define
class Recorder:
    """The aiosmtpd handler: records accepted messages; replies as scripted."""

    received: list[Received] = attrs.field(factory=list)
    data_replies: list[str] = attrs.field(factory=list)
    refuse: dict[str, str] = attrs.field(factory=dict)
    data_commands: int = 0
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        reply = self.refuse.get(address)
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            self.data_commands += 1
            if self.data_replies:
                return self.data_replies.pop(0)
            # As a mail client reads it: the wire's CRLF line ends become "\n".
            content = (envelope.original_content or b"").replace(b"\r\n", b"\n")
            message = email.message_from_bytes(content, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            login = session.auth_data if session.authenticated else None
            self.received.append(
                Received(
                    mail_from=str(envelope.mail_from),
                    rcpt_tos=list(envelope.rcpt_tos),
                    message=message,
                    login=login if isinstance(login, str) else None,
                    tls=server.transport is not None
                    and server.transport.get_extra_info("ssl_object") is not None,
                )
            )
        return "250 Message accepted for delivery"

    def messages(self) -> list[Received]:
        with self.lock:
            return list(self.received)


@attrs.frozen
class Certificate:
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def self_signed(directory: Path) -> Certificate:
    """A certificate for 127.0.0.1 and localhost, signed by itself (so it is its own CA)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "qalx test SMTP")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.IPv4Address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert_file, key_file)


@attrs.frozen
class SmtpServer:
    port: int
    recorder: Recorder

    def settings(self, **more: Any) -> dict[str, Any]:
        """qalx server settings that send through this server (plain SMTP unless `more` says
        otherwise)."""
        return {
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_security": "none",
            "smtp_sender": "qalx <qalx@example.com>",
            **more,
        }


class _Logins:
    def __init__(self, users: dict[str, str]) -> None:
        self.users = users

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            if self.users.get(user) == password:
                return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False)


@contextmanager
def smtp_server(
    *,
    port: int | None = None,
    recorder: Recorder | None = None,
    starttls: Certificate | None = None,
    implicit_tls: Certificate | None = None,
    users: dict[str, str] | None = None,
) -> Iterator[SmtpServer]:
    """An SMTP server on 127.0.0.1 (a free port unless given) until the block ends."""
    recorder = recorder if recorder is not None else Recorder()
    port = port if port is not None else free_port()
    options: dict[str, Any] = {}
    if starttls is not None:
        options.update(tls_context=starttls.server_context(), require_starttls=True)
    if users is not None:
        options.update(
            authenticator=_Logins(users),
            auth_required=True,
            auth_require_tls=starttls is not None or implicit_tls is not None,
        )
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        ssl_context=implicit_tls.server_context() if implicit_tls is not None else None,
        **options,
    )
    controller.start()
    try:
        yield SmtpServer(port, recorder)
    finally:
        controller.stop()
