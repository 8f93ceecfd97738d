"""Handing an e-mail to the configured SMTP server, and telling transient failures from
permanent ones.

The standard library's smtplib, ssl and email packages do everything needed here (STARTTLS,
implicit TLS, AUTH, certificate checks, MIME), and delivery runs on a plain thread, so an
extra (async) SMTP library would add a dependency and nothing else.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

import attrs

from qalx_server.settings import Settings

from .addresses import address_problem
from .compose import envelope_sender


class SendFailed(Exception):
    """An attempt that did not hand the message over; `permanent` ones are not retried."""

    def __init__(self, detail: str, *, permanent: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.permanent = permanent


def _reply(code: int, text: bytes | str) -> str:
    message = text.decode(errors="replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(message.split())}"


@attrs.frozen
class SmtpConfig:
    host: str
    port: int
    security: str
    sender: str
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    verify: bool = True
    ca_file: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """None when no SMTP server is configured; ValueError when it is half configured."""
        if not settings.smtp_host:
            return None
        if not settings.smtp_sender:
            raise ValueError(
                "smtp_host is set but smtp_sender is not: set the From address "
                "(QALX_SERVER_SMTP_SENDER / --smtp-sender)"
            )
        problem = address_problem(envelope_sender(settings.smtp_sender))
        if problem is not None:
            raise ValueError(f"smtp_sender {settings.smtp_sender!r}: {problem}")
        return cls(
            host=settings.smtp_host,
            port=settings.resolved_smtp_port,
            security=settings.smtp_security,
            sender=settings.smtp_sender,
            username=settings.smtp_username,
            password=settings.smtp_password,
            verify=settings.smtp_verify,
            ca_file=settings.smtp_ca_file,
            timeout=settings.smtp_timeout,
        )

    def tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.ca_file)
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


def send(config: SmtpConfig, message: EmailMessage, recipients: list[str]) -> dict[str, str]:
    """Send `message` to `recipients` (the envelope); the recipients the server refused while
    taking the message for the others, with its reply. Raises `SendFailed`."""
    where = f"{config.host}:{config.port}"
    try:
        client = _connect(config)
        try:
            if config.security == "starttls":
                client.starttls(context=config.tls_context())  # says EHLO first, and again after
            if config.username:
                client.login(config.username, config.password or "")
            refused = client.send_message(
                message, from_addr=envelope_sender(config.sender), to_addrs=recipients
            )
        except BaseException:
            client.close()
            raise
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(f"{rcpt}: {_reply(*reply)}" for rcpt, reply in exc.recipients.items())
        permanent = all(code >= 500 for code in codes)
        raise SendFailed(
            f"{where} refused every recipient: {detail}", permanent=permanent
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise SendFailed(f"{where}: {exc}", permanent=True) from None
    except smtplib.SMTPResponseException as exc:
        raise SendFailed(
            f"{where} answered {_reply(exc.smtp_code, exc.smtp_error)}",
            permanent=exc.smtp_code >= 500,
        ) from None
    except ssl.SSLError as exc:
        # A certificate that does not check out, or TLS spoken to a plain port: the
        # configuration needs fixing; retrying the same thing cannot help.
        raise SendFailed(f"{where}: TLS failed: {exc}", permanent=True) from None
    except (OSError, smtplib.SMTPException) as exc:  # refused, dropped, timed out, no DNS
        raise SendFailed(f"{where}: {type(exc).__name__}: {exc}", permanent=False) from None
    # The server has taken the message: from here on nothing may count as a failure, or a
    # retry would send it twice.
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()
    return {rcpt: _reply(*reply) for rcpt, reply in refused.items()}


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    if config.security == "tls":
        return smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=config.tls_context()
        )
    return smtplib.SMTP(config.host, config.port, timeout=config.timeout)
