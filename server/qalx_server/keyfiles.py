"""Secret keys kept in files of the data directory (signed file URLs, the broker's secret).

Shared by every process serving the same data directory, so each must end up with the same
bytes however many start at once.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

MIN_SECRET_BYTES = 16
SECRET_BYTES = 32


def load_or_create_secret(path: Path) -> bytes:
    """Read the secret at ``path``, creating a random one (mode 0600) if absent.

    Creation writes a temporary file and hard-links it into place, so concurrent server
    processes all end up with the same complete secret.
    """
    try:
        secret = path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(SECRET_BYTES))
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another process won: use its secret
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        secret = path.read_bytes()
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the secret in {path} is shorter than {MIN_SECRET_BYTES} bytes")
    return secret
