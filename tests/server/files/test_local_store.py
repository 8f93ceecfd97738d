"""The embedded store's disk operations (no HTTP): layout, deletes, and the FileStore contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from qalx_server.files.base import FileStore
from qalx_server.files.errors import InvalidKey, ObjectNotFound
from qalx_server.files.keys import object_key
from qalx_server.files.local import LocalFileStore
from qalx_server.files.s3 import S3FileStore

GUID = "8f0c6a1e-2b3d-4c5e-9f60-718293a4b5c6"


def test_both_stores_implement_the_protocol(
    local_store: LocalFileStore, s3_store: S3FileStore
) -> None:
    stores: list[FileStore] = [local_store, s3_store]  # checked statically by mypy too
    assert all(isinstance(store, FileStore) for store in stores)


def test_write_read_exists(local_store: LocalFileStore) -> None:
    key = object_key("acme", GUID, "a.txt")
    assert not local_store.exists(key)
    with pytest.raises(ObjectNotFound):
        local_store.read_bytes(key)
    local_store.write_bytes(key, b"hello")
    assert local_store.exists(key)
    assert local_store.read_bytes(key) == b"hello"
    assert (local_store.root / key).read_bytes() == b"hello"


def test_delete_is_idempotent_and_prunes_empty_directories(local_store: LocalFileStore) -> None:
    key = object_key("acme", GUID, "a.txt")
    local_store.write_bytes(key, b"x")
    local_store.delete(key)
    local_store.delete(key)
    assert not local_store.exists(key)
    assert list(local_store.root.iterdir()) == []
    assert local_store.root.is_dir()


def test_delete_of_a_prefix_key_deletes_nothing(local_store: LocalFileStore) -> None:
    key = object_key("acme", GUID, "a.txt")
    local_store.write_bytes(key, b"x")
    local_store.delete(f"acme/{GUID}")
    assert local_store.exists(key)


def test_delete_prefix_takes_whole_components(local_store: LocalFileStore) -> None:
    doomed = [object_key("acme", GUID, f"{index}.txt") for index in range(3)]
    kept = [object_key("acme", GUID + "0", "n.txt"), object_key("acme2", GUID, "o.txt")]
    for key in doomed + kept:
        local_store.write_bytes(key, b"x")
    local_store.delete_prefix(f"acme/{GUID}/")
    assert [local_store.exists(key) for key in doomed] == [False] * len(doomed)
    assert [local_store.exists(key) for key in kept] == [True] * len(kept)
    local_store.delete_prefix(f"acme/{GUID}")  # already gone: fine
    local_store.delete_prefix("acme2")
    assert sorted(path.name for path in local_store.root.iterdir()) == ["acme"]


@pytest.mark.parametrize("prefix", ["", "/", "..", "../outside", "acme/../.."])
def test_delete_prefix_refuses_unsafe_prefixes(local_store: LocalFileStore, prefix: str) -> None:
    with pytest.raises(InvalidKey):
        local_store.delete_prefix(prefix)


def test_symlinked_directory_is_not_followed(tmp_path: Path, local_store: LocalFileStore) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_bytes(b"keep me")
    (local_store.root / "acme").mkdir()
    (local_store.root / "acme" / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InvalidKey):
        local_store.write_bytes("acme/link/precious.txt", b"overwritten")
    with pytest.raises(InvalidKey):
        local_store.delete_prefix("acme/link")
    assert (outside / "precious.txt").read_bytes() == b"keep me"


def test_urls_need_an_absolute_base_url(local_store: LocalFileStore) -> None:
    key = object_key("acme", GUID, "a.txt")
    with pytest.raises(ValueError, match="base_url"):
        local_store.put_url(key, base_url="/relative/")
    with pytest.raises(InvalidKey):
        local_store.get_url("../a.txt", base_url="http://127.0.0.1:8000/")


def test_url_format(local_store: LocalFileStore) -> None:
    key = "acme/g/0123/my report #1.pdf"
    url = local_store.get_url(key, base_url="https://qalx.example/api", filename="a b.pdf")
    assert url.startswith("https://qalx.example/api/files/acme/g/0123/my%20report%20%231.pdf?")
    assert "&filename=a%20b.pdf" in url
