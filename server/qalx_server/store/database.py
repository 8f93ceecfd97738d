"""Database access: one engine per server, SQLite tuned for concurrent use, and migrations.

Reads and writes go through `Database.read()` / `Database.write()`. On SQLite a write
transaction starts with `BEGIN IMMEDIATE`, taking the write lock before it reads, so a
read-modify-write (a worker PATCH merging into its bot) can never lose an update; on
PostgreSQL the same code locks the rows it changes with `SELECT ... FOR UPDATE`.

Every statement runs under a time limit (PostgreSQL's `statement_timeout`; on SQLite a
progress handler that interrupts it), so no query holds a thread and a connection for good:
a statement stopped so raises `StatementTimeout`. Migrations run without it.
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import orjson
import psycopg
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, event
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import make_url

from .query import install_sqlite_functions

_WRITE = "qalx_write"
_SINGLE = "qalx_single_statement"
_MIGRATION_LOCK = 0x71A1C0  # any constant shared by every qalx_server process
_UNLIMITED = "qalx_unlimited"
_PROGRESS_STEPS = 10_000
"""SQLite virtual machine steps between looks at the clock (a few microseconds of work)."""


class StatementTimeout(Exception):
    """The database stopped a statement that ran longer than the server's limit."""


class StatementCancelled(Exception):
    """A statement stopped because the client of the request that ran it went away."""


_CANCEL: ContextVar[StatementCancel | None] = ContextVar("qalx_statement_cancel", default=None)


class StatementCancel:
    """The database connections one request's work holds, so its statements can be stopped
    from another thread when its client goes away: SQLite's `interrupt`, PostgreSQL's cancel
    request. Work runs under it with `bound()`, on the thread that runs it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: list[Any] = []
        self.cancelled = False

    @contextmanager
    def bound(self) -> Iterator[None]:
        token = _CANCEL.set(self)
        try:
            yield
        finally:
            _CANCEL.reset(token)

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            for driver in self._held:
                driver.interrupt() if isinstance(driver, sqlite3.Connection) else driver.cancel()

    @contextmanager
    def holding(self, driver: Any) -> Iterator[None]:
        with self._lock:
            if self.cancelled:
                raise StatementCancelled("the client went away before the query ran")
            self._held.append(driver)
        try:
            yield
        finally:
            with self._lock:
                self._held.remove(driver)


class _WriteTurns:
    """SQLite has one writer at a time, and a writer that finds another polls for the lock
    with growing sleeps (its busy handler), so a short write (an SQS send) behind a run of
    bulk creates can wait out several of them. Within one process, writers take turns here
    in the order they came instead, each woken as the one before it ends."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._issued = 0
        self._serving = 0

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._changed:
            ticket = self._issued
            self._issued += 1
            while ticket != self._serving:
                self._changed.wait()
        try:
            yield
        finally:
            with self._changed:
                self._serving += 1
                self._changed.notify_all()


def json_text(value: Any) -> str:
    """A document as either database is given it (the engines' JSON serializer)."""
    return orjson.dumps(value).decode()


