"""`make bench`: every speed goal measured in one run, qalx beside pyqalx 0.19.2 (in its own venv)
against the same server, as ratios, with the machine noted.

Each figure comes from one benchmark script (each also runs alone, with more options: see
bench/README.md), run here with sizes that keep the whole under 10 minutes on a 2-core VM:

1. trivial-job bot throughput, 2 processes, qalx Bot vs pyqalx Bot   bot_vs_pyqalx.py
2. idle bot pickup latency p50/p95                                    bot_vs_pyqalx.py
3. `item.get` and `item.add` ops/s, sequential, one process           sdk_vs_pyqalx.py
4. `add_many` of 10,000 data items                                    sdk_vs_pyqalx.py
5. server `GET item` throughput vs a bare Starlette endpoint          server_throughput.py
6. queries over 10^4-10^5 items, SQLite and PostgreSQL, vs raw SQL   queries.py
7. `import qalx` time and RSS, and a one-shot script                  sdk_vs_pyqalx.py

Each script writes its own bench/results/<name>.{json,md}; this one gathers the goals into
bench/results/latest.{json,md}. `--quick` runs every script with tiny sizes (a smoke run that
keeps the harness working, in `make test-slow`; its figures mean nothing) and writes
quick.{json,md} and the scripts' reports to a temporary directory instead, leaving the real
results alone. QALX_BENCH_RESULTS names another directory for either.

    python bench/run.py [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _args(**options: object) -> list[str]:
    """Command-line options: `pickup_jobs=20` is `--pickup-jobs 20`, `postgres=True` a flag."""
    out: list[str] = []
    for name, value in options.items():
        out.append("--" + name.replace("_", "-"))
        if value is not True:
            out.append(str(value))
    return out


# (script, full arguments, quick arguments); the scripts' own defaults are larger still.
RUNS: list[tuple[str, list[str], list[str]]] = [
    (
        "bot_vs_pyqalx",
        _args(jobs=300, rounds=3, pickup_jobs=20, signal_runs=2, resume_cycles=2),
        _args(jobs=20, rounds=1, pickup_jobs=2, signal_runs=1, resume_cycles=1),
    ),
    ("sdk_vs_pyqalx", _args(rounds=3), _args(rounds=1, quick=True)),
    (
        "server_throughput",
        _args(seconds=5, rounds=3, postgres=True),
        _args(seconds=1, rounds=1, postgres=True),
    ),
    (
        "queries",
        _args(sizes="10000,100000", requests=5),
        _args(sizes="1000,2000", requests=2),
    ),
]


def _goals_bot(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for result in report["results"]:
        db, summary = result["database"], result["summary"]
        through, pickup = summary["throughput"], summary["pickup_qalx"]
        rows.append(
            _row(
                f"1. bot throughput, 2 processes ({db})",
                f"{through['qalx_jobs_per_second']} jobs/s",
                f"{through['pyqalx_jobs_per_second']} jobs/s",
                f"{through['qalx_faster_by']}x",
                through["goal"],
                through["met"],
            )
        )
        theirs = summary["pickup_pyqalx"]
        rows.append(
            _row(
                f"2. idle bot pickup p50 / p95 ({db}, {pickup['jobs']} jobs)",
                f"{pickup['p50_ms']} / {pickup['p95_ms']} ms",
                f"{theirs['p50_ms']} / {theirs['p95_ms']} ms",
                f"{theirs['p95_ms'] / max(pickup['p95_ms'], 0.01):.0f}x at p95",
                pickup["goal"],
                pickup["met"],
            )
        )
    return rows


SDK_LABELS = {
    "get": "3. item.get, sequential",
    "add": "3. item.add, sequential",
    "add_many": "4. add_many of 10,000 data items",
    "import": "7. import qalx (time; peak RSS)",
    "oneshot": "7. one-shot script (start, one get, exit)",
}


def _goals_sdk(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    quick = bool(report["settings"].get("quick"))
    for result in report["results"]:
        db, summary = result["database"], result["summary"]
        for key, label in SDK_LABELS.items():
            if quick:  # a twentieth of each count
                label = label.replace("10,000", "500")
            figure = summary[key]
            unit = figure["unit"]
            ours, theirs = f"{figure['qalx']:g} {unit}", f"{figure['pyqalx']:g} {unit}"
            if key == "import":
                ours += f"; {figure['qalx_peak_rss_mib']} MiB"
                theirs += f"; {figure['pyqalx_peak_rss_mib']} MiB"
            rows.append(
                _row(
                    f"{label} ({db})",
                    ours,
                    theirs,
                    f"{figure['qalx_faster_by']}x",
                    figure["goal"],
                    figure["met"],
                )
            )
    return rows


def _goals_server(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        _row(
            f"5. server GET item under load ({r['database']}, {r['load_generator']})",
            f"{r['median_qalx_server']:g} req/s",
            f"bare Starlette {r['median_bare_starlette']:g} req/s",
            f"{r['ratio']}x",
            r["goal"],
            r["met"],
        )
        for r in report["results"]
    ]


def _goals_queries(report: dict[str, Any]) -> list[dict[str, Any]]:
    from bench.queries import GOAL_RATIO, INGEST_GOALS, QUESTIONS, SEND_GOALS_MS, sends_met

    rows = []
    for result in report["results"]:
        db, last = result["database"], result["rows"][-1]
        for name in [question.name for question in QUESTIONS]:
            found = last[name]
            rows.append(
                _row(
                    f"6. {name}, {last['items']:,} items ({db})",
                    f"{found['sql_ms']} ms (API {found['api_ms']} ms)",
                    f"raw SQL {found['raw_sql_ms']} ms",
                    f"{found['ratio']}x the raw SQL",
                    f"<= {GOAL_RATIO:g}x",
                    found["ratio"] <= GOAL_RATIO,
                )
            )
        ingest = min(row["ingest_items_per_second"] for row in result["rows"])
        goal = INGEST_GOALS[db]
        rows.append(
            _row(
                f"6. bulk ingest ({db})", f"{ingest:,}/s", "", "", f">= {goal:,}/s", ingest >= goal
            )
        )
        during = last["sqs_send_during_ingest"]
        rows.append(
            _row(
                f"6. SQS send p50 during the ingest ({db})",
                f"{during['p50_ms']} ms (max {during['max_ms']} ms)",
                f"idle {last['sqs_send_idle']['p50_ms']} ms",
                "",
                f"p50 <= {SEND_GOALS_MS['p50_ms']:g} ms, max <= {SEND_GOALS_MS['max_ms']:g} ms",
                sends_met(during),
            )
        )
    return rows


GATHER: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]] = {
    "bot_vs_pyqalx": _goals_bot,
    "sdk_vs_pyqalx": _goals_sdk,
    "server_throughput": _goals_server,
    "queries": _goals_queries,
}


def _row(
    what: str, qalx: str, other: str, ratio: str, goal: str, met: bool | None
) -> dict[str, Any]:
    return {"what": what, "qalx": qalx, "other": other, "ratio": ratio, "goal": goal, "met": met}


def _machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    args = parser.parse_args()
    started = time.monotonic()
    rows: list[dict[str, Any]] = []
    timings: dict[str, float] = {}
    chosen_dir = os.environ.get("QALX_BENCH_RESULTS")
    if chosen_dir:
        out_dir = Path(chosen_dir)
    elif args.quick:  # never over the real results
        out_dir = Path(tempfile.mkdtemp(prefix="qalx-bench-quick-"))
    else:
        out_dir = RESULTS
    out_dir.mkdir(parents=True, exist_ok=True)
    for script, full, quick in RUNS:
        began = time.monotonic()
        env = {**os.environ, "QALX_BENCH_RESULTS": str(out_dir)}
        chosen = quick if args.quick else full
        command = [sys.executable, str(ROOT / "bench" / f"{script}.py"), *chosen]
        print(f"== {script} {' '.join(command[2:])}", flush=True)
        written = out_dir / f"{script}.json"
        written.unlink(missing_ok=True)
        done = subprocess.run(command, cwd=ROOT, env=env, check=False)
        timings[script] = round(time.monotonic() - began, 1)
        if not written.exists():  # a goal missed still writes its report (and exits 1)
            print(f"{script} wrote no report (exit {done.returncode})", file=sys.stderr)
            return 1
        report = json.loads(written.read_text())
        rows += GATHER[script](report)
    rows.sort(key=lambda r: r["what"][:2])
    total = round(time.monotonic() - started, 1)
    latest = {
        "benchmark": "make bench: qalx against pyqalx 0.19.2 and the raw database",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": _machine(),
        "seconds": {**timings, "total": total},
        "goals": rows,
    }
    name = "quick" if args.quick else "latest"
    (out_dir / f"{name}.json").write_text(json.dumps(latest, indent=2) + "\n")
    text = _markdown(latest)
    (out_dir / f"{name}.md").write_text(text)
    print(text)
    return 0


def _markdown(latest: dict[str, Any]) -> str:
    machine = latest["machine"]
    lines = [
        "# make bench" + (" --quick (a smoke run: its figures mean nothing)" * latest["quick"]),
        "",
        f"{latest['when']}; {machine['cpus']} CPUs ({machine['cpu']}), Python "
        f"{machine['python']}, {machine['platform']}; {latest['seconds']['total']:.0f} s in all. "
        "Side by side in one run against the same server; pyqalx 0.19.2 from its own venv. "
        "Each script's own report (bench/results/<script>.md) has the runs and the settings.",
        "",
        "| measurement | qalx | pyqalx / reference | ratio | goal | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in latest["goals"]:
        met = "" if row["met"] is None else ("yes" if row["met"] else "NO")
        lines.append(
            f"| {row['what']} | {row['qalx']} | {row['other']} | {row['ratio']} | "
            f"{row['goal']} | {met} |"
        )
    missed = [r["what"] for r in latest["goals"] if r["met"] is False]
    lines += ["", f"Goals missed: {', '.join(missed)}." if missed else "Every goal met."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
