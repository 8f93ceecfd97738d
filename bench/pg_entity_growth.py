"""Entity reads and writes on PostgreSQL as one company's items grow (issue: GET item/{guid}
fell from 848 to 36 ops/s over five rounds of bulk creates in bench/sdk_vs_pyqalx.py).

One uvicorn server on a throwaway PostgreSQL database, as a fresh install runs it: nothing has
ANALYZEd the tables, so the planner works from its no-statistics defaults. Items are added
through the bulk API (1,000 per request) up to each size; at each size one keep-alive client
times `GET item/{guid}` (of the first item and of the newest), `PATCH item/{guid}`, a page of
`GET item` and a page of `GET item?query=...`, and the plan of the entity lookup is recorded.
Goal: `GET item/{guid}` and `PATCH item/{guid}` no slower at 100k items than at 1k (within
noise). The list figures are reported, not goaled: each page answers a `total`, a count of
the company's matching items, which grows with them. Results go to
bench/results/pg_entity_growth.{json,md}.

    python bench/pg_entity_growth.py [--sizes 1000,20000,100000] [--requests 300]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.server_throughput import ITEM, bench_user, uvicorn  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BULK = 1000

# The statement EntityService.load runs, as psycopg sends it (bound as in a request).
LOAD_SQL = (
    "SELECT id, company_id, entity_type, doc, file_key, archived FROM entities "
    "WHERE guid = %(guid)s::VARCHAR"
)
OLD_LOAD_SQL = (
    "SELECT id, doc, file_key, archived FROM entities WHERE guid = %(guid)s::VARCHAR "
    "AND company_id = %(company_id)s::BIGINT AND entity_type = %(entity_type)s::VARCHAR"
)


def ops_per_second(client: httpx.Client, method: str, path: str, count: int, **kw: Any) -> float:
    client.request(method, path, **kw).raise_for_status()  # warm
    started = time.perf_counter()
    for _ in range(count):
        client.request(method, path, **kw).raise_for_status()
    return count / (time.perf_counter() - started)


def add_items(client: httpx.Client, count: int, start: int) -> None:
    data = cast(dict[str, Any], ITEM["data"])
    for first in range(start, start + count, BULK):
        body = {
            "items": [
                {"data": {**data, "n": n}, "meta": {"_class": "bulk"}}
                for n in range(first, min(first + BULK, start + count))
            ]
        }
        client.post("item", json=body, headers={"qalx-bulk": "true"}).raise_for_status()


def plan(dsn: str, sql: str, params: dict[str, Any]) -> list[str]:
    with psycopg.connect(dsn) as conn:
        return [row[0] for row in conn.execute("EXPLAIN ANALYZE " + sql, params)]


def measure(sizes: list[int], requests: int) -> dict[str, Any]:
    from tests.support.postgres import throwaway_database

    rows: list[dict[str, Any]] = []
    with throwaway_database("qalx_bench_growth") as url, tempfile.TemporaryDirectory() as tmp:
        token = bench_user(url, Path(tmp))
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        env = {"QALX_SERVER_DATA_DIR": tmp, "QALX_SERVER_DATABASE_URL": url}
        with uvicorn("qalx_server.app:app_from_env", env) as base:
            headers = {"Authorization": f"Token {token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
                first = client.post("item", json=ITEM).json()["guid"]["$uuid"]
                have = 1
                for size in sizes:
                    add_items(client, size - have, have)
                    have = size
                    newest = client.get("item", params={"sort": "-created", "limit": 1}).json()
                    last = newest["data"][0]["guid"]["$uuid"]
                    patch = {"json": {"meta": {"_class": "patched"}}}
                    query = json.dumps({"data.n": size // 2})
                    with psycopg.connect(dsn) as conn:
                        found = conn.execute("SELECT id FROM companies").fetchone()
                    company_id = found[0] if found else None
                    params = {"guid": first, "company_id": company_id, "entity_type": "item"}
                    row: dict[str, Any] = {
                        "items": size,
                        "get_first_ops": ops_per_second(client, "GET", f"item/{first}", requests),
                        "get_newest_ops": ops_per_second(client, "GET", f"item/{last}", requests),
                        "patch_ops": ops_per_second(
                            client, "PATCH", f"item/{first}", requests, **patch
                        ),
                        "list_page_ops": ops_per_second(
                            client, "GET", "item", requests // 10, params={"limit": 25}
                        ),
                        "list_query_ops": ops_per_second(
                            client,
                            "GET",
                            "item",
                            requests // 10,
                            params={"query": query, "limit": 25},
                        ),
                        "load_plan": plan(dsn, LOAD_SQL, {"guid": first}),
                        "old_load_plan": plan(dsn, OLD_LOAD_SQL, params),
                    }
                    rows.append(row)
                    print(
                        {k: round(v) if isinstance(v, float) else v for k, v in row.items()}
                        | {"load_plan": row["load_plan"][0], "old_load_plan": "..."},
                        flush=True,
                    )
    return {"database": "postgresql", "rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,20000,100000")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    result = measure(sizes, args.requests)
    report = {
        "benchmark": "entity reads and writes on PostgreSQL as one company's items grow",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "settings": vars(args),
        "results": result,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pg_entity_growth.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [
        "# Entity requests on PostgreSQL as items grow (ops/s, one keep-alive client)",
        "",
        "| items | GET first | GET newest | PATCH | list page | list query | lookup plan |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['items']} | {row['get_first_ops']:.0f} | {row['get_newest_ops']:.0f} | "
            f"{row['patch_ops']:.0f} | {row['list_page_ops']:.0f} | "
            f"{row['list_query_ops']:.0f} | {row['load_plan'][0].split('  (')[0]} |"
        )
    (RESULTS / "pg_entity_growth.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
