"""The SDK's types are precise for a downstream project: mypy --strict passes the sample in
tests/typing_sample, and rejects code that gets those types wrong (so they are not Any);
the generated client's too (it ships `py.typed`, or its imports would be untyped)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "typing_sample"

WRONG = """\
from uuid import UUID

from qalx import Item, QalxListEntity, QalxSession, Queue, QueueMessage
from qalx_api_client import Client
from qalx_api_client.api.health import get_health


def wrong(session: QalxSession, guid: UUID, queue: Queue) -> None:
    a: str = session.item.get(guid)  # WRONG: "Item", variable has type "str"
    b: Item = session.queue.get_or_create("jobs")  # WRONG: "Queue", variable has type "Item"
    c: Item = session.item.find()  # WRONG: "QalxListEntity[Item]", variable has type "Item"
    d: QalxListEntity[Queue] = session.item.find()  # WRONG: "QalxListEntity[Item]"
    e: str = session.item.find(many=False)  # WRONG: "Item", variable has type "str"
    f: str = session.item.get(guid).guid  # WRONG: "UUID", variable has type "str"
    g: list[str] = queue.get_messages(1, 30, 20)  # WRONG: "list[QueueMessage]"
    h: QueueMessage = queue.get_messages(1, 30, 20)  # WRONG: "list[QueueMessage]"
    for row in session.item.find_all():
        i: Queue = row  # WRONG: "Item", variable has type "Queue"
    j: Item = session.set.get(guid)  # WRONG: _types.Set", variable has type "Item"
    k: Item = session.bot.replace_workers(session.bot.get(guid), 2)  # WRONG: "Bot"
    session.item.get(guid, fields=3)  # WRONG: "fields" to "get" of "QalxItem"
    session.worker.get_signal(session.worker.get(guid, guid), guid).stop()  # WRONG: not callable
    reveal_type(session.item.get(guid))  # WRONG: Revealed type is "qalx.entities._types.Item"
    m: str = get_health.sync(client=Client("http://x"))  # WRONG: "Error | Health | None"
"""


def run_mypy(cache: Path, *targets: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(cache),
            "--no-color-output",
            "--no-error-summary",
            "--show-error-codes",
            *map(str, targets),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


def test_sample_passes_mypy_strict(mypy_cache: Path) -> None:
    result = run_mypy(mypy_cache, SAMPLE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_wrong_types_are_caught(mypy_cache: Path, tmp_path: Path) -> None:
    snippet = tmp_path / "wrong_use.py"
    snippet.write_text(textwrap.dedent(WRONG))
    result = run_mypy(mypy_cache, snippet)
    assert result.returncode == 1, result.stdout + result.stderr
    reported: dict[int, list[str]] = {}
    for line in result.stdout.splitlines():
        found = re.match(r".*wrong_use\.py:(\d+): (error|note): (.*)", line)
        assert found, f"unexpected mypy output: {line}"
        reported.setdefault(int(found[1]), []).append(found[3])
    expected = {
        number: text.split("# WRONG: ", 1)[1]
        for number, text in enumerate(WRONG.splitlines(), start=1)
        if "# WRONG: " in text
    }
    assert set(reported) == set(expected), result.stdout
    for number, fragment in expected.items():
        messages = " | ".join(reported[number])
        if fragment == "not callable":
            assert '"bool" not callable' in messages, messages
        else:
            assert fragment in messages, f"line {number}: {messages}"
