"""Object keys: sanitised names never escape their directory, bad keys are refused."""

from __future__ import annotations

import pytest

from qalx_server.files.errors import InvalidKey
from qalx_server.files.keys import (
    MAX_NAME_BYTES,
    object_key,
    sanitise_name,
    validate_key,
    validate_prefix,
)

COMPANY = "acme"
GUID = "8f0c6a1e-2b3d-4c5e-9f60-718293a4b5c6"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("My Report (v2).pdf", "My Report (v2).pdf"),
        ("résumé.pdf", "résumé.pdf"),
        ("../../etc/passwd", "passwd"),
        ("/etc/passwd", "passwd"),
        ("C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
        ("dir/", "dir"),
        ("..", "file"),
        (".", "file"),
        ("", "file"),
        ("   ", "file"),
        ("a/..", "a"),
        (".bashrc", "bashrc"),
        ("trailing. ", "trailing"),
        ("nul\x00byte.txt", "nulbyte.txt"),
        ("esc\x1b[31mred.txt", "esc[31mred.txt"),
        ("line\nbreak.txt", "line break.txt"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ('what?<>:"|*.txt', "what_______.txt"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("item_data_1234.bson", "item_data_1234.bson"),
    ],
)
def test_sanitise_name(raw: str, expected: str) -> None:
    assert sanitise_name(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "a" * 1000 + ".pdf",
        "é" * 500 + ".pdf",
        "x" * 300,
        "y" * 250 + "." + "z" * 40,
        "../" * 200 + "deep.txt",
        "\ud800lone-surrogate.txt",
    ],
)
def test_sanitised_names_are_single_safe_components(raw: str) -> None:
    name = sanitise_name(raw)
    assert name == validate_key(name)  # one component, no dot prefix, no control characters
    assert "/" not in name
    assert "\\" not in name
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES


def test_long_names_keep_their_extension() -> None:
    assert sanitise_name("a" * 1000 + ".pdf").endswith("a.pdf")
    assert sanitise_name("é" * 500 + ".pdf").endswith("é.pdf")


def test_object_key_layout_and_randomness() -> None:
    first = object_key(COMPANY, GUID, "../../secret report.pdf")
    second = object_key(COMPANY, GUID, "../../secret report.pdf")
    company, guid, random_part, name = first.split("/")
    assert (company, guid, name) == (COMPANY, GUID, "secret report.pdf")
    assert len(random_part) == 24
    assert first != second
    assert validate_key(first) == first


@pytest.mark.parametrize(
    ("company", "guid"),
    [("..", GUID), ("acme/other", GUID), ("", GUID), (COMPANY, "../x"), (COMPANY, ".hidden")],
)
def test_object_key_refuses_unsafe_ids(company: str, guid: str) -> None:
    with pytest.raises(InvalidKey):
        object_key(company, guid, "a.txt")


@pytest.mark.parametrize(
    "key",
    [
        "",
        "/etc/passwd",
        "../x",
        "a/../b",
        "a/./b",
        "a//b",
        "a/b/",
        "a\\b",
        "a/\x00b",
        "a/b\nc",
        "a/.part",
        "x" * 1025,
        "a/" + "y" * 256,
    ],
)
def test_validate_key_refuses(key: str) -> None:
    with pytest.raises(InvalidKey):
        validate_key(key)


def test_validate_prefix() -> None:
    assert validate_prefix("acme/guid/") == "acme/guid"
    assert validate_prefix("acme") == "acme"
    for bad in ("", "/", "../acme", "acme/../"):
        with pytest.raises(InvalidKey):
            validate_prefix(bad)
