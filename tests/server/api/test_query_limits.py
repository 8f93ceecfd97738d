"""Bounded work: a query that runs past the server's statement limit is stopped by the
database and answered 503 `query_timeout`, and the server goes on answering."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from qalx_server.auth.admin import create_user
from tests.support.servers import BACKENDS, database_url, live_server_on

ITEMS = 3000
LIMIT_SECONDS = 0.01


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_query_past_the_limit_is_stopped_with_503(backend: str, tmp_path: Path) -> None:
    with database_url(backend, tmp_path) as url:
        with live_server_on(url, backend, tmp_path) as roomy:
            token = create_user(roomy.server.db, "co", "a@example.com").token
            headers = {"Authorization": f"Token {token}"}
            for first in range(0, ITEMS, 1000):
                body = {"items": [{"data": {"s": f"text {n}"}} for n in range(first, first + 1000)]}
                created = httpx.post(
                    roomy.base_url + "item",
                    json=body,
                    headers={**headers, "qalx-bulk": "true"},
                    timeout=60,
                )
                assert created.status_code == 200, created.text
        with live_server_on(url, backend, tmp_path, statement_seconds=LIMIT_SECONDS) as strict:
            # Forty regular expressions over every item's text: far more than 10 ms of work.
            slow = {"$or": [{"data.s": {"$regex": f"^x{n}"}} for n in range(40)]}
            answer = httpx.get(
                strict.base_url + "item",
                params={"query": json.dumps(slow)},
                headers=headers,
                timeout=60,
            )
            assert answer.status_code == 503, answer.text
            problem = answer.json()
            assert problem["code"] == "query_timeout"
            assert f"after {LIMIT_SECONDS:g} s" in problem["detail"]
            health = httpx.get(strict.base_url + "health", timeout=10)
            assert health.status_code == 200  # the handler thread came back
