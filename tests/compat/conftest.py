"""The real server over HTTP (SQLite and PostgreSQL) and a runner for pyqalx scripts.

Each script in `scripts/` runs in a subprocess with the pyqalx venv's python (see
`pyqalx_env.py`), configured only through environment variables, with HOME pointed at an
empty directory of the test's own, so that no real `~/.qalx` is ever read. A script prints
one JSON document on its last line of stdout; a script that raises exits non-zero and fails
the test with its traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest

from qalx_server.auth.admin import create_user
from tests.compat import pyqalx_env
from tests.support.servers import BACKENDS, LiveServer, live_server

SCRIPTS = Path(__file__).parent / "scripts"
SCRIPT_TIMEOUT = 90.0
"""pyqalx sets no timeout on any request and retries 5xx answers; this bounds a hung script."""


class ScriptFailed(AssertionError):
    """A pyqalx script exited non-zero (its stderr carries pyqalx's exception)."""


@attrs.frozen
class Pyqalx:
    """Runs pyqalx scripts as one user of one fresh company: with pyqalx 0.19.2 itself, or
    (client "qalx") with our SDK, the script's imports rewritten by qalx's published mapping
    and nothing else changed."""

    python: Path
    live: LiveServer
    company: str
    token: str
    home: Path
    client: str = "pyqalx"

    def script_path(self, script: str) -> Path:
        path = SCRIPTS / script
        assert path.is_file(), path
        if self.client == "pyqalx":
            return path
        from qalx import rewrite_pyqalx_imports

        rewritten = self.home.parent / "qalx-scripts" / script
        rewritten.parent.mkdir(exist_ok=True)
        rewritten.write_text(rewrite_pyqalx_imports(path.read_text()))
        return rewritten

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """Only what a user would set: no variable of the test process leaks through."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "QALX_USER_BASE_URL": self.live.base_url,
            "QALX_USER_TOKEN": self.token,
        }
        env.update(extra or {})
        return env

    def run_raw(
        self, script: str, *args: str, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        path = self.script_path(script)
        return subprocess.run(
            # -I: no user site, no PYTHON* variables, and not the script's own directory on
            # sys.path (so a script named like a module shadows nothing); -B: no .pyc files.
            [str(self.python), "-I", "-B", str(path), *args],
            capture_output=True,
            text=True,
            env=dict(env) if env is not None else self.env(),
            cwd=self.home,
            timeout=SCRIPT_TIMEOUT,
        )

    def run(self, script: str, *args: str, env: Mapping[str, str] | None = None) -> Any:
        """Run `script` with `args`; return the JSON it printed last."""
        done = self.run_raw(script, *args, env=env)
        if done.returncode != 0:
            raise ScriptFailed(
                f"{script} on {self.live.backend} exited {done.returncode}\n"
                f"--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}"
            )
        lines = done.stdout.strip().splitlines()
        assert lines, f"{script} printed nothing; stderr:\n{done.stderr}"
        return json.loads(lines[-1])


@pytest.fixture(scope="session")
def pyqalx_python() -> Path:
    """Built once (about 20 s on a fresh machine), then reused from `.venv-pyqalx`."""
    return pyqalx_env.ensure()


@pytest.fixture(scope="session", params=BACKENDS)
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    data_dir: Path = tmp_path_factory.mktemp(f"compat-server-{request.param}")
    with live_server(request.param, data_dir) as server:
        yield server


def make_pyqalx(python: Path, live: LiveServer, home: Path, client: str = "pyqalx") -> Pyqalx:
    company = f"compat-{uuid.uuid4().hex[:8]}"
    user = create_user(live.server.db, company, f"{company}@example.com")
    home.mkdir(parents=True, exist_ok=True)
    if client == "qalx":
        python = Path(sys.executable)
    return Pyqalx(python, live, company, user.token, home, client)


@pytest.fixture
def client() -> str:
    """Which library runs the scripts; modules whose scripts need no bot run both."""
    return "pyqalx"


@pytest.fixture
def pyqalx(pyqalx_python: Path, live: LiveServer, tmp_path: Path, client: str) -> Pyqalx:
    """A fresh company with one user, and an empty HOME for its scripts."""
    return make_pyqalx(pyqalx_python, live, tmp_path / "home", client)


@pytest.fixture
def other_pyqalx(pyqalx_python: Path, live: LiveServer, tmp_path: Path, client: str) -> Pyqalx:
    """A second, unrelated company on the same server."""
    return make_pyqalx(pyqalx_python, live, tmp_path / "other-home", client)
