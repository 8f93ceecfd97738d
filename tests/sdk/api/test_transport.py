"""Retries, timeouts and connection pools, through a fault-injecting proxy in front of the real
server: a retried create never makes two entities."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest

from qalx import QalxSession
from qalx.errors import (
    QalxAPIBadRequest,
    QalxAPIServerError,
    QalxAPITimeoutError,
)
from tests.sdk.api.conftest import Company
from tests.support.faulty_proxy import DROP_ANSWER, HANG, FaultyProxy, faulty_proxy, status


@pytest.fixture
def proxied(
    company: Company, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[FaultyProxy, QalxSession, QalxSession]]:
    """(the proxy, a session through it, a direct session) for one company."""
    direct = company.session()
    with faulty_proxy(company.live.base_url) as (proxy, url):
        monkeypatch.setenv("QALX_USER_BASE_URL", url)
        monkeypatch.setenv("QALX_USER_TOKEN", company.token)
        monkeypatch.setenv("QALX_USER_MAX_RETRY_500", "2")
        monkeypatch.setenv("QALX_USER_READ_TIMEOUT", "1.5")
        through = QalxSession(skip_ini=True)
        try:
            yield proxy, through, direct
        finally:
            through.close()


def attempts(proxy: FaultyProxy, method: str) -> int:
    return sum(1 for line, _ in proxy.seen if line.startswith(method))


def test_5xx_is_retried(proxied: tuple[FaultyProxy, QalxSession, QalxSession]) -> None:
    proxy, through, direct = proxied
    item = direct.item.add(data={"n": 1})
    proxy.plan.extend([status(503), status(502)])
    assert through.item.get(item.guid).data.n == 1
    assert attempts(proxy, "GET") == 3


def test_5xx_gives_up_after_max_retry_500(
    proxied: tuple[FaultyProxy, QalxSession, QalxSession],
) -> None:
    proxy, through, _ = proxied
    proxy.plan.extend([status(500)] * 3)
    with pytest.raises(QalxAPIServerError) as caught:
        through.item.get(uuid.uuid4())
    assert caught.value.status_code == 500
    assert caught.value.errors == {"code": "injected", "detail": "fault injected by the test proxy"}
    assert attempts(proxy, "GET") == 3


def test_429_honours_retry_after(proxied: tuple[FaultyProxy, QalxSession, QalxSession]) -> None:
    proxy, through, _ = proxied
    proxy.plan.append(status(429, Retry_After="1"))
    started = time.monotonic()
    assert through.item.find().data == []
    assert time.monotonic() - started >= 1.0
    assert attempts(proxy, "GET") == 2


def test_4xx_is_not_retried(proxied: tuple[FaultyProxy, QalxSession, QalxSession]) -> None:
    proxy, through, _ = proxied
    proxy.plan.append(status(400))
    with pytest.raises(QalxAPIBadRequest):
        through.item.find()
    assert attempts(proxy, "GET") == 1


def test_retried_create_leaves_exactly_one(
    proxied: tuple[FaultyProxy, QalxSession, QalxSession],
) -> None:
    proxy, through, direct = proxied
    proxy.plan.append(DROP_ANSWER)  # the server commits, the answer is lost
    made = through.item.add(data={"once": True})
    assert attempts(proxy, "POST") == 2
    found = direct.item.find(query={"data.once": True})
    assert [i.guid for i in found] == [made.guid]


def test_retried_bulk_create_leaves_exactly_one_of_each(
    proxied: tuple[FaultyProxy, QalxSession, QalxSession],
) -> None:
    proxy, through, direct = proxied
    proxy.plan.append(DROP_ANSWER)
    answer = through.item.add_many([{"data": {"n": n, "bulk": True}} for n in range(50)])
    assert answer["items_created"] == 50
    assert len(list(direct.item.find_all(query={"data.bulk": True}))) == 50


def test_retried_delete_after_lost_answer(
    proxied: tuple[FaultyProxy, QalxSession, QalxSession],
) -> None:
    proxy, through, direct = proxied
    item = direct.item.add(data={})
    proxy.plan.append(DROP_ANSWER)
    through.item.delete(item)
    assert direct.item.find().data == []


def test_read_timeout(proxied: tuple[FaultyProxy, QalxSession, QalxSession]) -> None:
    proxy, through, _ = proxied
    proxy.plan.extend([HANG] * 3)
    with pytest.raises(QalxAPITimeoutError, match="ReadTimeout"):
        through.item.find()
    assert attempts(proxy, "GET") == 3


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_forked_child_opens_its_own_connections(session: QalxSession) -> None:
    session.item.add(data={"who": "parent"})  # the pool is open before the fork
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit status
        try:
            session.item.add(data={"who": "child"})
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, code = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(code) == 0
    assert sorted(i.data.who for i in session.item.find()) == ["child", "parent"]
