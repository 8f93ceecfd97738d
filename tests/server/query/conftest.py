"""Fixtures for the query-engine tests: real SQLite and PostgreSQL tables.

PostgreSQL is the machine's server, in a throwaway database for the session
(tests.support.postgres); it is never skipped: without it these tests fail.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine

from qalx_server.store.query import install_on_engine
from tests.server.query.query_support import DocTable, make_table
from tests.support.postgres import throwaway_database


@pytest.fixture(scope="session")
def sqlite_table(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DocTable]:
    path = tmp_path_factory.mktemp("qdb") / "query.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    install_on_engine(engine)
    yield make_table(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def pg_table() -> Iterator[DocTable]:
    with throwaway_database("qalx_query_test") as url:
        engine = create_engine(url)
        try:
            yield make_table(engine)
        finally:
            engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def doc_table(request: pytest.FixtureRequest) -> DocTable:
    name = "sqlite_table" if request.param == "sqlite" else "pg_table"
    table: DocTable = request.getfixturevalue(name)
    return table
