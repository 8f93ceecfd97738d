"""Fixtures for the query-engine tests: real SQLite and PostgreSQL tables.

PostgreSQL uses the machine's server (127.0.0.1:5432, trust auth); a throwaway
database with a random name is created for the session and dropped at the end.
Set QALX_TEST_PG_URL to point at another server (a ``postgresql+psycopg`` URL
of a maintenance database), or QALX_TEST_NO_PG=1 to skip PostgreSQL.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from qalx_server.store.query import install_on_engine
from tests.server.query.query_support import DocTable, make_table

PG_ADMIN_URL = os.environ.get(
    "QALX_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def sqlite_table(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DocTable]:
    path = tmp_path_factory.mktemp("qdb") / "query.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    install_on_engine(engine)
    yield make_table(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def pg_table() -> Iterator[DocTable]:
    if os.environ.get("QALX_TEST_NO_PG"):
        pytest.skip("QALX_TEST_NO_PG is set")
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = "qalx_query_test_" + secrets.token_hex(6)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(make_url(PG_ADMIN_URL).set(database=name))
    try:
        yield make_table(engine)
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def doc_table(request: pytest.FixtureRequest) -> DocTable:
    name = "sqlite_table" if request.param == "sqlite" else "pg_table"
    table: DocTable = request.getfixturevalue(name)
    return table
