"""AWS Signature Version 4 verification, by recomputing the signature with botocore's signer.

The request is rebuilt from exactly the headers the client signed, and botocore's `SigV4Auth`
computes the canonical request, string to sign and signature with the region and date taken
from the credential scope, so whatever botocore signs, this verifies. Signatures are compared in
constant time; a request more than 15 minutes from the server's clock is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Sequence

import attrs
from botocore.auth import UNSIGNED_PAYLOAD, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from sqlalchemy import Connection

from . import errors
from .credentials import Grant, derive_secret, find_grant

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "sqs"
MAX_SKEW = dt.timedelta(minutes=15)
_AMZ_DATE = re.compile(r"\d{8}T\d{6}Z")
_FORMAT = "%Y%m%dT%H%M%SZ"


@attrs.frozen
class IncomingRequest:
    """What the server received, as signed: method, path, raw query, headers and body."""

    method: str
    path: str
    query: str
    headers: Sequence[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name]
        return ",".join(values) if values else None


@attrs.frozen
class Verified:
    grant: Grant
    region: str


@attrs.frozen
class _Authorization:
    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: list[str]
    signature: str


def _parse_authorization(value: str) -> _Authorization:
    if not value.startswith(ALGORITHM + " "):
        raise errors.incomplete_signature(f"Authorization header must use {ALGORITHM}.")
    fields: dict[str, str] = {}
    for part in value[len(ALGORITHM) + 1 :].split(","):
        name, sep, content = part.strip().partition("=")
        if sep:
            fields[name] = content
    try:
        credential, signed, signature = (
            fields["Credential"],
            fields["SignedHeaders"],
            fields["Signature"],
        )
    except KeyError as missing:
        raise errors.incomplete_signature(
            f"Authorization header requires '{missing.args[0]}' parameter."
        ) from None
    scope = credential.split("/")
    if len(scope) != 5 or scope[4] != "aws4_request" or not all(scope):
        raise errors.incomplete_signature(
            "Credential should be scoped to a valid region and service: "
            "<key>/<date>/<region>/<service>/aws4_request."
        )
    return _Authorization(
        scope[0], scope[1], scope[2], scope[3], signed.split(";"), signature.strip()
    )


def verify(conn: Connection, key: bytes, request: IncomingRequest, *, now: dt.datetime) -> Verified:
    """The grant a correctly signed request acts under; raises an SQS auth error otherwise."""
    value = request.header("authorization")
    if not value:
        raise errors.missing_authentication()
    auth = _parse_authorization(value)
    amz_date = request.header("x-amz-date") or ""
    if not _AMZ_DATE.fullmatch(amz_date):
        raise errors.incomplete_signature("The request must carry a valid X-Amz-Date header.")
    if auth.service != SERVICE:
        raise errors.signature_does_not_match(
            f"Credential should be scoped to correct service: '{SERVICE}'."
        )
    if auth.date != amz_date[:8]:
        raise errors.signature_does_not_match(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date."
        )
    signed_at = dt.datetime.strptime(amz_date, _FORMAT).replace(tzinfo=dt.UTC)
    if abs(now - signed_at) > MAX_SKEW:
        raise errors.signature_does_not_match(
            f"Signature expired: {amz_date} is now earlier than "
            f"{(now - MAX_SKEW).strftime(_FORMAT)} ({now.strftime(_FORMAT)} - 15 min.)"
        )
    token = request.header("x-amz-security-token")
    grant = find_grant(conn, auth.access_key_id, token)
    if grant is None or grant.revoked:
        raise errors.invalid_client_token()
    if "host" not in auth.signed_headers or "x-amz-date" not in auth.signed_headers:
        raise errors.signature_does_not_match()
    if "x-amz-security-token" not in auth.signed_headers:
        raise errors.signature_does_not_match()
    expected = _signature(key, auth, request, amz_date, token)
    if expected is None or not hmac.compare_digest(expected, auth.signature):
        raise errors.signature_does_not_match()
    if grant.expires_ms <= int(now.timestamp() * 1000):
        raise errors.expired_token()
    return Verified(grant, auth.region)


def _signature(
    key: bytes, auth: _Authorization, request: IncomingRequest, amz_date: str, token: str | None
) -> str | None:
    headers: dict[str, str] = {}
    for name in auth.signed_headers:
        found = request.header(name)
        if found is None:
            return None
        headers[name] = found
    content_sha = headers.get("x-amz-content-sha256")
    body_sha = hashlib.sha256(request.body).hexdigest()
    if content_sha not in (None, UNSIGNED_PAYLOAD, body_sha):
        return None
    url = f"http://{headers['host']}{request.path}"
    if request.query:
        url += "?" + request.query
    rebuilt = AWSRequest(method=request.method, url=url, headers=headers, data=request.body)
    rebuilt.context["timestamp"] = amz_date
    secret = derive_secret(key, auth.access_key_id)
    signer = SigV4Auth(BotoCredentials(auth.access_key_id, secret, token), SERVICE, auth.region)
    if signer.signed_headers(signer.headers_to_sign(rebuilt)) != ";".join(auth.signed_headers):
        return None
    canonical = signer.canonical_request(rebuilt)
    return str(signer.signature(signer.string_to_sign(rebuilt, canonical), rebuilt))
