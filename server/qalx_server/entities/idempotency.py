"""Creates made safe to retry (`Idempotency-Key`, our extension).

pyqalx retries a create after a 5xx or a dropped connection, which can make an entity twice.
A create sent with a key keeps its first successful answer (status and body) per company and
key; a repeat of the same request gets that answer again and makes nothing. The key's row is
inserted before the create, in the create's own transaction, so a concurrent repeat waits on
the unique (company, key) constraint (PostgreSQL) or the write lock (SQLite) and then
replays. Failed creates roll their row back with them, so they may be retried. A new key
costs two statements: the claim (`INSERT ... ON CONFLICT DO NOTHING`) and the answer.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

import attrs
import orjson
import sqlalchemy as sa
from sqlalchemy import Connection

from qalx_server.auth.principal import Principal
from qalx_server.store.database import Database
from qalx_server.store.expiry import Sweeper, now_ms
from qalx_server.store.tables import idempotency_keys as keys

from .errors import Conflict, Invalid, KeyReused

log = logging.getLogger("qalx_server")

MAX_KEY = 255
HEADER = "idempotency-key"

Write = Callable[[Connection], tuple[int, Any]]
"""A create: runs in the transaction it is given; returns the answer's status and body."""


@attrs.frozen
class Once:
    """A create's key, and a fingerprint of what it asked for."""

    key: str
    fingerprint: str

    @classmethod
    def of(cls, key: str | None, operation: str, body: Any) -> Once | None:
        """None without a key. The fingerprint covers the operation and the canonical body
        (keys sorted), so a repeat differing only in key order or spacing is the same."""
        if key is None:
            return None
        if not 1 <= len(key) <= MAX_KEY:
            raise Invalid(f"Idempotency-Key: must be 1 to {MAX_KEY} characters")
        text = orjson.dumps([operation, body], option=orjson.OPT_SORT_KEYS)
        return cls(key, hashlib.sha256(text).hexdigest())


# Written out once, in the SQL both databases share: built as expressions on every create,
# these two statements cost more than the create itself.
_CLAIM = sa.text(
    "INSERT INTO idempotency_keys (company_id, key, fingerprint, expires_ms) "
    "VALUES (:company_id, :key, :fingerprint, :expires_ms) "
    "ON CONFLICT (company_id, key) DO NOTHING RETURNING id"
)
_ANSWER = sa.text(
    "UPDATE idempotency_keys SET status = :status, answer = :answer "
    "WHERE company_id = :company_id AND key = :key"
).bindparams(sa.bindparam("answer", type_=keys.c.answer.type))


class Idempotency:
    def __init__(self, db: Database, window_seconds: int) -> None:
        self.db = db
        self.window_ms = window_seconds * 1000
        self.sweeper = Sweeper(db, keys, min(window_seconds, 60), "idempotency keys")

    def run(self, who: Principal, once: Once | None, write: Write) -> tuple[int, Any]:
        """`write` in a write transaction, at most once per key within the window."""
        if once is None:
            with self.db.write() as conn:
                return write(conn)
        with self.db.write() as conn:
            answer = self._once(conn, who, once, write)
        self.sweeper.maybe_sweep()
        return answer

    def _once(self, conn: Connection, who: Principal, once: Once, write: Write) -> tuple[int, Any]:
        now = now_ms()
        row = {
            "company_id": who.company_id,
            "key": once.key,
            "fingerprint": once.fingerprint,
            "expires_ms": now + self.window_ms,
        }
        # One statement claims the key in the common case (a new key). On PostgreSQL a
        # concurrent holder of the key makes it wait until that transaction ends.
        if not self._claim(conn, row):
            mine = (keys.c.company_id == who.company_id) & (keys.c.key == once.key)
            found = conn.execute(
                sa.select(
                    keys.c.fingerprint, keys.c.status, keys.c.answer, keys.c.expires_ms
                ).where(mine)
            ).first()
            if found is not None and found.expires_ms > now:
                return self._replay(found, once)
            conn.execute(sa.delete(keys).where(mine))  # expired (or its holder rolled back)
            if not self._claim(conn, row):
                raise _running(once)
        status, body = write(conn)
        conn.execute(_ANSWER, {**row, "status": status, "answer": body})
        return status, body

    @staticmethod
    def _claim(conn: Connection, row: dict[str, Any]) -> bool:
        """Insert the key's row unless the key is held; True if this request now holds it."""
        return conn.execute(_CLAIM, row).first() is not None

    @staticmethod
    def _replay(found: Any, once: Once) -> tuple[int, Any]:
        if found.fingerprint != once.fingerprint:
            raise KeyReused(
                f"Idempotency-Key {once.key!r} was already used with a different request "
                "(another operation or body); send a new key for a new request",
            )
        if found.status is None:  # never committed so: the row and its answer go together
            raise _running(once)
        return int(found.status), found.answer


def _running(once: Once) -> Conflict:
    return Conflict(f"Idempotency-Key {once.key!r}: a request with it is running")
