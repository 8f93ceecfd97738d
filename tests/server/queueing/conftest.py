"""Fixtures for Amazon SQS mode: a moto server over HTTP, an IAM role to assume, a backend."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Final

import boto3
import httpx
import pytest
import sqlalchemy as sa

from qalx_server.queueing.amazon import AmazonSqsBackend
from qalx_server.queueing.backend import Company
from tests.support.moto import ACCESS_KEY, REGION, SECRET_KEY, Aws, aws_identities, moto_server

if TYPE_CHECKING:
    pass

PREFIX: Final = "qalx-"
BASE_URL: Final = "http://127.0.0.1:8000/"  # ignored by the Amazon backend


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def aws(moto_endpoint: str) -> Iterator[Aws]:
    """A fresh moto with the client role and a server user in it; reset afterwards."""
    with aws_identities(moto_endpoint) as made:
        yield made


@pytest.fixture
def enforce_auth(aws: Aws) -> Iterator[None]:
    """Make moto check signatures, IAM users' and roles' policies, and trust (not session
    policies) for the rest of the test; the `aws` keys stop working, the server user's work."""
    httpx.post(f"{aws.endpoint}/moto-api/reset-auth", content=b"0", timeout=10).raise_for_status()
    try:
        yield
    finally:
        httpx.post(
            f"{aws.endpoint}/moto-api/reset-auth", content=b"inf", timeout=10
        ).raise_for_status()


_UNSET: Final = "role from the aws fixture"


def make_backend(
    aws: Aws,
    *,
    keys: tuple[str, str] = (ACCESS_KEY, SECRET_KEY),
    role_arn: str | None = _UNSET,
    credential_lifetime: int = 3600,
) -> AmazonSqsBackend:
    """A backend speaking to moto as the identity `keys` (moto's default ones unless told)."""
    key, secret = keys
    return AmazonSqsBackend(
        sqs=boto3.client(
            "sqs",
            endpoint_url=aws.endpoint,
            region_name=REGION,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
        ),
        sts=boto3.client(
            "sts",
            endpoint_url=aws.endpoint,
            region_name=REGION,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
        ),
        role_arn=aws.role_arn if role_arn == _UNSET else role_arn,
        region=REGION,
        endpoint_url=aws.endpoint,
        prefix=PREFIX,
        credential_lifetime=credential_lifetime,
        peek_wait=0,  # moto's short polling sees every message; AWS's samples (default 1 s)
    )


@pytest.fixture
def backend(aws: Aws) -> AmazonSqsBackend:
    return make_backend(aws)


@pytest.fixture
def conn() -> Iterator[sa.Connection]:
    """The REST layer's connection; the Amazon backend never uses it."""
    engine = sa.create_engine("sqlite://")
    with engine.connect() as connection:
        yield connection
    engine.dispose()


@pytest.fixture
def new_company() -> Callable[[], Company]:
    counter = iter(range(1, 1_000_000))
    return lambda: Company(id=next(counter), guid=uuid.uuid4().hex)


@pytest.fixture
def company(new_company: Callable[[], Company]) -> Company:
    return new_company()
