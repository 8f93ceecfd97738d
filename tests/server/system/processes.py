"""Real `qalx server start` processes, and what a bot does with the queue entities they serve.

A `ServerProcess` is the server exactly as a user runs it (`qalx server start --data-dir D
[--database-url URL] --port P`), in its own process, so that it can be killed with SIGKILL and
started again on the same data. Its output goes to a log file in the data directory's parent,
shown when a test fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import httpx
import sqlalchemy as sa

from qalx_server.auth.admin import create_user
from qalx_server.store.database import Database
from qalx_server.store.tables import companies
from tests.support.live import free_port

START_TIMEOUT = 30.0
QALX = [sys.executable, "-c", "from qalx.cli import main; main()"]


@attrs.define
class ServerProcess:
    """One `qalx server start` process; `start()` again after `kill9()` reuses data and port."""

    data_dir: Path
    database_url: str | None = None
    port: int = attrs.field(factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def resolved_database_url(self) -> str:
        """The database the server uses (by default SQLite in its data directory)."""
        return self.database_url or f"sqlite:///{self.data_dir / 'qalx.db'}"

    @property
    def log_path(self) -> Path:
        return self.data_dir.parent / f"server-{self.port}.log"

    def start(self) -> None:
        assert self.process is None, "already running"
        command = [*QALX, "server", "start", "--data-dir", str(self.data_dir)]
        if self.database_url is not None:
            command += ["--database-url", self.database_url]
        command += ["--port", str(self.port), "--log-level", "warning"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("QALX_SERVER_")}
        self.starts += 1
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"---- start {self.starts}: {' '.join(command[3:])}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                self.process = None
                raise RuntimeError(f"the server exited at start-up:\n{self.log()}")
            try:
                if httpx.get(self.base_url + "openapi.yaml", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not answer within {START_TIMEOUT} s")
            time.sleep(0.05)

    def kill9(self) -> None:
        """SIGKILL: no shutdown, no flushing, no rollback but the database's own."""
        assert self.process is not None, "not running"
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(10) == -signal.SIGKILL
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except FileNotFoundError:
            return ""


@contextmanager
def running(data_dir: Path, database_url: str | None = None) -> Iterator[ServerProcess]:
    server = ServerProcess(data_dir, database_url)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@attrs.frozen
class Company:
    """A company with one user, as `qalx server user add` makes it."""

    name: str
    id: int
    guid: str
    token: str


def add_company(database_url: str) -> Company:
    """A new company and user straight in the server's database (as the CLI does)."""
    name = f"co-{uuid.uuid4().hex[:8]}"
    db = Database(database_url)
    try:
        user = create_user(db, name, f"{name}@example.com")
        with db.read() as conn:
            row = conn.execute(
                sa.select(companies.c.id, companies.c.guid).where(companies.c.name == name)
            ).one()
    finally:
        db.dispose()
    return Company(name, int(row.id), str(row.guid), user.token)


@attrs.frozen
class QueueEntity:
    guid: str
    info: dict[str, Any]

    @property
    def url(self) -> str:
        url: str = self.info["queue_url"]
        return url


def create_queue_entity(
    base_url: str, token: str, name: str, *, visibility_timeout: int, max_receive_count: int = 5
) -> QueueEntity:
    """`POST queue`, as pyqalx's `Queue.add` does; the entity's guid and info."""
    body = {
        "name": name,
        "meta": {},
        "tags": [],
        "parameters": {
            "VisibilityTimeout": visibility_timeout,
            "maxReceiveCount": max_receive_count,
        },
    }
    answer = httpx.post(
        base_url + "queue", json=body, headers={"Authorization": f"Token {token}"}, timeout=30
    )
    assert answer.status_code == 201, answer.text
    created = answer.json()
    return QueueEntity(created["guid"]["$uuid"], created["info"])


def get_queue_entity(base_url: str, token: str, guid: str) -> QueueEntity:
    """`GET queue/{guid}`: the queue as this server hands it out, with fresh credentials."""
    answer = httpx.get(
        f"{base_url}queue/{guid}", headers={"Authorization": f"Token {token}"}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    return QueueEntity(guid, answer.json()["info"])
