"""The qalx SDK against the real pyqalx 0.19.2, side by side in one run, on one server.

Goals (issue 7): `item.get` and `item.add` ops/s at least 1.3 times pyqalx's; `add_many` of
10,000 data items at least 3 times as fast; `import qalx` at most 0.2 s and 40 MB peak RSS;
a one-shot script (start, one `item.get`, exit) at least 2.5 times as fast as with pyqalx.

The server runs once (uvicorn, SQLite, or PostgreSQL with --postgres); every figure comes from
a fresh client process (bench/sdk_client.py) run with the project's venv for qalx and with
`.venv-pyqalx` for pyqalx, the two alternating round by round; medians are compared.
Results go to bench/results/sdk_vs_pyqalx.{json,md}.

    python bench/sdk_vs_pyqalx.py [--rounds 5] [--postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.server_throughput import ITEM, bench_user, uvicorn  # noqa: E402
from tests.compat import pyqalx_env  # noqa: E402

RESULTS = Path(os.environ.get("QALX_BENCH_RESULTS") or ROOT / "bench" / "results")
"""Where the report goes (bench/run.py --quick sends it elsewhere)."""
CLIENT = ROOT / "bench" / "sdk_client.py"

# (measurement, count per run, the figure compared, goal ratio qalx/pyqalx or absolute goals)
MEASUREMENTS: list[tuple[str, int, str, float]] = [
    ("get", 400, "ops_per_second", 1.3),
    ("add", 200, "ops_per_second", 1.3),
    ("add_many", 10_000, "seconds", 3.0),
    ("import", 0, "seconds", 0.0),
    ("oneshot", 0, "seconds", 2.5),
]
QUICK_DIVISOR = 20


def seed(base: str, token: str) -> str:
    created = httpx.post(base + "item", json=ITEM, headers={"Authorization": f"Token {token}"})
    created.raise_for_status()
    guid: str = created.json()["guid"]["$uuid"]
    return guid


def run(
    python: Path, library: str, what: str, guid: str, count: int, env: dict[str, str]
) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(python), str(CLIENT), library, what, guid, str(count)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{library} {what} failed:\n{done.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["process_wall_seconds"] = wall
    return figures


def measure(database_url: str, data_dir: Path, rounds: int, quick: bool = False) -> dict[str, Any]:
    token = bench_user(database_url, data_dir)
    pythons = {"qalx": Path(sys.executable), "pyqalx": pyqalx_env.ensure()}
    server_env = {"QALX_SERVER_DATA_DIR": str(data_dir), "QALX_SERVER_DATABASE_URL": database_url}
    figures: dict[str, dict[str, list[float]]] = {}
    with uvicorn("qalx_server.app:app_from_env", server_env) as base:
        guid = seed(base, token)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(data_dir),
            "QALX_USER_BASE_URL": base,
            "QALX_USER_TOKEN": token,
        }
        for _ in range(rounds):
            for what, count, figure, _goal in MEASUREMENTS:
                count = max(1, count // QUICK_DIVISOR) if quick and count else count
                for library, python in pythons.items():
                    result = run(python, library, what, guid, count, env)
                    key = "process_wall_seconds" if what == "oneshot" else figure
                    per = figures.setdefault(what, {}).setdefault(library, [])
                    per.append(result[key])
                    if what == "import":
                        figures.setdefault("import_peak_rss_mib", {}).setdefault(
                            library, []
                        ).append(result["peak_rss_mib"])
    return {"database": database_url.split(":")[0], "runs": figures, "summary": summarise(figures)}


def summarise(figures: dict[str, dict[str, list[float]]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for what, _count, figure, goal in MEASUREMENTS:
        ours = statistics.median(figures[what]["qalx"])
        theirs = statistics.median(figures[what]["pyqalx"])
        faster = ours / theirs if figure == "ops_per_second" else theirs / ours
        row: dict[str, Any] = {
            "qalx": round(ours, 4),
            "pyqalx": round(theirs, 4),
            "unit": "ops/s" if figure == "ops_per_second" else "s",
            "qalx_faster_by": round(faster, 2),
        }
        if what == "import":
            rss = statistics.median(figures["import_peak_rss_mib"]["qalx"])
            row["qalx_peak_rss_mib"] = round(rss, 1)
            row["pyqalx_peak_rss_mib"] = round(
                statistics.median(figures["import_peak_rss_mib"]["pyqalx"]), 1
            )
            row["goal"] = "<= 0.2 s and <= 40 MiB"
            row["met"] = ours <= 0.2 and rss <= 40
        else:
            row["goal"] = f">= {goal}x pyqalx"
            row["met"] = faster >= goal
        out[what] = row
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", action="store_true", help="also measure on PostgreSQL")
    parser.add_argument("--quick", action="store_true", help="a twentieth of each count (smoke)")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="qalx-bench-sdk-") as tmp:
        results.append(measure(f"sqlite:///{tmp}/qalx.db", Path(tmp), args.rounds, args.quick))
    if args.postgres:
        from tests.support.postgres import throwaway_database

        with throwaway_database("qalx_bench_sdk") as url, tempfile.TemporaryDirectory() as tmp:
            results.append(measure(url, Path(tmp), args.rounds, args.quick))
    report = {
        "benchmark": "qalx SDK vs pyqalx 0.19.2, fresh client processes, one server",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "settings": vars(args),
        "results": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "sdk_vs_pyqalx.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [
        "# qalx SDK vs pyqalx 0.19.2",
        "",
        f"{report['machine']['cpus']} CPUs, Python {report['machine']['python']}, "
        f"{args.rounds} alternating rounds, medians.",
        "",
        "| database | measurement | qalx | pyqalx | qalx faster by | goal | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for what, row in result["summary"].items():
            extra = (
                f" ({row['qalx_peak_rss_mib']} MiB vs {row['pyqalx_peak_rss_mib']} MiB peak)"
                if what == "import"
                else ""
            )
            lines.append(
                f"| {result['database']} | {what} | {row['qalx']} {row['unit']}{extra} | "
                f"{row['pyqalx']} {row['unit']} | {row['qalx_faster_by']}x | {row['goal']} | "
                f"{'yes' if row['met'] else 'NO'} |"
            )
    (RESULTS / "sdk_vs_pyqalx.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
