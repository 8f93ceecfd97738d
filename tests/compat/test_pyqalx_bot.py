"""A bot written for pyqalx runs on qalx with only its imports rewritten by the published
mapping (`qalx.rewrite_pyqalx_imports`), and does what it does on pyqalx 0.19.2 itself: the
same script, the same server, the same answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compat.conftest import Pyqalx, make_pyqalx
from tests.support.servers import LiveServer

BEAMS = {f"B{n}": (1000.0 * (n + 1), 0.5 + n / 4) for n in range(6)}
"""The script's beams (name: force, area), written out again here to check its results."""


def _bot_env(pyqalx: Pyqalx) -> dict[str, str]:
    return pyqalx.env(
        {
            # pyqalx finds a self-hosted broker through boto3's endpoint variable; qalx from
            # the queue entity (and ignores it)
            "AWS_ENDPOINT_URL_SQS": pyqalx.live.base_url + "sqs",
            "QALX_BOT_BASE_URL": pyqalx.live.base_url,
            "QALX_BOT_MSG_WAITTIMESECONDS": "1",
            "QALX_BOT_Q_WAITTIMESECONDS": "1",
            "QALX_BOT_KILL_AFTER": "2",
            "QALX_BOT_WORKER_LOG_FILE_DIR": str(pyqalx.home / "logs"),
        }
    )


@pytest.mark.slow
@pytest.mark.parametrize("client", ["pyqalx", "qalx"])
def test_a_pyqalx_bot_runs_on_either_library(
    pyqalx_python: Path, live: LiveServer, tmp_path: Path, client: str
) -> None:
    user = make_pyqalx(pyqalx_python, live, tmp_path / "home", client)
    if client == "qalx":  # only the imports differ
        source = (Path(__file__).parent / "scripts" / "user_bot.py").read_text()
        rewritten = user.script_path("user_bot.py").read_text()
        changed = [
            (before, after)
            for before, after in zip(source.splitlines(), rewritten.splitlines(), strict=True)
            if before != after
        ]
        assert len(changed) == 2
        assert all(before.startswith("from pyqalx") for before, _ in changed)
    out = user.run("user_bot.py", f"beams-{client}", env=_bot_env(user))

    stress = {name: force / area for name, (force, area) in BEAMS.items()}
    assert out["stress"] == pytest.approx(stress)
    assert out["by_stress"] == sorted(stress, key=lambda name: -stress[name])
    assert out["logs"] == ["item"] * 6 + ["set"]  # every job, once each
    assert out["log_creator"] == ["bot"]  # what a bot does is recorded as done by the bot
    assert out["set_class"] == "beams.assembly"
    assert out["set_members"] == ["left", "right"]
