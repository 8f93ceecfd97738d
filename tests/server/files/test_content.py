"""Download headers: stable content types and safe Content-Disposition values."""

from __future__ import annotations

import pytest

from qalx_server.files.content import content_disposition, guess_content_type


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "application/pdf"),
        ("notes.txt", "text/plain"),
        ("model.dat", "application/octet-stream"),
        ("item_data_x.bson", "application/octet-stream"),
        ("no-extension", "application/octet-stream"),
        ("archive.tar.gz", "application/gzip"),
        ("data.json", "application/json"),
    ],
)
def test_guess_content_type(name: str, expected: str) -> None:
    assert guess_content_type(name) == expected


def test_content_disposition_ascii() -> None:
    assert content_disposition("report.pdf") == 'attachment; filename="report.pdf"'


def test_content_disposition_unicode_has_fallback() -> None:
    value = content_disposition("résumé 1.pdf")
    assert value == (
        "attachment; filename=\"r_sum_ 1.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%201.pdf"
    )


def test_content_disposition_cannot_inject() -> None:
    value = content_disposition('a".pdf\r\nSet-Cookie: x=1')
    assert "\r" not in value
    assert "\n" not in value
    assert value.count('"') == 2
