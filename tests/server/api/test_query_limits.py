"""Bounded work: a query that runs past the server's statement limit is stopped by the
database and answered 503 `query_timeout`, and the server goes on answering."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import httpx
import pytest

from qalx_server.auth.admin import create_user
from tests.support.servers import BACKENDS, database_url, live_server_on

ITEMS = 3000
LIMIT_SECONDS = 0.01


def _add_texts(base_url: str, headers: dict[str, str]) -> None:
    """ITEMS items, each with a text `data.s`, bulk-added."""
    for first in range(0, ITEMS, 1000):
        body = {"items": [{"data": {"s": f"text {n}"}} for n in range(first, first + 1000)]}
        created = httpx.post(
            base_url + "item", json=body, headers={**headers, "qalx-bulk": "true"}, timeout=60
        )
        assert created.status_code == 200, created.text


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_query_past_the_limit_is_stopped_with_503(backend: str, tmp_path: Path) -> None:
    with database_url(backend, tmp_path) as url:
        with live_server_on(url, backend, tmp_path) as roomy:
            token = create_user(roomy.server.db, "co", "a@example.com").token
            headers = {"Authorization": f"Token {token}"}
            _add_texts(roomy.base_url, headers)
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


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_query_whose_client_went_away_is_stopped(
    backend: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A client that gives up on a slow list (its timeout closes the connection) has the
    server stop the statement: the log says the query was stopped because its client went
    away, long before the statement would have ended or met its limit."""
    with (
        database_url(backend, tmp_path) as url,
        live_server_on(url, backend, tmp_path, statement_seconds=120) as live,
    ):
        token = create_user(live.server.db, "co", "a@example.com").token
        headers = {"Authorization": f"Token {token}"}
        _add_texts(live.base_url, headers)
        # Thousands of regular expressions over every item's text: minutes of work.
        slow = {"$or": [{"data.s": {"$regex": f"^x{n}"}} for n in range(4000)]}
        started = time.monotonic()
        with caplog.at_level(logging.ERROR, logger="qalx_server"):
            with pytest.raises(httpx.ReadTimeout):
                httpx.post(
                    live.base_url + "item/aggregate",
                    json={"aggregate": json.dumps([{"$match": slow}, {"$count": "n"}])},
                    headers=headers,
                    timeout=httpx.Timeout(60, read=1.0),
                )
            while not any("client went away" in r.getMessage() for r in caplog.records):
                assert time.monotonic() - started < 60, "the abandoned query ran on"
                time.sleep(0.05)
        health = httpx.get(live.base_url + "health", timeout=10)
        assert health.status_code == 200
