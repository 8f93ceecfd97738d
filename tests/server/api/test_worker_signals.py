"""Long-polled signal reads, and workers that are seen (`last_seen`, `lost`, jobs), over HTTP
against the real server on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from qalx_api_client import AuthenticatedClient, models
from qalx_api_client.api.bot import create_bot, get_bot, replace_bot_workers
from qalx_api_client.api.item import create_item, get_item
from qalx_api_client.api.worker import get_worker, get_worker_signal, list_workers, update_worker
from tests.server.system.processes import ServerProcess
from tests.support.servers import LiveServer, live_server

from .conftest import Tenant, make_tenant
from .helpers import doc, error, hex_of, ok, present, query, uuid_of

TIMEOUT = httpx.Timeout(60.0)


@attrs.frozen
class Workers:
    """A bot with workers, and clients as the bot and as its company's user."""

    bot: uuid.UUID
    guids: list[uuid.UUID]
    as_bot: AuthenticatedClient
    as_user: AuthenticatedClient

    @property
    def first(self) -> uuid.UUID:
        return self.guids[0]


def _client(base_url: str, token: str) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=base_url, token=token, prefix="Token", timeout=TIMEOUT)


def _workers(tenant: Tenant, count: int = 1) -> Workers:
    body = models.BotCreate.from_dict({"name": "signal-bot", "meta": {}, "tags": []})
    created = ok(create_bot.sync_detailed(client=tenant.client, body=body), 201)
    token = present(present(created.info).credentials).token
    bot = uuid_of(created.guid)
    as_bot = _client(tenant.live.base_url, token)
    as_user = _client(tenant.live.base_url, tenant.token)
    tenant.opened.extend([as_bot, as_user])
    replaced = ok(
        replace_bot_workers.sync_detailed(
            bot, client=as_bot, body=models.ReplaceWorkers(workers=count)
        )
    )
    return Workers(bot, [uuid_of(w.guid) for w in present(replaced.workers)], as_bot, as_user)


def _signal(
    w: Workers, worker: uuid.UUID | None = None, client: AuthenticatedClient | None = None, **q: Any
) -> models.WorkerSignal:
    answer = ok(
        get_worker_signal.sync_detailed(w.bot, worker or w.first, client=client or w.as_bot, **q)
    )
    assert isinstance(answer, models.WorkerSignal)
    return answer


def _patch(w: Workers, body: dict[str, Any], client: AuthenticatedClient | None = None) -> Any:
    return doc(
        ok(
            update_worker.sync_detailed(
                w.bot,
                w.first,
                client=client or w.as_user,
                body=models.WorkerUpdate.from_dict(body),
            )
        )
    )


def _worker(w: Workers, client: AuthenticatedClient | None = None) -> dict[str, Any]:
    return doc(ok(get_worker.sync_detailed(w.bot, w.first, client=client or w.as_user)))


def _ms() -> int:
    return time.time_ns() // 1_000_000


# ---- the long poll -------------------------------------------------------------------------


def test_a_read_without_since_or_with_a_stale_since_answers_at_once(tenant: Tenant) -> None:
    w = _workers(tenant)
    first = _signal(w, wait=20)
    assert (first.signal.to_dict(), first.version, first.state) == ({}, 0, "idle")
    _patch(w, {"signal": {"stop": True}})
    started = time.monotonic()
    stale = _signal(w, wait=20, since=0)
    assert time.monotonic() - started < 20
    assert (stale.signal.to_dict(), stale.version) == ({"stop": True}, 1)
    # a PATCH that changes nothing keeps the version; one that does bumps it
    _patch(w, {"signal": {"stop": True}})
    assert _signal(w).version == 1
    assert _worker(w)["signal_version"] == 1
    _patch(w, {"signal": {"terminate": True, "warm": True}})
    again = _signal(w, since=1, wait=20)
    assert again.version == 2
    assert again.signal.to_dict() == {"stop": True, "terminate": True, "warm": True}


