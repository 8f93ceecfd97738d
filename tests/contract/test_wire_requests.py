"""The generated client puts on the wire what wire-contract §1-§2 says, over real HTTP.

A loopback capture peer (like the one the wire contract's facts were observed with) records
each request and answers with a document from the contract.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from qalx_api_client import AuthenticatedClient, models
from qalx_api_client.api.bot import replace_bot_workers
from qalx_api_client.api.item import archive_item, create_item, get_item, list_items
from qalx_api_client.api.worker import get_worker, update_worker
from qalx_api_client.models import CreateItemQalxBulk

from . import wire_documents as wire


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


class CapturePeer(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[Seen] = []
        self.reply: tuple[int, Any] = (200, {})


class _Handler(BaseHTTPRequestHandler):
    server: CapturePeer

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        url = urlsplit(self.path)
        self.server.seen.append(
            Seen(
                self.command,
                url.path,
                parse_qs(url.query, keep_blank_values=True),
                {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(length),
            )
        )
        status, document = self.server.reply
        payload = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_DELETE = _handle

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def peer() -> Iterator[CapturePeer]:
    server = CapturePeer()
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _client(peer: CapturePeer, prefix: str = "/") -> AuthenticatedClient:
    host, port = peer.server_address[:2]
    return AuthenticatedClient(
        base_url=f"http://{host!s}:{port}{prefix}", token="k3y", prefix="Token"
    )


def test_list_sends_pyqalx_list_parameters(peer: CapturePeer) -> None:
    peer.reply = (200, {"data": [wire.ITEM], "query": {"count": 1, "next": None}})
    query = json.dumps({"guid": {"$in": [wire.ITEM_GUIDS[0]]}})

    page = list_items.sync(
        client=_client(peer),
        skip=0,
        limit=2,
        sort=["-data__height", "created"],
        query=query,
        fields=["data.height", "meta.case_name"],
    )

    (seen,) = peer.seen
    assert (seen.method, seen.path) == ("GET", "/item")
    assert seen.headers["authorization"] == "Token k3y"
    assert seen.query == {
        "skip": ["0"],
        "limit": ["2"],
        "sort": ["-data__height", "created"],
        "query": [query],
        "fields": ["data.height", "meta.case_name"],
    }
    assert seen.body == b""
    assert isinstance(page, models.ItemList)
    assert page.data[0].guid.to_dict() == wire.ITEM_GUIDS[0]


def test_base_url_path_prefix_is_kept_and_no_trailing_slash(peer: CapturePeer) -> None:
    peer.reply = (200, wire.ITEM)
    guid = uuid.UUID(hex=wire.ITEM_GUIDS[0]["$uuid"])

    item = get_item.sync(guid, client=_client(peer, "/qalx/"))

    assert peer.seen[0].path == f"/qalx/item/{guid}"
    assert str(guid) == str(guid).lower() and "-" in str(guid)
    assert isinstance(item, models.Item)


def test_bulk_create_sends_the_qalx_bulk_header(peer: CapturePeer) -> None:
    body = dict(wire.REQUESTS)["ItemBulkCreate"]
    peer.reply = (200, dict(wire.ENVELOPES)["ItemBulkResult"])

    result = create_item.sync(
        client=_client(peer),
        body=models.ItemBulkCreate.from_dict(body),
        qalx_bulk=CreateItemQalxBulk.TRUE,
    )

    (seen,) = peer.seen
    assert (seen.method, seen.path) == ("POST", "/item")
    assert seen.headers["qalx-bulk"] == "true"
    assert seen.headers["content-type"] == "application/json"
    assert json.loads(seen.body) == body  # junk keys and Extended JSON pass through untouched
    assert isinstance(result, models.ItemBulkResult)
    assert result.items_errored == 1


def test_single_create_keeps_extended_json_in_data(peer: CapturePeer) -> None:
    body = {"data": wire.ITEM["data"], "meta": {}, "encrypt": True, "tags": wire.TAGS}
    peer.reply = (201, wire.ITEM)

    created = create_item.sync(client=_client(peer), body=models.ItemCreate.from_dict(body))

    assert "qalx-bulk" not in peer.seen[0].headers
    assert json.loads(peer.seen[0].body) == body
    assert isinstance(created, models.Item)
    assert created.file.to_dict() == {}


def test_archive_is_a_bodyless_patch(peer: CapturePeer) -> None:
    peer.reply = (200, wire.ITEM)
    guid = uuid.UUID(hex=wire.ITEM_GUIDS[0]["$uuid"])

    archive_item.sync(guid, client=_client(peer))

    (seen,) = peer.seen
    assert (seen.method, seen.path) == ("PATCH", f"/item/{guid}/archive")
    assert seen.body == b""


def test_worker_signal_read_and_write(peer: CapturePeer) -> None:
    bot, worker = uuid.uuid4(), uuid.uuid4()
    peer.reply = (200, wire.WORKER_SIGNALLED)

    read = get_worker.sync(bot, worker, client=_client(peer), fields=["signal"])
    update_worker.sync(
        bot,
        worker,
        client=_client(peer),
        body=models.WorkerUpdate.from_dict({"signal": {"terminate": True, "warm": True}}),
    )

    first, second = peer.seen
    assert (first.method, first.path) == ("GET", f"/bot/{bot}/worker/{worker}")
    assert first.query == {"fields": ["signal"]}
    assert isinstance(read, models.Worker)
    assert read.signal.cold is True
    assert (second.method, second.path) == ("PATCH", f"/bot/{bot}/worker/{worker}")
    assert json.loads(second.body) == {"signal": {"terminate": True, "warm": True}}


def test_replace_workers_uses_the_hyphenated_path(peer: CapturePeer) -> None:
    bot = uuid.UUID(hex=wire.BOT_GUID["$uuid"])
    peer.reply = (200, wire.BOT)

    answer = replace_bot_workers.sync(
        bot, client=_client(peer), body=models.ReplaceWorkers(workers=2)
    )

    assert peer.seen[0].path == f"/bot/{bot}/replace-workers"
    assert json.loads(peer.seen[0].body) == {"workers": 2}
    assert isinstance(answer, models.Bot)


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_error_answers_parse_as_error(peer: CapturePeer, status: int) -> None:
    peer.reply = (status, {"detail": "item 1 not found", "code": "not_found"})

    answer = get_item.sync(uuid.uuid4(), client=_client(peer))

    assert isinstance(answer, models.Error)
    assert answer.detail == "item 1 not found"
