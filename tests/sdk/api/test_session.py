"""The session: where its settings come from, its tags, and the errors of bad input."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from qalx import QalxSession, UserConfig
from qalx.errors import (
    QalxAPIAuthError,
    QalxAPIResponseError,
    QalxConfigFileNotFound,
    QalxConfigProfileNotFound,
    QalxError,
    QalxInvalidTagError,
)
from tests.sdk.api.conftest import Company


def test_profile_from_ini_overrides_env(
    company: Company, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QALX_USER_BASE_URL", "http://127.0.0.1:9/")  # nothing listens there
    monkeypatch.setenv("QALX_USER_TOKEN", "wrong")
    UserConfig.configure("work", {"BASE_URL": company.live.base_url, "TOKEN": company.token})
    session = QalxSession(profile_name="work")
    assert session.config.base_url == company.live.base_url.rstrip("/") + "/"
    assert session.item.add(data={"from": "ini"}).data["from"] == "ini"
    session.close()


def test_missing_ini_and_profile(home: Path) -> None:
    with pytest.raises(QalxConfigFileNotFound, match=r"\.qalx"):
        QalxSession()
    UserConfig.configure("default", {"TOKEN": "t"})
    with pytest.raises(QalxConfigProfileNotFound, match="nope"):
        QalxSession(profile_name="nope")


def test_bad_token_is_an_auth_error(company: Company, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QALX_USER_BASE_URL", company.live.base_url)
    monkeypatch.setenv("QALX_USER_TOKEN", "not-a-token")
    with QalxSession(skip_ini=True) as session, pytest.raises(QalxAPIAuthError) as caught:
        session.item.find()
    assert caught.value.status_code == 401


def test_unreachable_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from qalx.errors import QalxAPIConnectionError

    monkeypatch.setenv("QALX_USER_BASE_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("QALX_USER_MAX_RETRY_500", "1")
    with (
        QalxSession(skip_ini=True) as session,
        pytest.raises(QalxAPIConnectionError, match=r"127\.0\.0\.1:9"),
    ):
        session.item.get(uuid.uuid4())


def test_project_tags_scope_writes_and_finds(make_session: Callable[..., QalxSession]) -> None:
    p123 = make_session(project_name="P123")
    untagged = make_session()
    mine = p123.item.add(data={"n": 1})
    assert mine.tags == [{"name": "project_name", "value": "p123"}]
    other = untagged.item.add(data={"n": 2})
    assert [i.guid for i in p123.item.find()] == [mine.guid]
    assert {i.guid for i in p123.item.find(include_session_tags=False)} == {mine.guid, other.guid}
    query = {"data.n": 1}
    p123.item.find(query=query)
    assert query == {"data.n": 1}  # the caller's dict is left as it was
    # get by guid never filters by tags
    assert p123.item.get(other.guid).guid == other.guid
    # a save through a tagged session tags the entity
    saved = p123.item.save(untagged.item.get(other.guid))
    assert saved.tags == [{"name": "project_name", "value": "p123"}]


def test_session_tags_are_validated(session: QalxSession) -> None:
    session.tags.add("Stage", " Design ")
    assert list(session.tags) == [{"name": "stage", "value": "design"}]
    with pytest.raises(QalxInvalidTagError):
        session.tags.add("_reserved", "x")
    with pytest.raises(QalxInvalidTagError):
        session.tags = [{"name": "a"}]
    assert list(session.tags) == [{"name": "stage", "value": "design"}]
    with pytest.raises(QalxError, match="session"):
        session.item.add(data={}, tags=[{"name": "a", "value": "b"}])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.item.get("not-a-guid"), "UUID"),
        (lambda s: s.item.add(data=[1, 2]), "dict"),
        (lambda s: s.item.add(data={"x": object()}), "not JSON serialisable"),
        (lambda s: s.item.add(data={1: "int key"}), "keys must be strings"),
        (lambda s: s.item.add(data={}, meta="m"), "meta"),
        (lambda s: s.item.find(query="data.x"), "query must be a dict"),
        (lambda s: s.item.find(query={"x": {1, 2}.__class__}), "not JSON serialisable"),
        (lambda s: s.item.find(limit=0), "limit"),
        (lambda s: s.item.aggregate({"$match": {}}), "list"),
        (lambda s: s.notification.add("s", "m", to="a@example.com"), "list of e-mail"),
        (lambda s: s.queue.get_messages(None), "bot session"),
    ],
)
def test_bad_input_is_refused_before_any_write(
    session: QalxSession, call: Callable[[QalxSession], object], message: str
) -> None:
    with pytest.raises(QalxError, match=message) as caught:
        call(session)
    assert not isinstance(caught.value, QalxAPIResponseError)
    assert session.item.find().data == []


def test_server_refusal_keeps_its_detail(session: QalxSession) -> None:
    from qalx.errors import QalxAPIBadRequest

    with pytest.raises(QalxAPIBadRequest) as caught:
        session.item.find(query={"$where": "1"})
    assert caught.value.status_code == 400
    assert "$where" in str(caught.value)
