"""The real qalx server, served over HTTP on SQLite or on a throwaway PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from qalx_server.app import QalxServer, create_app
from qalx_server.settings import Settings

from .live import serve
from .postgres import throwaway_database

BACKENDS = ["sqlite", "postgresql"]


@attrs.frozen
class LiveServer:
    base_url: str
    server: QalxServer
    backend: str


@contextmanager
def database_url(backend: str, data_dir: Path) -> Iterator[str]:
    if backend == "postgresql":
        with throwaway_database() as url:
            yield url
    else:
        yield f"sqlite:///{data_dir / 'qalx.db'}"


@contextmanager
def live_server(
    backend: str, data_dir: Path, *, lifespan: bool = False, **settings: Any
) -> Iterator[LiveServer]:
    """The server with its answers checked against the spec, until the block ends (with
    `lifespan`, its background work runs too: see `serve`)."""
    with (
        database_url(backend, data_dir) as url,
        live_server_on(url, backend, data_dir, lifespan=lifespan, **settings) as live,
    ):
        yield live


@contextmanager
def live_server_on(
    url: str, backend: str, data_dir: Path, *, lifespan: bool = False, **settings: Any
) -> Iterator[LiveServer]:
    """`live_server` on a database that outlives it (several servers may share one)."""
    options = {"validate_responses": True, **settings}
    app = create_app(Settings(data_dir=data_dir, database_url=url, **options))
    server: QalxServer = app.state.qalx
    server.db.migrate()
    try:
        with serve(app, lifespan=lifespan) as base_url:
            yield LiveServer(base_url, server, backend)
    finally:
        server.close()
