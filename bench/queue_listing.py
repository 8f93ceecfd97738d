"""`GET queue` (a page of queue entities, each with its SQS URL and credentials) as a company's
queues grow, on SQLite and PostgreSQL with the built-in broker (issue 11: listing issued a set
of credentials per row in a write transaction).

One uvicorn server per database; `--queues` queues are created through the API; one keep-alive
client then times pages of `GET queue?limit=<queues>`. `--label` names the run (e.g. before and
after a change): results are kept per label in bench/results/queue_listing.{json,md}.

    python bench/queue_listing.py --label after [--queues 200] [--requests 30] [--postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.server_throughput import bench_user, uvicorn  # noqa: E402

RESULTS = Path(os.environ.get("QALX_BENCH_RESULTS") or ROOT / "bench" / "results")
"""Where the report goes."""


def measure(database_url: str, data_dir: Path, queues: int, requests: int) -> dict[str, Any]:
    token = bench_user(database_url, data_dir)
    env = {"QALX_SERVER_DATA_DIR": str(data_dir), "QALX_SERVER_DATABASE_URL": database_url}
    with (
        uvicorn("qalx_server.app:app_from_env", env) as base,
        httpx.Client(base_url=base, headers={"Authorization": f"Token {token}"}) as client,
    ):
        for n in range(queues):
            client.post("queue", json={"name": f"q{n:04d}"}).raise_for_status()
        times = []
        for _ in range(requests + 1):
            started = time.perf_counter()
            page = client.get("queue", params={"limit": queues})
            times.append((time.perf_counter() - started) * 1000)
            page.raise_for_status()
            assert len(page.json()["data"]) == queues
        keys = {q["info"]["credentials"]["ACCESS_KEY_ID"] for q in page.json()["data"]}
    median = statistics.median(times[1:])
    return {
        "database": database_url.split(":")[0],
        "queues": queues,
        "page_ms_median": round(median, 2),
        "pages_per_second": round(1000 / median, 2),
        "distinct_access_keys_per_page": len(keys),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--queues", type=int, default=200)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(measure(f"sqlite:///{tmp}/qalx.db", Path(tmp), args.queues, args.requests))
    if args.postgres:
        from tests.support.postgres import throwaway_database

        with throwaway_database("qalx_bench_queues") as url, tempfile.TemporaryDirectory() as tmp:
            rows.append(measure(url, Path(tmp), args.queues, args.requests))
    path = RESULTS / "queue_listing.json"
    runs: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    runs[args.label] = rows
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(runs, indent=2) + "\n")
    lines = [
        "# `GET queue`: one page of every queue, with its credentials",
        "",
        "| run | database | queues | page ms (median) | pages/s | access keys issued per page |",
        "|---|---|---|---|---|---|",
    ]
    for label, found in runs.items():
        for row in found:
            lines.append(
                f"| {label} | {row['database']} | {row['queues']} | {row['page_ms_median']} | "
                f"{row['pages_per_second']} | {row['distinct_access_keys_per_page']} |"
            )
    (RESULTS / "queue_listing.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
