"""Creates made safe to retry (`Idempotency-Key`, our extension).

pyqalx retries a create after a 5xx or a dropped connection, which can make an entity twice.
A create sent with a key keeps its first successful answer (status and body) per company and
key; a repeat of the same request gets that answer again and makes nothing. The key's row is
inserted before the create, in the create's own transaction, so a concurrent repeat waits on
the unique (company, key) constraint (PostgreSQL) or the write lock (SQLite) and then
replays. Failed creates roll their row back with them, so they may be retried.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import attrs
import orjson
import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from qalx_server.api.errors import ApiError, bad_request
from qalx_server.auth.principal import Principal
from qalx_server.store.database import Database
from qalx_server.store.tables import idempotency_keys as keys

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
            raise bad_request(f"Idempotency-Key: must be 1 to {MAX_KEY} characters")
        text = orjson.dumps([operation, body], option=orjson.OPT_SORT_KEYS)
        return cls(key, hashlib.sha256(text).hexdigest())


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class Idempotency:
    def __init__(self, db: Database, window_seconds: int) -> None:
        self.db = db
        self.window_ms = window_seconds * 1000
        self._sweep_every = min(window_seconds, 60)
        self._swept = 0.0
        self._sweeping = threading.Lock()

    def run(self, who: Principal, once: Once | None, write: Write) -> tuple[int, Any]:
        """`write` in a write transaction, at most once per key within the window."""
        if once is None:
            with self.db.write() as conn:
                return write(conn)
        with self.db.write() as conn:
            answer = self._once(conn, who, once, write)
        self._sweep()
        return answer

    def _once(self, conn: Connection, who: Principal, once: Once, write: Write) -> tuple[int, Any]:
        now = _now_ms()
        mine = (keys.c.company_id == who.company_id) & (keys.c.key == once.key)
        conn.execute(sa.delete(keys).where(mine, keys.c.expires_ms <= now))  # free again
        earlier = self._earlier(conn, mine, once)
        if earlier is not None:
            return earlier
        row = {
            "company_id": who.company_id,
            "key": once.key,
            "fingerprint": once.fingerprint,
            "expires_ms": now + self.window_ms,
        }
        try:
            with conn.begin_nested():
                conn.execute(sa.insert(keys).values(**row))
        except IntegrityError:
            # A concurrent request with this key committed first (PostgreSQL waited for it).
            earlier = self._earlier(conn, mine, once)
            if earlier is not None:
                return earlier
            raise ApiError(
                409, "conflict", f"Idempotency-Key {once.key!r}: a request with it is running"
            ) from None
        status, body = write(conn)
        conn.execute(sa.update(keys).where(mine).values(status=status, answer=body))
        return status, body

    def _earlier(self, conn: Connection, mine: Any, once: Once) -> tuple[int, Any] | None:
        found = conn.execute(
            sa.select(keys.c.fingerprint, keys.c.status, keys.c.answer).where(mine)
        ).first()
        if found is None:
            return None
        if found.fingerprint != once.fingerprint:
            raise ApiError(
                422,
                "idempotency_key_reused",
                f"Idempotency-Key {once.key!r} was already used with a different request "
                "(another operation or body); send a new key for a new request",
            )
        if found.status is None:  # never committed so: the row and its answer go together
            raise ApiError(
                409, "conflict", f"Idempotency-Key {once.key!r}: a request with it is running"
            )
        return int(found.status), found.answer

    def _sweep(self) -> None:
        """Delete expired keys now and then, in a transaction of its own (skipping rows
        another sweeper holds), so creates never wait on it."""
        if time.monotonic() - self._swept < self._sweep_every:
            return
        if not self._sweeping.acquire(blocking=False):
            return
        try:
            self._swept = time.monotonic()
            expired = (
                sa.select(keys.c.id)
                .where(keys.c.expires_ms <= _now_ms())
                .limit(1000)
                .with_for_update(skip_locked=True)
            )
            with self.db.write() as conn:
                conn.execute(sa.delete(keys).where(keys.c.id.in_(expired.scalar_subquery())))
        except OperationalError as exc:  # a busy database: the next sweep catches up
            log.warning("sweeping expired idempotency keys failed: %s", exc)
        finally:
            self._sweeping.release()
