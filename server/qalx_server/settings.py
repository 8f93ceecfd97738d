"""Server settings: defaults < `QALX_SERVER_*` environment < explicit arguments (CLI flags).

Every setting the server reads is declared here, in one place, with its environment name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import attrs
import platformdirs

ENV_PREFIX = "QALX_SERVER_"
MiB = 1024 * 1024


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("qalx-server", appauthor=False))


def _bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _optional_int(value: object) -> int | None:
    return None if value is None or value == "" else int(str(value))


SmtpSecurity = Literal["starttls", "tls", "none"]
SMTP_DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "tls": 465, "none": 25}


@attrs.frozen(kw_only=True)
class Settings:
    """How one qalx_server runs. `QALX_SERVER_<NAME>` sets `<name>` from the environment."""

    data_dir: Path = attrs.field(factory=default_data_dir, converter=Path)
    """Everything the embedded server keeps: database, files, secrets."""
    database_url: str | None = None
    """SQLAlchemy URL; default `sqlite:///<data_dir>/qalx.db`. PostgreSQL:
    `postgresql+psycopg://user@host/db`."""
    host: str = "127.0.0.1"
    port: int = attrs.field(default=8000, converter=int)
    public_url: str | None = None
    """Base URL clients reach this server at (for signed file URLs); default: from the request."""
    storage: Literal["local", "s3"] = "local"
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    max_body_bytes: int = attrs.field(default=16 * MiB, converter=int)
    """Largest JSON request body accepted (413 beyond)."""
    max_file_bytes: int = attrs.field(default=5 * 1024 * MiB, converter=int)
    """Largest file accepted by the embedded file store (413 beyond)."""
    file_url_expires: int = attrs.field(default=3600, converter=int)
    """Lifetime in seconds of signed file URLs."""
    statement_seconds: float = attrs.field(default=30.0, converter=float)
    """The longest one database statement may run (a query's search, say) before the database
    stops it and the request is answered 503 `query_timeout`; 0 for no limit."""
    threads: int = attrs.field(default=16, converter=int)
    """Threads that run request handlers (each holds at most one database connection)."""
    token_cache_seconds: float = attrs.field(default=10.0, converter=float)
    """How long a token lookup is cached in-process; a revoked token works this long at most."""
    idempotency_window_seconds: int = attrs.field(default=24 * 3600, converter=int)
    """How long the first answer to a create sent with an `Idempotency-Key` is replayed to
    repeats of it; expired keys are swept and may be used again."""
    validate_responses: bool = attrs.field(default=False, converter=_bool)
    """Check every answer against the spec (tests turn this on; costs time)."""
    queues: Literal["builtin", "sqs"] = "builtin"
    """Where queue entities' queues live: the built-in broker, or Amazon SQS (`sqs_*`)."""
    sqs_region: str = "eu-west-2"
    """Amazon SQS mode: the region of the queues (bots' REGION must match: pyqalx signs for its
    own REGION)."""
    sqs_endpoint_url: str | None = None
    """Amazon SQS mode: an SQS endpoint other than AWS's (e.g. a test double)."""
    sqs_client_endpoint_url: str | None = None
    """Amazon SQS mode: the endpoint handed to clients as `info.endpoint_url`; default
    `sqs_endpoint_url` (none for AWS itself)."""
    sts_endpoint_url: str | None = None
    sqs_role_arn: str | None = None
    """Amazon SQS mode: the role assumed (with a per-queue session policy) to issue queue
    credentials; without it, federation tokens (which need IAM user keys)."""
    sqs_prefix: str = "qalx-"
    """Amazon SQS mode: prefix of every queue name the server creates."""
    sqs_credential_lifetime: int = attrs.field(default=3600, converter=int)
    """Amazon SQS mode: seconds issued credentials last (STS: 900 to 43200 with a role;
    pyqalx refreshes when an hour or less is left, so longer means fewer refreshes)."""
    broker_credential_lifetime: int = attrs.field(default=12 * 3600, converter=int)
    """Seconds the built-in broker's temporary SQS credentials stay valid (refreshed by the
    queue entity's GET; pyqalx refreshes when under an hour is left)."""
    broker_poll_interval: float = attrs.field(default=0.5, converter=float)
    """How often a long-polling ReceiveMessage re-reads the database, to see sends made by
    other server processes and visibility timeouts running out (same-process sends wake it
    at once)."""
    signal_poll_interval: float = attrs.field(default=0.5, converter=float)
    """How often waiting worker signal reads (`GET .../signal?wait=`) re-read the database,
    all of this process's in one query, to see signal changes made through other server
    processes (changes made through this one wake them at once)."""
    worker_lost_after: float = attrs.field(default=60.0, converter=float)
    """Seconds after which a worker that reads its signal (`GET .../signal`), but has not
    read it or PATCHed itself since, is answered with `state: "lost"`. Workers must read
    their signal at least every 20 s (its longest wait), so keep this well above 20."""
    broker_key: str | None = attrs.field(default=None, repr=False)
    """The built-in broker's signing key (64 hex digits). Servers sharing a database must
    share it; by default each reads `broker-signing.key` in its data directory (made on first
    start), so set this when they run on different hosts."""
    broker_region: str = "eu-west-2"
    """The region the built-in broker reports (queue ARNs, `info.region`); any region a client
    signs with is accepted."""
    smtp_host: str | None = None
    """The SMTP server that sends notification e-mails. Without it, notifications wait in the
    outbox (`qalx server notifications list`) until a server with SMTP starts."""
    smtp_port: int | None = attrs.field(default=None, converter=_optional_int)
    """Default: 587 for `starttls`, 465 for `tls`, 25 for `none`."""
    smtp_security: SmtpSecurity = attrs.field(
        default="starttls", validator=attrs.validators.in_(SMTP_DEFAULT_PORTS)
    )
    """`starttls` (upgrade a plain connection; refuse to send if the server cannot), `tls`
    (TLS from the first byte, "SMTPS") or `none` (plain text: only for a relay on a trusted
    network)."""
    smtp_username: str | None = None
    """Log in with this user (and `smtp_password`); no login without it."""
    smtp_password: str | None = attrs.field(default=None, repr=False)
    """Only from the environment (`QALX_SERVER_SMTP_PASSWORD`): flags show in process lists."""
    smtp_sender: str | None = None
    """The From address of every notification, e.g. `qalx <qalx@example.com>`; needed with
    `smtp_host`."""
    smtp_verify: bool = attrs.field(default=True, converter=_bool)
    """Check the SMTP server's TLS certificate and host name (turn off only for testing)."""
    smtp_ca_file: str | None = None
    """PEM file of CA certificates to check the SMTP server with; default: the system's."""
    smtp_timeout: float = attrs.field(default=30.0, converter=float)
    """Seconds any one step of an SMTP conversation may take (connect, each command)."""
    notification_max_attempts: int = attrs.field(default=5, converter=int)
    """Attempts to send a notification through transient failures (connection refused or
    dropped, 4xx replies) before it is marked `failed`. 5xx replies fail it at once."""
    notification_retry_delay: float = attrs.field(default=30.0, converter=float)
    """Seconds before the first retry; each later one waits twice as long as the one before."""
    notification_retry_max_delay: float = attrs.field(default=3600.0, converter=float)
    """The longest wait between two attempts, seconds."""
    notification_poll_interval: float = attrs.field(default=5.0, converter=float)
    """How often the sender re-reads the database, to find notifications created by other
    server processes (this process's own wake it at once)."""

    @property
    def resolved_smtp_port(self) -> int:
        return self.smtp_port or SMTP_DEFAULT_PORTS[self.smtp_security]

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'qalx.db'}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from `QALX_SERVER_*` variables, then `overrides` (None values are skipped)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in attrs.fields(cls):
            raw = environ.get(ENV_PREFIX + field.name.upper())
            if raw is not None and raw != "":
                values[field.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
