"""Every SDK test runs with a home directory of its own and no qalx settings in the
environment, so real files are read and written and nothing of the machine's leaks in."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.home import fresh_home


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return fresh_home(tmp_path, monkeypatch)


@pytest.fixture(autouse=True)
def no_qalx_loggers() -> Iterator[None]:
    """Loggers are process-wide: forget those a test made (closing their files)."""
    yield
    registry = logging.root.manager.loggerDict
    for name in [n for n in registry if n == "qalx" or n.startswith("qalx.")]:
        found = registry.pop(name)
        if isinstance(found, logging.Logger):
            for handler in list(found.handlers):
                found.removeHandler(handler)
                handler.close()
