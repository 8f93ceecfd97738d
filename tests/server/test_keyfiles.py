"""Secret key files: created once (mode 0600, no temporary left behind), then read back."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from qalx_server.keyfiles import load_or_create_secret


def test_load_or_create_secret(tmp_path: Path) -> None:
    path = tmp_path / "data" / "file-signing.key"
    secret = load_or_create_secret(path)
    assert len(secret) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_secret(path) == secret
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left behind
    path.write_bytes(b"tiny")
    with pytest.raises(ValueError, match="shorter"):
        load_or_create_secret(path)
