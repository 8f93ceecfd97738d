"""File bytes through signed URLs, with and without Fernet encryption, and as_file data."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from qalx import QalxSession
from qalx.errors import QalxConfigError, QalxError, QalxFileError


def test_file_from_path(session: QalxSession, tmp_path: Path) -> None:
    source = tmp_path / "316_datasheet.pdf"
    payload = os.urandom(3 * (1 << 20) + 17)  # several chunks
    source.write_bytes(payload)
    item = session.item.add(source=str(source), data={"rho": 8000, "E": 193e9})
    assert item.file.name == "316_datasheet.pdf"
    assert "put_url" not in item.file
    got = session.item.find_one({"data.rho": 8000})
    assert got.read_file() == payload
    saved = got.save_file_to_disk(tmp_path / "out")
    assert Path(saved) == tmp_path / "out" / "316_datasheet.pdf"
    assert Path(saved).read_bytes() == payload
    other = session.item.get(item.guid).save_file_to_disk(tmp_path, filename="copy.pdf")
    assert Path(other).read_bytes() == payload


@pytest.mark.parametrize(
    ("stream", "expected"),
    [(io.BytesIO, b"bytes \x00\xff"), (io.StringIO, "text ✓".encode())],
)
def test_file_from_stream(
    session: QalxSession, stream: Callable[[Any], io.IOBase], expected: bytes
) -> None:
    source = stream(expected if stream is io.BytesIO else expected.decode())
    source.read()  # a stream read to its end is still sent whole
    item = session.item.add(source=source, file_name="report.docx")  # type: ignore[arg-type]
    assert item.file.name == "report.docx"
    assert session.item.get(item.guid).read_file() == expected


def test_refused_file_arguments_write_nothing(session: QalxSession, tmp_path: Path) -> None:
    with pytest.raises(QalxFileError, match="file_name"):
        session.item.add(source=io.BytesIO(b"x"))
    with pytest.raises(QalxFileError, match="not a file"):
        session.item.add(source=str(tmp_path / "missing.txt"))
    with pytest.raises(QalxFileError, match="as_file"):
        session.item.add(source=io.BytesIO(b"x"), file_name="x", as_file=True)
    assert session.item.find().data == []
    with pytest.raises(QalxError, match="doesn't have file data"):
        session.item.add(data={}).read_file()


def test_replace_and_remove_file(session: QalxSession) -> None:
    item = session.item.add(source=io.BytesIO(b"one"), file_name="a.txt")
    item = session.item.save(item, source=io.BytesIO(b"two"), file_name="b.txt")
    got = session.item.get(item.guid)
    assert got.file.name == "b.txt" and got.read_file() == b"two"
    got.data.touched = True
    again = session.item.save(got)  # no new source: the file stays
    assert session.item.get(again.guid).read_file() == b"two"
    again["file"] = {}
    session.item.save(again)
    assert session.item.get(item.guid).file == {}


def test_upload_false_leaves_put_url(session: QalxSession) -> None:
    item = session.item.add(source=io.BytesIO(b"later"), file_name="later.txt", upload=False)
    assert item.file.put_url
    session.files.upload(item.file.put_url, b"later", encrypt=False)
    assert session.item.get(item.guid).read_file() == b"later"


@pytest.fixture
def keyfile(tmp_path: Path) -> Path:
    path = tmp_path / "qalx.key"
    path.write_bytes(Fernet.generate_key())
    return path


def test_encrypted_files(
    make_session: Callable[..., QalxSession], keyfile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QALX_USER_KEYFILE", str(keyfile))
    secret = make_session()
    item = secret.item.add(source=io.BytesIO(b"classified"), file_name="s.txt")
    assert item.file.keyfile == "qalx.key"
    assert secret.item.get(item.guid).read_file() == b"classified"
    # the stored bytes are a Fernet token, not the plain text
    monkeypatch.delenv("QALX_USER_KEYFILE")
    plain = make_session()
    stored = plain.item.get(item.guid).read_file()
    assert stored != b"classified"
    assert Fernet(keyfile.read_bytes()).decrypt(stored) == b"classified"
    # encrypt=False stores the bytes as they are
    monkeypatch.setenv("QALX_USER_KEYFILE", str(keyfile))
    clear = make_session().item.add(source=io.BytesIO(b"open"), file_name="o.txt", encrypt=False)
    assert not clear.file.get("keyfile")
    assert plain.item.get(clear.guid).read_file() == b"open"


def test_wrong_key_is_a_clear_error(
    make_session: Callable[..., QalxSession],
    keyfile: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QALX_USER_KEYFILE", str(keyfile))
    item = make_session().item.add(source=io.BytesIO(b"x"), file_name="x")
    other = tmp_path / "other.key"
    other.write_bytes(Fernet.generate_key())
    monkeypatch.setenv("QALX_USER_KEYFILE", str(other))
    with pytest.raises(QalxFileError, match="decrypted"):
        make_session().item.get(item.guid).read_file()


def test_missing_keyfile_is_a_config_error(
    make_session: Callable[..., QalxSession], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QALX_USER_KEYFILE", str(tmp_path / "nope.key"))
    with pytest.raises(QalxConfigError, match="KEYFILE"):
        make_session()


def test_as_file_data(session: QalxSession) -> None:
    data = {"series": list(range(1000)), "nested": {"x": 1.5}}
    item = session.item.add(data=data, as_file=True)
    assert item.data.to_dict() == data
    assert item.file.as_file is True
    got = session.item.get(item.guid)
    assert got.data.to_dict() == data
    listed = session.item.find(query={"guid": item.guid})
    assert listed.data[0].data.to_dict() == data
    got.data.nested.x = 2.5
    session.item.save(got)
    assert session.item.get(item.guid).data.nested.x == 2.5


def test_as_file_encrypted(
    make_session: Callable[..., QalxSession], keyfile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QALX_USER_KEYFILE", str(keyfile))
    secret = make_session()
    item = secret.item.add(data={"x": 1}, as_file=True)
    assert secret.item.get(item.guid).data.x == 1


def test_add_many_with_files(session: QalxSession, tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"from disk")
    answer = session.item.add_many(
        [
            {"data": {"n": 0}},
            {"data": {"n": 1}, "source": str(path)},
            {"data": {"n": 2}, "source": io.BytesIO(b"from memory"), "file_name": "m.bin"},
        ]
    )
    assert answer["items_created"] == 3
    by_n = {i.data.n: i for i in answer.items_}
    assert session.item.get(by_n[1].guid).read_file() == b"from disk"
    assert session.item.get(by_n[2].guid).read_file() == b"from memory"