def test_a_wait_returns_the_new_signal_when_another_client_patches_it(tenant: Tenant) -> None:
    w = _workers(tenant)
    version = _signal(w).version
    wait = 15.0
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        waiting = pool.submit(_signal, w, wait=wait, since=version)
        _wait_until_waiting(tenant.live, 1)
        assert not waiting.done()
        _patch(w, {"signal": {"stop": True}})
        answer = waiting.result(timeout=wait + 10)
        took = time.monotonic() - started
    assert (answer.signal.to_dict(), answer.version) == ({"stop": True}, version + 1)
    assert took < wait  # woken by the change, not by the wait running out


def test_a_wait_with_no_change_returns_the_unchanged_signal_after_wait(tenant: Tenant) -> None:
    w = _workers(tenant)
    _patch(w, {"signal": {"stop": True}})
    version = _signal(w).version
    started = time.monotonic()
    answer = _signal(w, wait=1.2, since=version)
    assert time.monotonic() - started >= 1.2
    assert (answer.signal.to_dict(), answer.version, answer.state) == (
        {"stop": True},
        version,
        "idle",
    )


def test_a_change_to_another_worker_does_not_end_a_wait(tenant: Tenant) -> None:
    w = _workers(tenant, 2)
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(_signal, w, wait=1.5, since=0)
        _wait_until_waiting(tenant.live, 1)
        ok(
            update_worker.sync_detailed(
                w.bot,
                w.guids[1],
                client=w.as_user,
                body=models.WorkerUpdate.from_dict({"signal": {"stop": True}}),
            )
        )
        assert (waiting.result(timeout=30).version, _signal(w, w.guids[1]).version) == (0, 1)


def test_deleting_the_worker_ends_a_wait_with_404(tenant: Tenant) -> None:
    w = _workers(tenant, 2)
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(
            get_worker_signal.sync_detailed, w.bot, w.first, client=w.as_bot, wait=15, since=0
        )
        _wait_until_waiting(tenant.live, 1)
        ok(
            replace_bot_workers.sync_detailed(
                w.bot, client=w.as_bot, body=models.ReplaceWorkers(workers=1)
            )
        )
        error(waiting.result(timeout=10), 404)


def test_bad_wait_and_since_are_refused(tenant: Tenant) -> None:
    w = _workers(tenant)
    for params in ({"wait": 21}, {"wait": -1}, {"since": -1}):
        answer = httpx.get(
            f"{tenant.live.base_url}bot/{w.bot}/worker/{w.first}/signal",
            params=params,
            headers={"Authorization": f"Token {tenant.token}"},
        )
        assert answer.status_code == 400, (params, answer.text)
    for wait in ("nan", "inf", "soon"):
        answer = httpx.get(
            f"{tenant.live.base_url}bot/{w.bot}/worker/{w.first}/signal",
            params={"wait": wait},
            headers={"Authorization": f"Token {tenant.token}"},
        )
        assert answer.status_code == 400, (wait, answer.text)


