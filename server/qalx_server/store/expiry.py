"""Rows that expire: a table with an `id` and an `expires_ms` column, swept now and then."""

from __future__ import annotations

import logging
import threading
import time

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from .database import Database

log = logging.getLogger("qalx_server")

SWEEP_BATCH = 1000
"""Expired rows deleted per sweep; a backlog goes over the following sweeps."""


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class Sweeper:
    """Deletes `table`'s expired rows at most once per `every` seconds, in a transaction of
    its own that skips rows another sweeper holds, so the writes that call `maybe_sweep`
    never wait on it; a sweep already running in this process is not started twice."""

    def __init__(self, db: Database, table: sa.Table, every: float, what: str) -> None:
        self.db = db
        self.table = table
        self.every = every
        self.what = what
        self._swept = 0.0
        self._sweeping = threading.Lock()

    def maybe_sweep(self) -> None:
        if time.monotonic() - self._swept < self.every:
            return
        if not self._sweeping.acquire(blocking=False):
            return
        try:
            self._swept = time.monotonic()
            c = self.table.c
            expired = (
                sa.select(c.id)
                .where(c.expires_ms <= now_ms())
                .limit(SWEEP_BATCH)
                .with_for_update(skip_locked=True)
            )
            with self.db.write() as conn:
                conn.execute(sa.delete(self.table).where(c.id.in_(expired.scalar_subquery())))
        except OperationalError as exc:  # a busy database: the next sweep catches up
            log.warning("sweeping expired %s failed: %s", self.what, exc)
        finally:
            self._sweeping.release()