class Database:
    def __init__(self, url: str, statement_seconds: float = 0) -> None:
        """`statement_seconds`: the limit on one statement (0: none)."""
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        self.statement_seconds = statement_seconds
        self._turns = _WriteTurns() if self.dialect == "sqlite" else None
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(
                url,
                json_serializer=json_text,
                json_deserializer=orjson.loads,
                connect_args={"check_same_thread": False, "timeout": 30},
                pool_size=16,
                max_overflow=8,
            )
            # SQLAlchemy's SQLite compiler drops table hints; SQLite's are `INDEXED BY`, which
            # the lookups through declared indexes name (entities.reads).
            self.engine.dialect.statement_compiler = _SQLiteHinting
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
            if statement_seconds > 0:
                event.listen(self.engine, "before_cursor_execute", self._sqlite_deadline)
        elif self.dialect == "postgresql":
            limit = f"-c statement_timeout={math.ceil(statement_seconds * 1000)}"
            self.engine = create_engine(
                url,
                json_serializer=json_text,
                json_deserializer=orjson.loads,
                pool_size=16,
                max_overflow=8,
                pool_pre_ping=True,
                connect_args={"options": limit} if statement_seconds > 0 else {},
            )
        else:
            raise ValueError(
                f"unsupported database {parsed.drivername!r}: use sqlite:/// or postgresql+psycopg://"
            )
        event.listen(self.engine, "handle_error", self._timed_out)
        event.listen(self.engine, "before_cursor_execute", _refuse_if_cancelled)
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
        with engine.begin() as conn, _cancellable(conn):
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self._turn(), self._writer.begin() as conn, _cancellable(conn):
            yield conn

    def _turn(self) -> AbstractContextManager[None]:
        return self._turns.turn() if self._turns is not None else nullcontext()

    @contextmanager
    def maintenance(self) -> Iterator[Connection]:
        """A connection for schema work, without the statement limit: on PostgreSQL outside
        any transaction (as `CREATE INDEX CONCURRENTLY` must run), on SQLite a write."""
        if self.dialect == "sqlite":
            unlimited = self._writer.execution_options(**{_UNLIMITED: True})
            with self._turn(), unlimited.begin() as conn:
                yield conn
            return
        with self.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(sa.text("SET statement_timeout = 0"))
            try:
                yield conn
            finally:
                conn.execute(sa.text("RESET statement_timeout"))

    def _sqlite_deadline(self, conn: Connection, *_: Any) -> None:
        """Give the statement about to run its deadline (the progress handler reads it)."""
        unlimited = conn.get_execution_options().get(_UNLIMITED, False)
        limit = math.inf if unlimited else time.monotonic() + self.statement_seconds
        conn.connection.info["deadline"][0] = limit

    def _timed_out(self, context: sa.engine.ExceptionContext) -> Exception | None:
        """A statement the limit stopped, said so (either database's own words are cryptic:
        `interrupted`, `canceling statement due to statement timeout`)."""
        original = context.original_exception
        stopped = isinstance(original, psycopg.errors.QueryCanceled) or (
            isinstance(original, sqlite3.OperationalError) and str(original) == "interrupted"
        )
        if not stopped:
            return None
        cancel = _CANCEL.get()
        if cancel is not None and cancel.cancelled:
            return StatementCancelled("the client went away: the query was stopped")
        return StatementTimeout(
            f"the database stopped the query after {self.statement_seconds:g} s, the server's "
            "limit: narrow it, or index the paths it filters and sorts on"
        )

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema up to the newest migration (or `revision`, for tests of a
        migration). Safe to run at every start, and from several processes at once (uvicorn
        workers): they take turns under a lock."""
        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        unlimited = self._writer.execution_options(**{_UNLIMITED: True})
        with unlimited.begin() as conn:  # SQLite: BEGIN IMMEDIATE takes the write lock
            if self.dialect == "postgresql":
                conn.execute(sa.text("SET LOCAL statement_timeout = 0"))
                conn.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                )
            config.attributes["connection"] = conn
            command.upgrade(config, revision)

    def dispose(self) -> None:
        self.engine.dispose()


def _refuse_if_cancelled(*_: Any) -> None:
    """A statement about to start for a request whose client has gone does not start: a
    cancel that came between two statements (an interrupt then stops nothing) still holds."""
    cancel = _CANCEL.get()
    if cancel is not None and cancel.cancelled:
        raise StatementCancelled("the client went away: the query was stopped")


@contextmanager
def _cancellable(conn: Connection) -> Iterator[None]:
    """Let the request's StatementCancel (if it runs under one) stop this connection's work."""
    cancel = _CANCEL.get()
    if cancel is None:
        yield
        return
    with cancel.holding(conn.connection.driver_connection):
        yield


class _SQLiteHinting(SQLiteCompiler):
    def get_from_hint_text(self, table: Any, text: str | None) -> str | None:
        return text


def _sqlite_connect(dbapi_conn: sqlite3.Connection, record: Any) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
    deadline = [math.inf]  # set per statement by Database._sqlite_deadline
    record.info["deadline"] = deadline
    dbapi_conn.set_progress_handler(lambda: time.monotonic() > deadline[0], _PROGRESS_STEPS)
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