def test_other_companies_get_404_and_the_bots_company_may_read(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    w = _workers(tenant)
    error(get_worker_signal.sync_detailed(w.bot, w.first, client=other_tenant.client), 404)
    outsider = _client(tenant.live.base_url, other_tenant.token)
    other_tenant.opened.append(outsider)
    error(get_worker_signal.sync_detailed(w.bot, w.first, client=outsider, wait=5, since=0), 404)
    assert _signal(w, client=w.as_user).state == "idle"
    error(get_worker_signal.sync_detailed(w.bot, uuid.uuid4(), client=w.as_bot), 404)


def test_200_waits_hold_no_threads_and_do_not_starve_other_requests(tenant: Tenant) -> None:
    w = _workers(tenant, 200)
    item = ok(
        create_item.sync_detailed(
            client=tenant.client, body=models.ItemCreate.from_dict({"data": {"n": 1}})
        ),
        201,
    )
    wait = 10.0  # room for 200 waits to start on a loaded 2-core machine before the stop
    url = tenant.live.base_url
    headers = {"Authorization": f"Token {w.as_bot.token}"}

    async def all_waits() -> list[dict[str, Any]]:
        limits = httpx.Limits(max_connections=250, max_keepalive_connections=250)
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60, limits=limits) as c:
            answers = await asyncio.gather(
                *(
                    c.get(f"bot/{w.bot}/worker/{g}/signal", params={"wait": wait, "since": 0})
                    for g in w.guids
                )
            )
        assert all(a.status_code == 200 for a in answers), [a.text for a in answers[:3]]
        return [a.json() for a in answers]

    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        waiting: Future[list[dict[str, Any]]] = pool.submit(asyncio.run, all_waits())
        _wait_until_waiting(tenant.live, 200)
        # far more waits than handler threads (16), and an ordinary request still answers
        assert tenant.live.server.settings.threads < 200
        fetched = ok(get_item.sync_detailed(uuid_of(item.guid), client=tenant.client))
        assert hex_of(fetched.guid) == hex_of(item.guid)
        _patch(w, {"signal": {"stop": True}})  # wakes the first worker's wait only
        assert not waiting.done()
        answers = waiting.result(timeout=60)
        assert time.monotonic() - started >= wait
    assert answers[0]["signal"] == {"stop": True} and answers[0]["version"] == 1
    assert all(a["signal"] == {} and a["version"] == 0 for a in answers[1:])
    assert tenant.live.server.signals.waiting == 0


