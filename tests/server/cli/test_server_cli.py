"""`qalx server ...` end to end: init writes a profile, start serves it, admin commands work."""

from __future__ import annotations

import configparser
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from qalx.cli import main
from tests.support.live import free_port
from tests.support.postgres import throwaway_database


def run(*args: str, home: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"HOME": str(home)}, catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def test_init_creates_user_and_writes_the_local_profile(home: Path, tmp_path: Path) -> None:
    config = home / ".qalx"
    config.parent.mkdir(parents=True)
    config.write_text("[default]\nBASE_URL = https://api.qalx.net/\nTOKEN = keep-me\n")
    code, out = run(
        "server", "init", "--data-dir", str(tmp_path / "data"), "--port", "8123", home=home
    )
    assert code == 0, out
    parser = configparser.ConfigParser()
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(config)
    assert parser["local"]["BASE_URL"] == "http://127.0.0.1:8123/"
    assert parser["local"]["TOKEN"].startswith("qalx_")
    assert parser["local"]["TOKEN"] in out
    assert parser["default"]["TOKEN"] == "keep-me"  # other profiles untouched
    assert (config.stat().st_mode & 0o777) == 0o600

    again, message = run("server", "init", "--data-dir", str(tmp_path / "data"), home=home)
    assert again != 0 and "already exists" in message


def test_user_and_token_admin(home: Path, tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    assert (
        run(
            "server",
            "user",
            "add",
            "eng@acme.test",
            "--company",
            "acme",
            "--data-dir",
            data,
            home=home,
        )[0]
        == 0
    )
    code, token = run(
        "server", "token", "create", "eng@acme.test", "--label", "ci", "--data-dir", data, home=home
    )
    assert code == 0 and token.strip().startswith("qalx_")
    _, listing = run(
        "server", "token", "list", "--email", "eng@acme.test", "--data-dir", data, home=home
    )
    assert listing.count("eng@acme.test") == 2 and "ci" in listing
    _, users = run("server", "user", "list", "--data-dir", data, home=home)
    assert "acme\teng@acme.test" in users
    code, _ = run("server", "token", "revoke", token.strip()[:12], "--data-dir", data, home=home)
    assert code == 0
    _, listing = run(
        "server", "token", "list", "--email", "eng@acme.test", "--data-dir", data, home=home
    )
    assert "revoked" in listing
    code, message = run("server", "token", "revoke", "short", "--data-dir", data, home=home)
    assert code != 0 and "8 characters" in message


@pytest.fixture
def started(home: Path, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`qalx server init` then `qalx server start` as a real process, as a user would."""
    port = free_port()
    data = tmp_path / "data"
    env = {**os.environ, "HOME": str(home)}
    qalx = [sys.executable, "-c", "from qalx.cli import main; main()"]
    subprocess.run(
        [*qalx, "server", "init", "--data-dir", str(data), "--port", str(port)],
        env=env,
        check=True,
        capture_output=True,
    )
    parser = configparser.ConfigParser()
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(home / ".qalx")
    process = subprocess.Popen(
        [
            *qalx,
            "server",
            "start",
            "--data-dir",
            str(data),
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = parser["local"]["BASE_URL"]
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(base + "health", timeout=0.5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("qalx server start did not come up") from None
                time.sleep(0.1)
        yield base, parser["local"]["TOKEN"]
    finally:
        process.terminate()
        process.wait(10)


def test_start_serves_the_api_its_spec_and_docs(started: tuple[str, str]) -> None:
    base, token = started
    assert httpx.get(base + "health").json()["status"] == "ok"
    headers = {"Authorization": f"Token {token}"}
    created = httpx.post(base + "item", json={"data": {"x": 1}}, headers=headers)
    assert created.status_code == 201
    assert httpx.get(base + "item?total=true", headers=headers).json()["query"]["total"] == 1
    spec = httpx.get(base + "openapi.yaml")
    assert spec.status_code == 200 and "openapi: 3.0.3" in spec.text
    docs = httpx.get(base + "docs")
    assert docs.status_code == 200 and "openapi.yaml" in docs.text


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_index_admin(home: Path, tmp_path: Path, backend: str) -> None:
    """`qalx server index add|list|drop`: declared per company, refused with a message that
    names the problem, and gone from the database with the last declaration."""
    with contextlib.ExitStack() as stack:
        where = ["--data-dir", str(tmp_path / "data")]
        if backend == "postgresql":
            where += ["--database-url", stack.enter_context(throwaway_database("qalx_cli_index"))]
        for email, company in (("a@acme.test", "acme"), ("b@other.test", "other")):
            assert (
                run("server", "user", "add", email, "--company", company, *where, home=home)[0] == 0
            )
        code, out = run(
            "server", "index", "add", "item", "data.x", "--company", "acme", *where, home=home
        )
        assert code == 0 and "data.x" in out, out
        code, out = run(
            "server",
            "index",
            "add",
            "item",
            "metadata.data.grade",
            "--company",
            "other",
            *where,
            home=home,
        )
        assert code == 0 and "meta.grade" in out, out
        _, listed = run("server", "index", "list", *where, home=home)
        assert listed.splitlines() == ["acme\titem\tdata.x", "other\titem\tmeta.grade"]
        _, mine = run("server", "index", "list", "--company", "acme", *where, home=home)
        assert mine.splitlines() == ["acme\titem\tdata.x"]

        code, out = run(
            "server", "index", "add", "item", "data.0", "--company", "acme", *where, home=home
        )
        assert code != 0 and "array position" in out
        code, out = run(
            "server", "index", "add", "widget", "data.x", "--company", "acme", *where, home=home
        )
        assert code != 0 and "unknown entity type 'widget'" in out
        code, out = run(
            "server", "index", "add", "item", "data.x", "--company", "nobody", *where, home=home
        )
        assert code != 0 and "no company named 'nobody'" in out
        code, out = run(
            "server", "index", "drop", "item", "data.y", "--company", "acme", *where, home=home
        )
        assert code != 0 and "data.y" in out

        code, _ = run(
            "server", "index", "drop", "item", "data.x", "--company", "acme", *where, home=home
        )
        assert code == 0
        _, listed = run("server", "index", "list", *where, home=home)
        assert listed.splitlines() == ["other\titem\tmeta.grade"]
