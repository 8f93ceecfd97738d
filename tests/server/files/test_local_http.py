"""The embedded store over real HTTP: a uvicorn server, clients sending what pyqalx sends.

Uploads carry ``Content-Type: application/json`` and no Authorization (pyqalx's session
headers); downloads carry plain ``requests`` defaults.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import socket
import time
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from qalx_server.app import file_routes
from qalx_server.files.keys import object_key
from qalx_server.files.local import LocalFileStore

from .conftest import MAX_BYTES, SECRET, LiveServer

GUID = "8f0c6a1e-2b3d-4c5e-9f60-718293a4b5c6"
PYQALX_PUT_HEADERS = {
    "Content-Type": "application/json",
    "User-Agent": "python-urllib3/2.5.0",
    "Accept-Encoding": "identity",
}
REQUESTS_GET_HEADERS = {
    "User-Agent": "python-requests/2.34.0",
    "Accept": "*/*",
    "Accept-Encoding": "gzip, deflate",
}
BINARY = bytes(range(256)) * 64 + b"\x00\xff\xfe{not json at all"


def new_key(name: str = "report.pdf") -> str:
    return object_key("acme", GUID, name)


def put(http: httpx.Client, url: str, body: bytes) -> httpx.Response:
    return http.put(url, content=body, headers=PYQALX_PUT_HEADERS)


def get(http: httpx.Client, url: str) -> httpx.Response:
    return http.get(url, headers=REQUESTS_GET_HEADERS)


def assert_json_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]


def leftovers(store: LocalFileStore) -> list[Path]:
    """Every file under the store's root (temporary uploads included)."""
    return sorted(path for path in store.root.rglob("*") if path.is_file())


def with_query(url: str, **changes: str | None) -> str:
    """``url`` with some query parameters replaced (or removed when None)."""
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return parts._replace(query=urlencode(query)).geturl()


def test_upload_then_download_round_trip(
    local_store: LocalFileStore, local_base_url: str, http: httpx.Client
) -> None:
    key = new_key()
    put_url = local_store.put_url(key, base_url=local_base_url)
    assert put_url.startswith(f"{local_base_url}files/acme/{GUID}/")

    uploaded = put(http, put_url, BINARY)
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json() == {"key": key, "size": len(BINARY)}
    assert uploaded.headers["etag"] == f'"{hashlib.md5(BINARY).hexdigest()}"'

    downloaded = get(http, local_store.get_url(key, base_url=local_base_url))
    assert downloaded.status_code == 200
    assert downloaded.content == BINARY
    assert downloaded.headers["content-type"] == "application/pdf"
    assert downloaded.headers["content-disposition"] == 'attachment; filename="report.pdf"'
    assert downloaded.headers["x-content-type-options"] == "nosniff"
    assert "content-encoding" not in downloaded.headers
    assert local_store.read_bytes(key) == BINARY


def test_download_name_and_type_come_from_the_signed_filename(
    local_store: LocalFileStore, local_base_url: str, http: httpx.Client
) -> None:
    key = new_key("item_data_1.bson")
    local_store.write_bytes(key, b'{"a": 1}')
    url = local_store.get_url(key, base_url=local_base_url, filename="Résumé final.txt")
    response = get(http, url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"R_sum_ final.txt\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20final.txt"
    )
    # The name is signed: swapping it (say, to get the bytes served as HTML) is refused.
    assert_json_error(get(http, with_query(url, filename="page.html")), 403, "invalid_signature")
    assert_json_error(get(http, with_query(url, filename=None)), 403, "invalid_signature")


def test_head_answers_like_get_without_a_body(
    local_store: LocalFileStore, local_base_url: str, http: httpx.Client
) -> None:
    key = new_key()
    local_store.write_bytes(key, BINARY)
    response = http.head(local_store.get_url(key, base_url=local_base_url))
    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(BINARY))
    assert response.content == b""


def test_overwrite_replaces_the_bytes(
    local_store: LocalFileStore, local_base_url: str, http: httpx.Client
) -> None:
    key = new_key("data.bin")
    put_url = local_store.put_url(key, base_url=local_base_url)
    assert put(http, put_url, b"first version, longer than the second").status_code == 200
    assert put(http, put_url, b"second").status_code == 200
    assert get(http, local_store.get_url(key, base_url=local_base_url)).content == b"second"
    assert [path.name for path in leftovers(local_store)] == ["data.bin"]


def test_empty_upload(local_store: LocalFileStore, local_base_url: str, http: httpx.Client) -> None:
    key = new_key("empty.txt")
    assert put(http, local_store.put_url(key, base_url=local_base_url), b"").status_code == 200
    assert get(http, local_store.get_url(key, base_url=local_base_url)).content == b""


