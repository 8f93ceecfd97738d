"""`find` over many items on PostgreSQL: an indexed `meta` query through the API against the raw
SQL of the same question on the same database, and how find time grows with the items.

Goal (issue 10): `GET item?query={"meta.grade": ...}` (limit 25) within 2x the raw SQL that
answers the same page and its count, at 100,000 items; reported too, how the time grows from
10,000 to 100,000 items. Items are bulk-added through the API (1,000 a request), a tenth of them
in each grade; an expression index on the grade is created before the measurement, as an
operator would for a path their company queries, and the tables are ANALYZEd. One keep-alive
client times the API; psycopg times the raw SQL. Results go to
bench/results/find_scaling.{json,md}.

    python bench/find_scaling.py [--sizes 10000,100000] [--requests 20]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.server_throughput import bench_user, uvicorn  # noqa: E402

RESULTS = Path(os.environ.get("QALX_BENCH_RESULTS") or ROOT / "bench" / "results")
"""Where the report goes (bench/run.py --quick sends it elsewhere)."""
BULK = 1000
GRADES = 10
GOAL_RATIO = 2.0
INDEX = "CREATE INDEX IF NOT EXISTS bench_meta_grade ON entities ((doc -> 'meta' ->> 'grade'))"
ROWS_SQL = (
    "SELECT doc FROM entities WHERE company_id = %(company)s AND entity_type = 'item' "
    "AND NOT archived AND doc -> 'meta' ->> 'grade' = %(grade)s ORDER BY id LIMIT 25"
)
COUNT_SQL = (
    "SELECT count(*) FROM entities WHERE company_id = %(company)s AND entity_type = 'item' "
    "AND NOT archived AND doc -> 'meta' ->> 'grade' = %(grade)s"
)


def add_items(client: httpx.Client, start: int, stop: int) -> None:
    for first in range(start, stop, BULK):
        body = {
            "items": [
                {"data": {"n": n, "x": n * 0.5}, "meta": {"grade": f"g{n % GRADES}"}}
                for n in range(first, min(first + BULK, stop))
            ]
        }
        client.post("item", json=body, headers={"qalx-bulk": "true"}).raise_for_status()


def timed(work: Any, requests: int) -> float:
    """Median milliseconds of `requests` calls of `work` (after one to warm up)."""
    work(0)
    times = []
    for n in range(requests):
        started = time.perf_counter()
        work(n)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def measure(sizes: list[int], requests: int) -> dict[str, Any]:
    from tests.support.postgres import throwaway_database

    rows: list[dict[str, Any]] = []
    with throwaway_database("qalx_bench_find") as url, tempfile.TemporaryDirectory() as tmp:
        token = bench_user(url, Path(tmp))
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        env = {"QALX_SERVER_DATA_DIR": tmp, "QALX_SERVER_DATABASE_URL": url}
        with (
            uvicorn("qalx_server.app:app_from_env", env) as base,
            httpx.Client(
                base_url=base, headers={"Authorization": f"Token {token}"}, timeout=300
            ) as client,
            psycopg.connect(dsn, autocommit=True) as sql,
        ):
            have = 0
            for size in sizes:
                started = time.perf_counter()
                add_items(client, have, size)
                ingest = (size - have) / (time.perf_counter() - started)
                have = size
                sql.execute(INDEX)
                sql.execute("ANALYZE entities")
                found = sql.execute("SELECT id FROM companies").fetchone()
                company = found[0] if found else None

                def api(n: int) -> None:
                    query = json.dumps({"meta.grade": f"g{n % GRADES}"})
                    answer = client.get("item", params={"query": query, "limit": 25})
                    answer.raise_for_status()
                    assert len(answer.json()["data"]) == 25

                def raw(n: int, count: bool = True, company: Any = company) -> None:
                    params = {"company": company, "grade": f"g{n % GRADES}"}
                    assert len(sql.execute(ROWS_SQL, params).fetchall()) == 25
                    if count:
                        sql.execute(COUNT_SQL, params).fetchone()

                row = {
                    "items": size,
                    "ingest_items_per_second": round(ingest),
                    "api_ms": timed(api, requests),
                    "raw_sql_ms": timed(raw, requests),
                    "raw_sql_rows_only_ms": timed(lambda n: raw(n, count=False), requests),
                    "raw_plan": [
                        r[0]
                        for r in sql.execute(
                            "EXPLAIN " + ROWS_SQL, {"company": company, "grade": "g1"}
                        )
                    ],
                }
                row["ratio"] = round(row["api_ms"] / max(row["raw_sql_ms"], 0.01), 2)
                rows.append(row)
                print({k: v for k, v in row.items() if k != "raw_plan"}, flush=True)
    last = rows[-1]
    return {
        "database": "postgresql",
        "rows": rows,
        "summary": {
            "items": last["items"],
            "api_ms": last["api_ms"],
            "raw_sql_ms": last["raw_sql_ms"],
            "ratio": last["ratio"],
            "goal": f"<= {GOAL_RATIO:g}x the raw SQL",
            "met": last["ratio"] <= GOAL_RATIO,
            "growth": round(last["api_ms"] / max(rows[0]["api_ms"], 0.01), 2),
            "growth_of_items": round(last["items"] / rows[0]["items"], 2),
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    result = measure([int(s) for s in args.sizes.split(",")], args.requests)
    report = {
        "benchmark": "find with an indexed meta query on PostgreSQL vs the raw SQL",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "settings": vars(args),
        "results": result,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "find_scaling.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [
        "# find on PostgreSQL: an indexed meta equality, a tenth matching (limit 25)",
        "",
        "| items | API ms | raw SQL ms (page, count) | raw SQL ms (page) | ratio | ingest/s |",
        "|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['items']} | {row['api_ms']} | {row['raw_sql_ms']} | "
            f"{row['raw_sql_rows_only_ms']} | {row['ratio']}x | {row['ingest_items_per_second']} |"
        )
    summary = result["summary"]
    lines += [
        "",
        f"Goal {summary['goal']} at {summary['items']} items: "
        f"{'met' if summary['met'] else 'MISSED'} ({summary['ratio']}x). Find time grew "
        f"{summary['growth']}x for {summary['growth_of_items']}x the items.",
    ]
    (RESULTS / "find_scaling.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
