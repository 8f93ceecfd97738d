"""Throughput of `GET item/{guid}` on qalx_server against a bare Starlette endpoint that returns
the same stored document from the same database (bench/bare_app.py).

Goal (issue 10; 0.5 in issue 3): qalx_server serves at least 0.8 times the requests per second
of the bare endpoint, on SQLite and on PostgreSQL.
Both run as uvicorn subprocesses with the same flags, one at a time, in alternating rounds, under
the same load generator (wrk if installed, else a Python keep-alive client), and the medians are
compared. Results go to bench/results/server_throughput.{json,md}.

    python bench/server_throughput.py [--seconds 8] [--rounds 3] [--connections 16] [--postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.live import free_port  # noqa: E402  (after the path is set)

RESULTS = Path(os.environ.get("QALX_BENCH_RESULTS") or ROOT / "bench" / "results")
"""Where the report goes (bench/run.py --quick sends it elsewhere)."""
GOAL_RATIO = 0.8
"""qalx_server against the bare endpoint, requests per second (issue 10)."""

ITEM = {
    "data": {
        "height": 5.0,
        "width": 2.5,
        "material": {"name": "316", "rho": 8000, "E": 193e9},
        "loads": [{"case": f"lc{i}", "fx": i * 1.5, "fy": -i * 0.5} for i in range(10)],
        "run_at": {"$date": 1764000000000, "$zone": None, "$offset": None},
    },
    "meta": {"_class": "beams.shape", "shape": "square"},
    "encrypt": True,
    "tags": [{"name": "project_name", "value": "beams"}],
}


@contextlib.contextmanager
def uvicorn(target: str, env: dict[str, str], factory: bool = True) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", target, "--port", str(port)]
    command += ["--log-level", "warning", "--no-access-log", "--workers", "1"]
    if factory:
        command.append("--factory")
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(base + "health", timeout=0.5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"{target} did not start")
        yield base
    finally:
        process.terminate()
        process.wait(10)


def bench_user(database_url: str, data_dir: Path) -> str:
    """A migrated database with one company and user for a benchmark; the user's token."""
    from qalx_server.app import create_app
    from qalx_server.auth.admin import create_user
    from qalx_server.settings import Settings

    app = create_app(Settings(data_dir=data_dir, database_url=database_url))
    try:
        app.state.qalx.db.migrate()
        return create_user(app.state.qalx.db, "bench", "bench@example.com").token
    finally:
        app.state.qalx.close()


def run_wrk(url: str, token: str, seconds: int, connections: int) -> float:
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "-H",
            f"Authorization: Token {token}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if match is None or non2xx is not None:
        raise RuntimeError(f"wrk run failed or got errors:\n{output}")
    return float(match.group(1))


def run_python(url: str, token: str, seconds: int, connections: int) -> float:
    """Fallback load: keep-alive connections in threads (weaker than wrk; same for both)."""
    host, port, path = re.match(r"http://([^:/]+):(\d+)(/.*)", url).groups()  # type: ignore[union-attr]
    counts = [0] * connections
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(host, int(port))
        while time.monotonic() < stop:
            conn.request("GET", path, headers={"Authorization": f"Token {token}"})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"status {response.status}")
            counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def seed(database_url: str, data_dir: Path) -> tuple[str, str]:
    """Create the schema, a user and one item through the real API; return (token, guid)."""
    token = bench_user(database_url, data_dir)
    env = {"QALX_SERVER_DATA_DIR": str(data_dir), "QALX_SERVER_DATABASE_URL": database_url}
    with uvicorn("qalx_server.app:app_from_env", env) as base:
        created = httpx.post(base + "item", json=ITEM, headers={"Authorization": f"Token {token}"})
        created.raise_for_status()
    return token, created.json()["guid"]["$uuid"]


def measure(database_url: str, data_dir: Path, args: argparse.Namespace) -> dict[str, object]:
    token, guid = seed(database_url, data_dir)
    load = run_wrk if shutil.which("wrk") else run_python
    env = {"QALX_SERVER_DATA_DIR": str(data_dir), "QALX_SERVER_DATABASE_URL": database_url}
    runs: dict[str, list[float]] = {"qalx_server": [], "bare_starlette": []}
    for _ in range(args.rounds):
        for name, target in (
            ("qalx_server", "qalx_server.app:app_from_env"),
            ("bare_starlette", "bench.bare_app:app"),
        ):
            with uvicorn(target, env) as base:
                url = f"{base}item/{guid}"
                check = httpx.get(url, headers={"Authorization": f"Token {token}"})
                assert check.status_code == 200 and check.json()["data"]["height"] == 5.0, (
                    check.text
                )
                load(url, token, 2, args.connections)  # warm-up
                runs[name].append(load(url, token, args.seconds, args.connections))
    ours, bare = statistics.median(runs["qalx_server"]), statistics.median(runs["bare_starlette"])
    return {
        "database": database_url.split(":")[0],
        "load_generator": load.__name__.removeprefix("run_"),
        "requests_per_second": runs,
        "median_qalx_server": round(ours, 1),
        "median_bare_starlette": round(bare, 1),
        "ratio": round(ours / bare, 3),
        "goal": f"ratio >= {GOAL_RATIO}",
        "met": ours / bare >= GOAL_RATIO,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--postgres", action="store_true", help="also measure on PostgreSQL")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="qalx-bench-") as tmp:
        results.append(measure(f"sqlite:///{tmp}/qalx.db", Path(tmp), args))
        if args.postgres:
            sys.path.insert(0, str(ROOT))
            from tests.support.postgres import throwaway_database

            with throwaway_database("qalx_bench") as url, tempfile.TemporaryDirectory() as pg_tmp:
                results.append(measure(url, Path(pg_tmp), args))
    machine = {"cpus": os.cpu_count(), "python": platform.python_version()}
    report = {
        "benchmark": "GET item/{guid}: qalx_server vs bare Starlette on the same stored document",
        "machine": machine,
        "settings": vars(args),
        "results": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "server_throughput.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [
        "# Server throughput: `GET item/{guid}`",
        "",
        f"{machine['cpus']} CPUs, Python {machine['python']}; {args.rounds} alternating rounds "
        f"of {args.seconds} s, {args.connections} connections; medians.",
        "",
        "| database | load | qalx_server req/s | bare Starlette req/s | ratio "
        f"| goal >= {GOAL_RATIO} |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} | {r['load_generator']} | {r['median_qalx_server']} | "
            f"{r['median_bare_starlette']} | {r['ratio']} | {'met' if r['met'] else 'NOT met'} |"
        )
    (RESULTS / "server_throughput.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if all(r["met"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