def _wait_until_waiting(live: LiveServer, count: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while live.server.signals.waiting < count:
        assert time.monotonic() < deadline, f"{live.server.signals.waiting} of {count} waiting"
        time.sleep(0.01)


# ---- another server process ----------------------------------------------------------------


@pytest.fixture
def second_process(live: LiveServer, tmp_path: Path) -> Iterator[ServerProcess]:
    """A `qalx server start` process on the live server's database."""
    process = ServerProcess(tmp_path / "second", live.server.settings.resolved_database_url)
    process.start()
    try:
        yield process
    finally:
        process.stop()


def test_a_change_through_another_server_process_wakes_a_wait(
    tenant: Tenant, second_process: ServerProcess
) -> None:
    w = _workers(tenant)
    elsewhere = _client(second_process.base_url, tenant.token)
    tenant.opened.append(elsewhere)
    wait = 15.0
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        waiting = pool.submit(_signal, w, wait=wait, since=0)
        _wait_until_waiting(tenant.live, 1)
        _patch(w, {"signal": {"terminate": True, "cold": True}}, client=elsewhere)
        answer = waiting.result(timeout=wait + 10)
        took = time.monotonic() - started
    assert (answer.signal.to_dict(), answer.version) == ({"terminate": True, "cold": True}, 1)
    assert took < wait


# ---- workers that are seen -----------------------------------------------------------------


def test_last_seen_is_set_by_the_bots_signal_reads_and_its_patches(tenant: Tenant) -> None:
    w = _workers(tenant)
    fresh = _worker(w)
    assert (fresh["last_seen"], fresh["job"], fresh["jobs_done"], fresh["jobs_failed"]) == (
        None,
        None,
        0,
        0,
    )
    _signal(w, client=w.as_user)  # the user reading it is not the worker being seen
    _patch(w, {"status": {"message": "operator"}}, client=w.as_user)
    assert _worker(w)["last_seen"] is None

    before = _ms()
    _signal(w, wait=0)
    seen = _worker(w)["last_seen"]["$date"]
    assert before <= seen <= _ms()
    time.sleep(0.05)
    after_read = _ms()
    patched = _patch(w, {"state": "active"}, client=w.as_bot)
    assert after_read <= patched["last_seen"]["$date"] <= _ms()
    assert _worker(w)["last_seen"] == patched["last_seen"]
    # a user's PATCH leaves it alone
    _patch(w, {"signal": {"stop": True}}, client=w.as_user)
    assert _worker(w)["last_seen"] == patched["last_seen"]


def test_jobs_round_trip_through_patch_worker(tenant: Tenant) -> None:
    w = _workers(tenant)
    entity = uuid.uuid4()
    before = _ms()
    body = {"job": {"entity_type": "item", "entity_guid": {"$uuid": str(entity)}}, "jobs_done": 3}
    answered = _patch(w, body, client=w.as_bot)
    stored = _worker(w)
    for shown in (answered, stored):
        job = shown["job"]
        assert (job["entity_type"], job["entity_guid"]) == ("item", {"$uuid": entity.hex})
        assert before <= job["since"]["$date"] <= _ms()  # the server's time, when not given
        assert (shown["jobs_done"], shown["jobs_failed"]) == (3, 0)
    given = {"$date": 1_700_000_000_000, "$zone": "UTC", "$offset": None}
    job = {"entity_type": "set", "entity_guid": {"$uuid": entity.hex}, "since": given}
    _patch(w, {"job": job, "jobs_failed": 1}, client=w.as_bot)
    assert _worker(w)["job"] == job and _worker(w)["jobs_failed"] == 1
    _patch(w, {"job": None, "jobs_done": 4}, client=w.as_bot)
    done = _worker(w)
    assert (done["job"], done["jobs_done"], done["jobs_failed"]) == (None, 4, 1)
    bot = doc(ok(get_bot.sync_detailed(w.bot, client=w.as_user)))
    assert bot["workers"][0]["jobs_done"] == 4
    for bad in ({"jobs_done": -1}, {"job": {"entity_type": "item"}}):
        error(
            update_worker.sync_detailed(
                w.bot, w.first, client=w.as_bot, body=models.WorkerUpdate.from_dict(bad)
            ),
            400,
        )


def test_fields_projections_keep_signal_and_state(tenant: Tenant) -> None:
    w = _workers(tenant)
    _signal(w)
    read = doc(ok(get_worker.sync_detailed(w.bot, w.first, client=w.as_bot, fields=["jobs_done"])))
    assert set(read) == {"guid", "signal", "state", "jobs_done"}
    listed = ok(list_workers.sync_detailed(w.bot, client=w.as_bot, fields=["last_seen"]))
    assert set(doc(listed.data[0])) == {"guid", "signal", "state", "last_seen"}


LOST_AFTER = 1.0


@pytest.fixture(scope="module")
def quick_live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, live: LiveServer
) -> Iterator[LiveServer]:
    """A server (on the same backend as `live`) that loses workers after one second."""
    data_dir = tmp_path_factory.mktemp(f"lost-{live.backend}")
    with live_server(live.backend, data_dir, worker_lost_after=LOST_AFTER) as server:
        yield server


@pytest.fixture
def quick_tenant(quick_live: LiveServer) -> Iterator[Tenant]:
    made = make_tenant(quick_live)
    yield made
    made.close()


def test_a_worker_not_seen_for_worker_lost_after_reads_as_lost(quick_tenant: Tenant) -> None:
    w = _workers(quick_tenant, 2)
    _patch(w, {"state": "active"}, client=w.as_bot)
    assert _worker(w)["state"] == "active"  # never seen: never lost
    assert _signal(w).state == "active"  # seen from now on
    time.sleep(LOST_AFTER + 0.3)
    assert _worker(w)["state"] == "lost"
    listed = ok(list_workers.sync_detailed(w.bot, client=w.as_user, query=query({"state": "lost"})))
    assert [hex_of(x.guid) for x in listed.data] == [w.first.hex]
    bot = doc(ok(get_bot.sync_detailed(w.bot, client=w.as_user)))
    assert [x["state"] for x in bot["workers"]] == ["lost", "idle"]
    assert _signal(w).state == "active"  # seen again: its stored state shows again
    assert _worker(w)["state"] == "active"
    # a terminated worker is meant to be gone, so it is never lost
    _patch(w, {"state": "terminated"}, client=w.as_bot)
    time.sleep(LOST_AFTER + 0.3)
    assert _worker(w)["state"] == "terminated"
