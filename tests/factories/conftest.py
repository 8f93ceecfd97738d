"""Factories against the real server: the CLI tests' fixtures (tests/support/cli.py), a
session of a fresh company, and a FACTORY_PACK_DIR of the test's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from qalx import QalxSession
from qalx.factories import Factory
from tests.support.cli import Company, company, home, live, no_qalx_loggers

__all__ = ["company", "home", "live", "no_qalx_loggers"]


@pytest.fixture
def pack_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    path = tmp_path / "packs"
    monkeypatch.setenv("QALX_USER_FACTORY_PACK_DIR", str(path))
    return path


@pytest.fixture
def session(company: Company, pack_dir: Path) -> QalxSession:
    return company.session()


@pytest.fixture
def factory(session: QalxSession) -> Factory:
    return Factory(session)
