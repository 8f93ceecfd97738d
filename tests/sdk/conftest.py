"""Every SDK test runs with a home directory of its own and no qalx settings in the
environment, so real files are read and written and nothing of the machine's leaks in."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in list(os.environ):
        if name.startswith(("QALX_", "XDG_")):
            monkeypatch.delenv(name)
    return home


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
