"""`make bench`'s harness in its quick form, so it keeps working: every benchmark runs, against
the real server and the real pyqalx, and the gathered table names every goal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT = 900.0
"""A bound on a hung benchmark, never a timing check."""


@pytest.mark.slow
def test_the_quick_bench_gathers_every_goal(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": str(tmp_path),
            "QALX_BENCH_RESULTS": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    gathered = json.loads((tmp_path / "quick.json").read_text())
    assert gathered["quick"] is True and gathered["machine"]["cpus"]
    numbers = sorted({row["what"].split(".")[0] for row in gathered["goals"]})
    assert numbers == ["1", "2", "3", "4", "5", "6", "7"]
    assert all(row["goal"] for row in gathered["goals"] if row["met"] is not None)
    for script in ("bot_vs_pyqalx", "sdk_vs_pyqalx", "server_throughput", "queries"):
        assert (tmp_path / f"{script}.md").exists(), script
    table = (tmp_path / "quick.md").read_text()
    assert "| measurement | qalx |" in table and "guid $in of 100" in table
