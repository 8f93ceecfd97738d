"""Temporary SQS credentials, issued per company (optionally per bot), expiring like STS's.

The secret access key is *derived* — HMAC-SHA256 of the access key id under the server's broker
secret — and never stored: SigV4 verification needs the plain secret, so a hash would not do,
and deriving it means the database holds nothing that signs requests (a stolen database copy
cannot forge a request; the key file is what must be protected, as for signed file URLs).
The session token is random; only its SHA-256 is stored and compared.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets

import attrs
import sqlalchemy as sa
from sqlalchemy import Connection

from qalx_server.queue_model import QueueCredentials
from qalx_server.store.tables import broker_credentials, companies

from .clock import now_ms, to_datetime

_SECRET_CONTEXT = b"qalx-broker-secret-access-key-v1"
_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
DEFAULT_LIFETIME = dt.timedelta(hours=12)


@attrs.frozen
class Grant:
    """A verified credential's scope: the company (and bot) it acts for."""

    access_key_id: str
    company_id: int
    company_guid: str
    bot_guid: str | None
    expires_ms: int
    revoked: bool


def derive_secret(key: bytes, access_key_id: str) -> str:
    mac = hmac.new(key, _SECRET_CONTEXT + b"\0" + access_key_id.encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode("ascii")[:40]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_access_key_id() -> str:
    return "ASIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))


def issue_credentials(
    conn: Connection,
    company_id: int,
    *,
    key: bytes,
    bot_guid: str | None = None,
    lifetime: dt.timedelta = DEFAULT_LIFETIME,
) -> QueueCredentials:
    """New credentials for the queues of one company; `key` is the broker secret."""
    created = now_ms()
    expires = created + int(lifetime.total_seconds() * 1000)
    access_key_id = _new_access_key_id()
    session_token = secrets.token_urlsafe(48)
    conn.execute(
        broker_credentials.insert().values(
            access_key_id=access_key_id,
            token_hash=token_hash(session_token),
            company_id=company_id,
            bot_guid=bot_guid,
            created_ms=created,
            expires_ms=expires,
        )
    )
    return QueueCredentials(
        access_key_id=access_key_id,
        secret_access_key=derive_secret(key, access_key_id),
        session_token=session_token,
        expiration=to_datetime(expires),
    )


_GRANT = (  # built once: every SQS request runs it
    sa.select(
        broker_credentials.c.token_hash,
        broker_credentials.c.company_id,
        broker_credentials.c.bot_guid,
        broker_credentials.c.expires_ms,
        broker_credentials.c.revoked_ms,
        companies.c.guid,
    )
    .join(companies, companies.c.id == broker_credentials.c.company_id)
    .where(broker_credentials.c.access_key_id == sa.bindparam("access_key_id"))
)


def find_grant(conn: Connection, access_key_id: str, session_token: str | None) -> Grant | None:
    """The grant behind an access key id and session token, or None if either is unknown."""
    row = conn.execute(_GRANT, {"access_key_id": access_key_id}).first()
    if row is None or session_token is None:
        return None
    if not hmac.compare_digest(row.token_hash, token_hash(session_token)):
        return None
    return Grant(
        access_key_id,
        int(row.company_id),
        str(row.guid),
        row.bot_guid,
        int(row.expires_ms),
        row.revoked_ms is not None,
    )


def revoke_credentials(conn: Connection, *, bot_guid: str) -> int:
    """Revoke every live credential tied to a bot (call when the bot is deleted)."""
    result = conn.execute(
        broker_credentials.update()
        .where(broker_credentials.c.bot_guid == bot_guid, broker_credentials.c.revoked_ms.is_(None))
        .values(revoked_ms=now_ms())
    )
    return int(result.rowcount)


def forget_expired(conn: Connection, *, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Drop credentials that expired more than `older_than` ago (housekeeping)."""
    cutoff = now_ms() - int(older_than.total_seconds() * 1000)
    result = conn.execute(
        broker_credentials.delete().where(broker_credentials.c.expires_ms < cutoff)
    )
    return int(result.rowcount)
