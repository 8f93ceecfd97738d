"""Database access: one engine per server, SQLite tuned for concurrent use, and migrations.

Reads and writes go through `Database.read()` / `Database.write()`. On SQLite a write
transaction starts with `BEGIN IMMEDIATE`, taking the write lock before it reads, so a
read-modify-write (a worker PATCH merging into its bot) can never lose an update; on
PostgreSQL the same code locks the rows it changes with `SELECT ... FOR UPDATE`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import make_url

from .query import install_sqlite_functions

_WRITE = "qalx_write"
_SINGLE = "qalx_single_statement"
_MIGRATION_LOCK = 0x71A1C0  # any constant shared by every qalx_server process


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


class Database:
    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(
                url,
                json_serializer=_json_text,
                json_deserializer=orjson.loads,
                connect_args={"check_same_thread": False, "timeout": 30},
                pool_size=16,
                max_overflow=8,
            )
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        elif self.dialect == "postgresql":
            self.engine = create_engine(
                url,
                json_serializer=_json_text,
                json_deserializer=orjson.loads,
                pool_size=16,
                max_overflow=8,
                pool_pre_ping=True,
            )
        else:
            raise ValueError(
                f"unsupported database {parsed.drivername!r}: use sqlite:/// or postgresql+psycopg://"
            )
        self._writer = self.engine.execution_options(**{_WRITE: True})
        # One statement needs no BEGIN and COMMIT round trips on PostgreSQL either: in
        # autocommit it is its own transaction (a GET item is 1 round trip, not 3).
        autocommit = {"isolation_level": "AUTOCOMMIT"} if self.dialect == "postgresql" else {}
        self._single = self.engine.execution_options(**autocommit, **{_SINGLE: True})

    @property
    def locks_rows(self) -> bool:
        """True where writers must lock rows themselves (SQLite locks the whole database)."""
        return self.dialect == "postgresql"

    @contextmanager
    def read(self, *, snapshot: bool = True) -> Iterator[Connection]:
        """A read. `snapshot=False` is for a single statement, which either database runs
        atomically on its own, so no BEGIN/COMMIT round trips are spent on it."""
        engine = self.engine if snapshot else self._single
        with engine.begin() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self._writer.begin() as conn:
            yield conn

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema up to the newest migration (or `revision`, for tests of a
        migration). Safe to run at every start, and from several processes at once (uvicorn
        workers): they take turns under a lock."""
        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self._writer.begin() as conn:  # SQLite: BEGIN IMMEDIATE takes the write lock
            if self.dialect == "postgresql":
                conn.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                )
            config.attributes["connection"] = conn
            command.upgrade(config, revision)

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
    cursor = dbapi_conn.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "foreign_keys=ON",
        "busy_timeout=30000",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()
    install_sqlite_functions(dbapi_conn)


def _sqlite_begin(conn: Connection) -> None:
    options = conn.get_execution_options()
    if options.get(_SINGLE, False):
        return
    # Straight to the driver: this runs on every transaction, so skip SQLAlchemy's machinery.
    driver = conn.connection.driver_connection
    assert driver is not None
    driver.execute("BEGIN IMMEDIATE" if options.get(_WRITE, False) else "BEGIN")
