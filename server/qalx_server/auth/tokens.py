"""API tokens: minted at random, stored only as SHA-256 hashes, looked up per request.

A token's key is shown once, when it is created; the database keeps its hash and a short
prefix for operators to tell tokens apart. Lookups are cached briefly in-process (the
`token_cache_seconds` setting bounds how long a revoked token keeps working).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time

import sqlalchemy as sa

from qalx_server.store.database import Database
from qalx_server.store.tables import companies, tokens, users

from .principal import Principal

TOKEN_PREFIX = "qalx_"


class AuthError(Exception):
    """The request is not authenticated; the message says why (answered with 401)."""


def mint_key() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def parse_authorization(header: str | None) -> str:
    if not header:
        raise AuthError("missing Authorization header: send `Authorization: Token <key>`")
    scheme, _, key = header.strip().partition(" ")
    if scheme.lower() != "token" or not key.strip():
        raise AuthError("the Authorization header must be `Token <key>`")
    key = key.strip()
    if key == "None":
        raise AuthError("no token configured: the Authorization header says `Token None`")
    return key


class Authenticator:
    def __init__(self, db: Database, cache_seconds: float) -> None:
        self._db = db
        self._ttl = cache_seconds
        self._cache: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def authenticate(self, authorization: str | None) -> Principal:
        digest = key_hash(parse_authorization(authorization))
        now = time.monotonic()
        cached = self._cache.get(digest)
        if cached is not None and cached[0] > now:
            return cached[1]
        principal = self._lookup(digest)
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[digest] = (now + self._ttl, principal)
        return principal

    def forget(self) -> None:
        """Drop cached lookups (after revoking tokens in this process)."""
        with self._lock:
            self._cache.clear()

    def _lookup(self, digest: str) -> Principal:
        query = (
            sa.select(
                tokens.c.company_id,
                tokens.c.bot_guid,
                tokens.c.revoked_at,
                companies.c.guid.label("company_guid"),
                users.c.guid.label("user_guid"),
                users.c.email,
            )
            .join(companies, companies.c.id == tokens.c.company_id)
            .outerjoin(users, users.c.id == tokens.c.user_id)
            .where(tokens.c.key_hash == digest)
        )
        with self._db.read(snapshot=False) as conn:
            row = conn.execute(query).first()
        if row is None or row.revoked_at is not None:
            raise AuthError("invalid or revoked token")
        if row.bot_guid is not None:
            return Principal(row.company_id, row.company_guid, "bot", row.bot_guid, None)
        return Principal(row.company_id, row.company_guid, "user", row.user_guid, row.email)
