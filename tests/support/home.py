"""An empty HOME for a test: no ~/.qalx, ~/.bots or cache of the machine's is ever read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`tmp_path/home` as HOME, with every QALX_* and XDG_* variable unset."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in list(os.environ):
        if name.startswith(("QALX_", "XDG_")):
            monkeypatch.delenv(name)
    return home
