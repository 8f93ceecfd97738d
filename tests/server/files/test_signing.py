"""URL signatures: bound to method, key, expiry and file name; expiry enforced."""

from __future__ import annotations

import pytest

from qalx_server.files.errors import InvalidSignature, SignatureExpired
from qalx_server.files.signing import UrlSigner

SECRET = b"s" * 32
KEY = "acme/guid/0123/report.pdf"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_round_trip_and_expiry() -> None:
    clock = Clock(1_000_000.0)
    signer = UrlSigner(SECRET, clock=clock)
    expires = signer.expiry(60)
    assert expires == 1_000_060
    signature = signer.sign("PUT", KEY, expires)
    signer.verify("PUT", KEY, str(expires), signature)
    clock.now = 1_000_060.0
    signer.verify("PUT", KEY, str(expires), signature)  # valid up to and including expiry
    clock.now = 1_000_060.5
    with pytest.raises(SignatureExpired):
        signer.verify("PUT", KEY, str(expires), signature)


@pytest.mark.parametrize(
    ("method", "key", "expires", "filename"),
    [
        ("GET", KEY, "2000000000", None),  # other method
        ("PUT", KEY + "x", "2000000000", None),  # other key
        ("PUT", KEY, "2000000001", None),  # other expiry
        ("PUT", KEY, "02000000000", None),  # same number, other spelling
        ("PUT", KEY, "2000000000", "other.pdf"),  # other file name
    ],
)
def test_any_change_breaks_the_signature(
    method: str, key: str, expires: str, filename: str | None
) -> None:
    signer = UrlSigner(SECRET, clock=Clock(0))
    signature = signer.sign("PUT", KEY, 2_000_000_000)
    with pytest.raises(InvalidSignature) as info:
        signer.verify(method, key, expires, signature, filename=filename)
    assert not isinstance(info.value, SignatureExpired)


@pytest.mark.parametrize(
    ("expires", "signature"),
    [(None, "x" * 43), ("2000000000", None), ("", ""), ("-5", "x" * 43), ("1e9", "x" * 43)],
)
def test_missing_or_malformed_parameters(expires: str | None, signature: str | None) -> None:
    with pytest.raises(InvalidSignature):
        UrlSigner(SECRET).verify("GET", KEY, expires, signature)


def test_tampered_and_foreign_signatures() -> None:
    signer = UrlSigner(SECRET, clock=Clock(0))
    good = signer.sign("GET", KEY, 100)
    flipped = ("A" if good[0] != "A" else "B") + good[1:]
    foreign = UrlSigner(b"t" * 32, clock=Clock(0)).sign("GET", KEY, 100)
    for bad in (flipped, foreign, good[:-1], good + "A", "é" * 43):
        with pytest.raises(InvalidSignature):
            signer.verify("GET", KEY, "100", bad)


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        UrlSigner(b"short")