def _chunks(total: int, size: int = 1024 * 1024) -> Iterator[bytes]:
    """Deterministic, incompressible-looking bytes, produced a chunk at a time."""
    block = hashlib.sha256(b"seed").digest() * (size // 32)
    sent = 0
    while sent < total:
        chunk = block[: min(size, total - sent)]
        sent += len(chunk)
        yield chunk


def test_large_file_is_streamed_both_ways(
    tmp_path: Path, live_server: LiveServer, http: httpx.Client
) -> None:
    total = 20 * 1024 * 1024
    expected = hashlib.sha256()
    for chunk in _chunks(total):
        expected.update(chunk)
    store = LocalFileStore(tmp_path / "big", SECRET, max_bytes=64 * 1024 * 1024)
    base_url = live_server(Starlette(routes=file_routes(store)))
    key = new_key("big.bin")

    tracemalloc.start()
    try:
        uploaded = http.put(
            store.put_url(key, base_url=base_url),
            content=_chunks(total),
            headers={**PYQALX_PUT_HEADERS, "Content-Length": str(total)},
        )
        assert uploaded.status_code == 200, uploaded.text
        received = hashlib.sha256()
        size = 0
        with http.stream(
            "GET", store.get_url(key, base_url=base_url), headers=REQUESTS_GET_HEADERS
        ) as response:
            assert response.status_code == 200
            assert response.headers["content-length"] == str(total)
            for chunk in response.iter_bytes():
                received.update(chunk)
                size += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size == total
    assert received.hexdigest() == expected.hexdigest()
    # Client and server share this process: neither side held the file in memory.
    assert peak < 8 * 1024 * 1024, f"peak traced memory {peak} bytes"


def test_exactly_max_bytes_is_accepted(
    local_store: LocalFileStore, local_base_url: str, http: httpx.Client
) -> None:
    key = new_key("limit.bin")
    response = put(http, local_store.put_url(key, base_url=local_base_url), b"x" * MAX_BYTES)
    assert response.status_code == 200
    assert local_store.read_bytes(key) == b"x" * MAX_BYTES


def test_declared_oversize_upload_is_413_and_leaves_nothing(
    local_store: LocalFileStore, local_base_url: str, http: httpx.Client
) -> None:
    key = new_key("too-big.bin")
    response = put(http, local_store.put_url(key, base_url=local_base_url), b"x" * (MAX_BYTES + 1))
    assert_json_error(response, 413, "file_too_large")
    assert not local_store.exists(key)
    assert leftovers(local_store) == []


def test_streamed_oversize_upload_is_413_and_keeps_the_old_file(
    local_store: LocalFileStore, local_base_url: str, http: httpx.Client
) -> None:
    key = new_key("grows.bin")
    put_url = local_store.put_url(key, base_url=local_base_url)
    assert put(http, put_url, b"old contents").status_code == 200

    def oversize() -> Iterator[bytes]:  # chunked: no Content-Length to refuse up front
        for _ in range(MAX_BYTES // 65536 + 1):
            yield b"y" * 65536

    response = http.put(put_url, content=oversize(), headers=PYQALX_PUT_HEADERS)
    assert_json_error(response, 413, "file_too_large")
    assert local_store.read_bytes(key) == b"old contents"
    assert [path.name for path in leftovers(local_store)] == ["grows.bin"]


def test_aborted_upload_leaves_no_partial_file(
    local_store: LocalFileStore, local_base_url: str
) -> None:
    key = new_key("aborted.bin")
    local_store.write_bytes(key, b"complete old version")
    url = urlsplit(local_store.put_url(key, base_url=local_base_url))
    with socket.create_connection((url.hostname or "", url.port or 80), timeout=5) as sock:
        sock.sendall(
            f"PUT {url.path}?{url.query} HTTP/1.1\r\nHost: {url.netloc}\r\n"
            "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n".encode()
            + b"z" * 40000
        )
        time.sleep(0.2)  # let the server start writing the temporary file
    deadline = time.monotonic() + 5
    while len(leftovers(local_store)) > 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [path.name for path in leftovers(local_store)] == ["aborted.bin"]
    assert local_store.read_bytes(key) == b"complete old version"


def test_tampered_urls_are_403(
    local_store: LocalFileStore, local_base_url: str, http: httpx.Client
) -> None:
    key, other_key = new_key("a.txt"), new_key("b.txt")
    local_store.write_bytes(key, b"original")
    local_store.write_bytes(other_key, b"other")
    put_url = local_store.put_url(key, base_url=local_base_url)
    get_url = local_store.get_url(key, base_url=local_base_url)
    signature = parse_qs(urlsplit(get_url).query)["sig"][0]
    expires = int(parse_qs(urlsplit(get_url).query)["expires"][0])
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]

    bad_gets = [
        with_query(get_url, sig=flipped),
        with_query(get_url, sig=None),
        with_query(get_url, expires=None),
        with_query(get_url, expires=str(expires + 3600)),
        get_url.replace(key, other_key),  # another object with this object's signature
        put_url,  # an upload URL used to download
    ]
    for url in bad_gets:
        assert_json_error(get(http, url), 403, "invalid_signature")
    bad_puts = [
        get_url,  # a download URL used to upload
        with_query(put_url, sig=flipped),
        with_query(put_url, expires=str(expires + 3600)),
        put_url.replace(key, other_key),
    ]
    for url in bad_puts:
        assert_json_error(put(http, url, b"overwritten!"), 403, "invalid_signature")
    assert local_store.read_bytes(key) == b"original"
    assert local_store.read_bytes(other_key) == b"other"


def test_expired_urls_are_403(
    local_store: LocalFileStore, local_base_url: str, http: httpx.Client
) -> None:
    key = new_key("old.txt")
    local_store.write_bytes(key, b"kept")
    past = int(time.time()) - 5
    for method in ("GET", "PUT"):
        url = local_store.get_url(key, base_url=local_base_url)
        url = with_query(url, expires=str(past), sig=local_store.signer.sign(method, key, past))
        response = get(http, url) if method == "GET" else put(http, url, b"late")
        assert_json_error(response, 403, "signature_expired")
    assert local_store.read_bytes(key) == b"kept"


def test_urls_expire_after_expires_in(tmp_path: Path, live_server: LiveServer) -> None:
    store = LocalFileStore(tmp_path / "short", SECRET, max_bytes=MAX_BYTES, expires_in=1)
    base_url = live_server(Starlette(routes=file_routes(store)))
    key = new_key("short.txt")
    store.write_bytes(key, b"soon gone")
    url = store.get_url(key, base_url=base_url)
    expires = int(parse_qs(urlsplit(url).query)["expires"][0])
    assert 0.9 < expires - time.time() <= 2  # at least the second asked for, rounded up
    with httpx.Client() as http:
        assert get(http, url).status_code == 200
        time.sleep(max(0.0, expires + 1.05 - time.time()))
        assert_json_error(get(http, url), 403, "signature_expired")


def test_missing_file_is_404(
    local_store: LocalFileStore, local_base_url: str, http: httpx.Client
) -> None:
    key = new_key("never-uploaded.pdf")
    assert_json_error(
        get(http, local_store.get_url(key, base_url=local_base_url)), 404, "not_found"
    )
    response = http.head(local_store.get_url(key, base_url=local_base_url))
    assert response.status_code == 404


def test_other_methods_are_405_json(
    local_store: LocalFileStore, local_base_url: str, http: httpx.Client
) -> None:
    key = new_key()
    for method in ("POST", "DELETE", "PATCH", "PROPFIND"):
        response = http.request(method, local_store.put_url(key, base_url=local_base_url))
        assert_json_error(response, 405, "method_not_allowed")
        assert response.headers["allow"] == "GET, HEAD, PUT"


@pytest.mark.parametrize(
    "raw_path",
    [
        "/files/../../../../etc/passwd",
        "/files/acme/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/files/acme%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/files//etc/passwd",
        "/files/acme\\..\\..\\etc\\passwd",
        "/files/acme%5C..%5C..%5Cetc%5Cpasswd",
        "/files/acme/x%00.txt",
        "/files/acme/.upload-abc.part",
        "/files/",
    ],
)
def test_path_escape_attempts_are_refused(
    local_store: LocalFileStore, local_base_url: str, raw_path: str
) -> None:
    url = urlsplit(local_base_url)
    # http.client sends the path exactly as given (no dot-segment clean-up, unlike httpx).
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
    try:
        conn.request("GET", f"{raw_path}?expires=9999999999&sig={'A' * 43}")
        response = conn.getresponse()
        body = json.loads(response.read())
    finally:
        conn.close()
    assert response.status == 400
    assert body["code"] == "invalid_key"


def test_symlink_out_of_the_root_is_refused(
    tmp_path: Path, local_store: LocalFileStore, local_base_url: str, http: httpx.Client
) -> None:
    secret_file = tmp_path / "outside.txt"
    secret_file.write_bytes(b"top secret")
    key = new_key("link.txt")
    link = local_store.root / key
    link.parent.mkdir(parents=True)
    link.symlink_to(secret_file)
    # Even a correctly signed URL (made by hand: the store refuses to sign such a key).
    expires = int(time.time()) + 60
    url = local_store.get_url(new_key(), base_url=local_base_url)
    url = with_query(url, expires=str(expires), sig=local_store.signer.sign("GET", key, expires))
    url = url.replace(urlsplit(url).path, f"/files/{key}")
    response = get(http, url)
    assert_json_error(response, 400, "invalid_key")
    assert b"top secret" not in response.content


def test_concurrent_uploads_to_different_keys(
    local_store: LocalFileStore, local_base_url: str
) -> None:
    keys = [new_key(f"part-{index}.bin") for index in range(8)]
    bodies = {key: hashlib.sha256(key.encode()).digest() * 4096 for key in keys}  # 128 KiB

    def upload(key: str) -> int:
        with httpx.Client(timeout=30) as client:
            url = local_store.put_url(key, base_url=local_base_url)
            return put(client, url, bodies[key]).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(upload, keys))
    assert statuses == [200] * len(keys)
    for key in keys:
        assert local_store.read_bytes(key) == bodies[key]
    assert len(leftovers(local_store)) == len(keys)
