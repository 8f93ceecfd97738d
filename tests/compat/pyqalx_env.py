"""A separate virtualenv holding the real, unmodified pyqalx client from PyPI.

pyqalx cannot live in the project's own venv: it pins an old pyyaml (``==5.3.1``, which does
not build on current Pythons) and, through bson-extra, pymongo 3.12.2, whose ``bson`` package
would shadow anything else. So it gets its own venv at ``<repo>/.venv-pyqalx``, built once and
reused: a stamp file records what it was built from, and any change to that (this file's
requirement set, the interpreter) rebuilds it from scratch.

The requirement set is pyqalx 0.19.2's own metadata (``Requires-Dist``), installed explicitly
because pyqalx itself goes in with ``--no-deps``. One deliberate difference: pyyaml is taken
at a current release instead of the pinned 5.3.1. Another: setuptools, which pyqalx imports
(``pkg_resources``, in ``pyqalx/__version__.py``) without declaring it, is pinned below the
release that drops ``pkg_resources``.

Run ``python tests/compat/pyqalx_env.py`` to build (or check) the venv by hand.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_DIR = Path(os.environ.get("QALX_PYQALX_VENV", REPO_ROOT / ".venv-pyqalx"))
STAMP = VENV_DIR / ".compat-stamp.json"
BUILD_LOG = VENV_DIR / ".compat-build.log"

PYQALX = "pyqalx==0.19.2"
PYTHON_VERSION = (3, 11)

# pyqalx 0.19.2's Requires-Dist, less its extras (flaky, pip-licenses, sphinx), with pyyaml
# lifted off its 5.3.1 pin. bson-extra brings pymongo==3.12.2 (built from source on 3.11) and
# pytz through its own metadata.
DEPENDENCIES: tuple[str, ...] = (
    "addict>=2.4,<3.0",
    "appdirs>=1.4,<2.0",
    "boto3>=1.34,<2.0",
    "bson-extra>=0.0.4,<0.0.5",
    "click>=8.0,<9.0",
    "colorama>=0.4.3,<0.5.0",
    "cryptography>=42.0,<43.0",
    "deprecation>=2.0,<3.0",
    "dill>=0.3.3",
    "gitpython>=3.1,<4.0",
    "jsonschema>=4.21,<5.0",
    "pyyaml>=6.0,<7",
    "requests>=2.21,<3.0",
    "tabulate>=0.9,<0.10",
    "treelib>=1.6,<2.0",
    "troposphere>=4.7,<5.0",
    # Undeclared: pyqalx/__version__.py imports pkg_resources.
    "setuptools>=65,<81",
)

# Imported after the build, to prove the venv works before any test relies on it.
SMOKE = (
    "import importlib.metadata as m, pyqalx, bson_extra, pymongo, yaml; "
    "from pyqalx import QalxSession; "
    "assert m.version('pyqalx') == '0.19.2', m.version('pyqalx')"
)


class PyqalxEnvError(RuntimeError):
    """The pyqalx venv could not be built."""


def python_path() -> Path:
    return VENV_DIR / "bin" / "python"


def _base_python() -> str:
    """A Python 3.11 to build the venv from: QALX_PYQALX_PYTHON, this one, or python3.11."""
    chosen = os.environ.get("QALX_PYQALX_PYTHON")
    if chosen:
        return chosen
    if sys.version_info[:2] == PYTHON_VERSION:
        return sys.executable
    found = shutil.which("python{}.{}".format(*PYTHON_VERSION))
    if found is None:
        raise PyqalxEnvError(
            "the pyqalx venv needs Python {}.{}: none found (set QALX_PYQALX_PYTHON)".format(
                *PYTHON_VERSION
            )
        )
    return found


def _wanted(base_python: str) -> dict[str, object]:
    version = subprocess.run(
        [base_python, "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return {
        "pyqalx": PYQALX,
        "dependencies": sorted(DEPENDENCIES),
        "python": version,
        "smoke": SMOKE,
    }


def _read_stamp() -> dict[str, object] | None:
    try:
        loaded: object = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


@contextmanager
def _lock() -> Iterator[None]:
    """One builder at a time per venv path, across processes (pytest workers, other users)."""
    key = hashlib.sha256(str(VENV_DIR).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"qalx-pyqalx-venv-{key}.lock"
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(step: str, args: list[str], log: list[str]) -> None:
    log.append(f"$ {' '.join(args)}")
    done = subprocess.run(
        args, capture_output=True, text=True, env={**os.environ, "PIP_NO_INPUT": "1"}
    )
    log.append(done.stdout)
    log.append(done.stderr)
    if done.returncode != 0:
        BUILD_LOG.parent.mkdir(parents=True, exist_ok=True)
        BUILD_LOG.write_text("\n".join(log))
        lines = (done.stdout + "\n" + done.stderr).strip().splitlines()
        errors = [line for line in lines if line.startswith("ERROR")][:20]
        shown = "\n".join([*errors, "...", *lines[-15:]] if errors else lines[-30:])
        raise PyqalxEnvError(
            f"building the pyqalx venv at {VENV_DIR} failed at {step} "
            f"(exit {done.returncode}); full log in {BUILD_LOG}:\n{shown}"
        )


def _build(base_python: str, wanted: dict[str, object]) -> float:
    started = time.monotonic()
    if VENV_DIR.exists():
        shutil.rmtree(VENV_DIR)
    log: list[str] = []
    python = str(python_path())
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input"]
    _run("venv", [base_python, "-m", "venv", str(VENV_DIR)], log)
    _run("dependencies", [*pip, *DEPENDENCIES], log)
    _run("pyqalx", [*pip, "--no-deps", PYQALX], log)
    _run("smoke import", [python, "-c", SMOKE], log)
    BUILD_LOG.write_text("\n".join(log))
    seconds = time.monotonic() - started
    STAMP.write_text(json.dumps({**wanted, "built_in_seconds": round(seconds, 1)}, indent=2))
    return seconds


def ensure() -> Path:
    """The pyqalx venv's python, building the venv first if it is missing or out of date."""
    base_python = _base_python()
    wanted = _wanted(base_python)
    with _lock():
        stamp = _read_stamp()
        if stamp is not None and python_path().exists():
            stamp.pop("built_in_seconds", None)
            if stamp == wanted:
                return python_path()
        _build(base_python, wanted)
    return python_path()


if __name__ == "__main__":
    started = time.monotonic()
    print(ensure())
    print(f"ready in {time.monotonic() - started:.1f}s")
