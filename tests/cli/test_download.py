"""`qalx download GUID`: files of items and factories, saved where the user asks."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from qalx import UserConfig

from .conftest import Company, qalx


def test_item_file_to_a_directory(company: Company, tmp_path: Path) -> None:
    source = tmp_path / "results.csv"
    source.write_bytes(b"x,y\n1,2\n")
    item = company.session().item.add(source=str(source), meta={"kind": "results"})
    out = tmp_path / "out"
    out.mkdir()
    result = qalx("download", str(item.guid), "-d", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "results.csv").read_bytes() == b"x,y\n1,2\n"
    assert f"Saved {out / 'results.csv'}" in result.output


def test_default_directory_is_made(company: Company, tmp_path: Path, home: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("hello")
    item = company.session().item.add(source=str(source))
    result = qalx("download", str(item.guid))
    assert result.exit_code == 0, result.output
    default = home / ".local" / "share" / "qalx"  # DOWNLOAD_DIR's default
    assert (default / "a.txt").read_text() == "hello"
    # DOWNLOAD_DIR from the profile, missing until now
    wanted = tmp_path / "downloads" / "here"
    UserConfig.configure(
        "default",
        {"DOWNLOAD_DIR": str(wanted), "TOKEN": company.token, "BASE_URL": company.live.base_url},
    )
    result = qalx("download", str(item.guid))
    assert result.exit_code == 0, result.output
    assert (wanted / "a.txt").read_text() == "hello"


def test_encrypted_file_is_decrypted(
    company: Company, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "k.key"
    key.write_bytes(Fernet.generate_key())
    monkeypatch.setenv("QALX_USER_KEYFILE", str(key))
    source = tmp_path / "secret.bin"
    source.write_bytes(b"\x00secret")
    item = company.session().item.add(source=str(source))
    assert item.file.keyfile == "k.key"  # stored encrypted
    result = qalx("download", str(item.guid), "-d", str(tmp_path / "out"))
    assert result.exit_code == 2  # -d must exist
    (tmp_path / "out").mkdir()
    result = qalx("download", str(item.guid), "-d", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "secret.bin").read_bytes() == b"\x00secret"


def test_factory_plan(company: Company, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yml"
    plan.write_text("factory:\n  name: f\n")
    factory = company.session().factory.add(name="f", source=str(plan))
    out = tmp_path / "out"
    out.mkdir()
    result = qalx("download", str(factory.guid), "-e", "factory", "-d", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "plan.yml").read_text() == "factory:\n  name: f\n"
    # an item guid is not a factory's
    missing = qalx("download", str(factory.guid), "-d", str(out))
    assert missing.exit_code == 1 and f"no item with guid {factory.guid}" in missing.output


def test_not_found_no_file_bad_guid(company: Company, tmp_path: Path) -> None:
    unknown = uuid.uuid4()
    result = qalx("download", str(unknown), "-d", str(tmp_path))
    assert result.exit_code == 1
    assert f"Error: no item with guid {unknown}" in result.output
    item = company.session().item.add(data={"x": 1})
    result = qalx("download", str(item.guid), "-d", str(tmp_path))
    assert result.exit_code == 1 and f"item {item.guid} has no file" in result.output
    result = qalx("download", "not-a-guid")
    assert result.exit_code == 2 and "'not-a-guid' is not a guid" in result.output
    result = qalx("download", str(item.guid), "-d", str(tmp_path / "absent"))
    assert result.exit_code == 2 and "does not exist" in result.output
    result = qalx("download", str(item.guid), "-e", "set")
    assert result.exit_code == 2 and "'set' is not one of" in result.output


def test_no_token_or_unreachable_server(company: Company, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QALX_USER_TOKEN")
    result = qalx("download", str(uuid.uuid4()))
    assert result.exit_code == 1 and "no TOKEN in the user profile [default]" in result.output
    monkeypatch.setenv("QALX_USER_TOKEN", company.token)
    monkeypatch.setenv("QALX_USER_BASE_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("QALX_USER_MAX_RETRY_500", "1")
    result = qalx("download", str(uuid.uuid4()))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("Error: ") and "127.0.0.1:9" in result.output
