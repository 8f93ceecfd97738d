"""SigV4 authentication against issued credentials, and company scoping."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from mypy_boto3_sqs import SQSClient

from qalx_server.broker import revoke_credentials

from .conftest import REGION, Tenant
from .helpers import receive, refused, send


def test_credentials_look_like_sts_ones(tenant: Tenant) -> None:
    made = tenant.credentials()
    assert made.access_key_id.startswith("ASIA") and len(made.access_key_id) == 20
    assert len(made.secret_access_key) == 40
    assert made.expiration.tzinfo is not None
    lifetime = made.expiration - dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=11, minutes=59) < lifetime <= dt.timedelta(hours=12)


def _tamper(part: str) -> Any:
    def hook(request: Any, **_: Any) -> None:
        """`request` is botocore's AWSPreparedRequest, just before it goes out."""
        if part == "signature":
            auth: Any = request.headers["Authorization"]
            text = auth.decode() if isinstance(auth, bytes) else str(auth)
            request.headers["Authorization"] = text[:-1] + ("0" if text[-1] != "0" else "1")
        elif part == "body":
            request.body = request.body.replace(b"original", b"tampered")
        elif part == "target":
            request.headers["X-Amz-Target"] = "AmazonSQS.PurgeQueue"

    return hook


@pytest.mark.parametrize("part", ["signature", "body", "target"])
def test_tampered_requests_are_refused(tenant: Tenant, sqs: SQSClient, part: str) -> None:
    url = tenant.queue()
    tampering = tenant.client()
    tampering.meta.events.register("before-send.sqs.*", _tamper(part))
    with refused("SignatureDoesNotMatch", 403):
        send(tampering, url, "original")
    assert receive(sqs, url) == []


def test_wrong_secret_or_token_or_key(tenant: Tenant) -> None:
    url = tenant.queue()
    good = tenant.credentials()
    with refused("SignatureDoesNotMatch", 403):
        send(tenant.client(good, aws_secret_access_key="x" * 40), url, "m")
    with refused("InvalidClientTokenId", 403):
        send(tenant.client(good, aws_session_token="not-the-token"), url, "m")
    with refused("InvalidClientTokenId", 403):
        send(tenant.client(good, aws_session_token=None), url, "m")
    with refused("InvalidClientTokenId", 403):
        send(tenant.client(good, aws_access_key_id="ASIAUNKNOWNUNKNOWN00"), url, "m")


def test_expired_credentials(tenant: Tenant) -> None:
    url = tenant.queue()
    expired = tenant.credentials(lifetime=dt.timedelta(seconds=-1))
    with refused("ExpiredToken", 403):
        send(tenant.client(expired), url, "m")


def test_revoked_bot_credentials(tenant: Tenant) -> None:
    url = tenant.queue()
    bot_guid = "b" * 32
    bots = tenant.client(tenant.credentials(bot_guid=bot_guid))
    send(bots, url, "before")
    with tenant.live.db.write() as conn:
        assert revoke_credentials(conn, bot_guid=bot_guid) == 1
    with refused("InvalidClientTokenId", 403):
        send(bots, url, "after")


def test_another_companys_credentials(tenant: Tenant, other_tenant: Tenant) -> None:
    url = tenant.queue("private")
    mine = tenant.client()
    send(mine, url, "secret")
    theirs = other_tenant.client()
    with refused("AccessDenied", 403):
        theirs.receive_message(QueueUrl=url)
    with refused("AccessDenied", 403):
        send(theirs, url, "intrusion")
    with refused("AccessDenied", 403):
        theirs.purge_queue(QueueUrl=url)
    # By name they only ever see their own company's queues.
    with refused("AWS.SimpleQueueService.NonExistentQueue"):
        theirs.get_queue_url(QueueName="private.fifo")
    assert [m["Body"] for m in receive(mine, url)] == ["secret"]


def _signed(
    tenant: Tenant, body: bytes, *, when: dt.datetime, target: str = "AmazonSQS.ListQueues"
) -> httpx.Response:
    made = tenant.credentials()
    url = tenant.live.base_url + "sqs/"
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target},
    )
    signer = SigV4Auth(
        BotoCredentials(made.access_key_id, made.secret_access_key, made.session_token),
        "sqs",
        REGION,
    )
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    request.context["timestamp"] = stamp
    request.headers["X-Amz-Date"] = stamp
    request.headers["X-Amz-Security-Token"] = made.session_token
    canonical = signer.canonical_request(request)
    signature = signer.signature(signer.string_to_sign(request, canonical), request)
    signer._inject_signature_to_request(request, signature)  # type: ignore[attr-defined]
    return httpx.post(url, content=body, headers=dict(request.headers.items()))


def test_clock_skew(tenant: Tenant) -> None:
    now = dt.datetime.now(dt.UTC)
    assert _signed(tenant, b"{}", when=now - dt.timedelta(minutes=10)).status_code == 200
    late = _signed(tenant, b"{}", when=now - dt.timedelta(minutes=20))
    assert late.status_code == 403
    assert late.headers["x-amzn-query-error"] == "SignatureDoesNotMatch;Sender"
    assert "Signature expired" in late.json()["message"]


def test_wire_shapes(tenant: Tenant) -> None:
    """The JSON 1.0 error shape and the query-compatible header, as SQS sends them."""
    now = dt.datetime.now(dt.UTC)
    body = b'{"QueueName": "missing.fifo"}'
    answer = _signed(tenant, body, when=now, target="AmazonSQS.GetQueueUrl")
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/x-amz-json-1.0"
    assert answer.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender"
    assert answer.json() == {
        "__type": "com.amazonaws.sqs#QueueDoesNotExist",
        "message": "The specified queue does not exist.",
    }
    unsigned = httpx.post(
        tenant.live.base_url + "sqs",
        content=b"{}",
        headers={"X-Amz-Target": "AmazonSQS.ListQueues"},
    )
    assert unsigned.status_code == 403
    assert unsigned.headers["x-amzn-query-error"].startswith("MissingAuthenticationToken;")
