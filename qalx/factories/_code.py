"""A packed bot's code as build stores it (runtime-contract §6.2 step 4): its hash and zip."""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

SKIPPED_DIRS = frozenset({".git", "__pycache__"})
"""Left out of the hash and the zip: git's own files differ on every clone (so a url bot's
hash, and the environment keyed by it, would never repeat), and neither is the bot's code."""


def code_files(directory: Path) -> Iterator[Path]:
    """Every file under `directory` but those in `SKIPPED_DIRS`, in a stable order."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            yield Path(root, name)


def code_hash(directory: Path) -> str:
    """md5 over the sorted md5s of the files (pyqalx's `md5_hash`): the same code, the same
    hash, wherever it was packed."""
    digests = sorted(hashlib.md5(path.read_bytes()).hexdigest() for path in code_files(directory))
    return hashlib.md5("".join(digests).encode()).hexdigest()


def zip_code(directory: Path, target: Path) -> Path:
    """`directory` zipped to `target`, paths relative to `directory`."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in code_files(directory):
            archive.write(path, path.relative_to(directory).as_posix())
    return target
