"""Fixtures for Amazon SQS mode: a moto server over HTTP, an IAM role to assume, a backend."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Final

import attrs
import boto3
import httpx
import pytest
import sqlalchemy as sa

from qalx_server.queueing.amazon import AmazonSqsBackend
from qalx_server.queueing.backend import Company, QueueAccess
from tests.support.moto import ACCESS_KEY, REGION, SECRET_KEY, moto_server, reset

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sts import STSClient

ACCOUNT: Final = "123456789012"
"""moto's default account."""
ROLE_NAME: Final = "qalx-queue-clients"
SERVER_USER: Final = "qalx-server"
PREFIX: Final = "qalx-"
BASE_URL: Final = "http://127.0.0.1:8000/"  # ignored by the Amazon backend

CLIENT_ROLE_POLICY: Final = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": f"arn:aws:sqs:*:*:{PREFIX}*"}],
}
"""What an operator would attach to the role: SQS on the prefix's queues only."""
SERVER_POLICY: Final = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["sqs:*", "sts:*"], "Resource": "*"}],
}


@attrs.frozen
class Aws:
    """moto's endpoint, and the server identity's clients (the keys moto takes by default)."""

    endpoint: str
    sqs: SQSClient
    sts: STSClient
    iam: Any
    """No IAM stubs are installed."""
    role_arn: str
    server_keys: tuple[str, str]
    """Access key id and secret of an IAM user allowed everything the server does."""


def client_for(access: QueueAccess) -> SQSClient:
    """A plain boto3 SQS client built from a queue entity's info, as pyqalx builds it."""
    return boto3.client(
        "sqs",
        endpoint_url=access.endpoint_url,
        region_name=access.region,
        aws_access_key_id=access.credentials.access_key_id,
        aws_secret_access_key=access.credentials.secret_access_key,
        aws_session_token=access.credentials.session_token,
    )


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def aws(moto_endpoint: str) -> Iterator[Aws]:
    """A fresh moto with the client role and a server user in it; reset afterwards."""
    sqs: SQSClient = boto3.client(
        "sqs",
        endpoint_url=moto_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    sts: STSClient = boto3.client(
        "sts",
        endpoint_url=moto_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    iam: Any = boto3.client(
        "iam",
        endpoint_url=moto_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    try:
        iam.create_user(UserName=SERVER_USER)
        iam.put_user_policy(
            UserName=SERVER_USER, PolicyName="server", PolicyDocument=json.dumps(SERVER_POLICY)
        )
        key = iam.create_access_key(UserName=SERVER_USER)["AccessKey"]
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/{SERVER_USER}"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role_arn = iam.create_role(
            RoleName=ROLE_NAME, AssumeRolePolicyDocument=json.dumps(trust), MaxSessionDuration=43200
        )["Role"]["Arn"]
        iam.put_role_policy(
            RoleName=ROLE_NAME, PolicyName="sqs", PolicyDocument=json.dumps(CLIENT_ROLE_POLICY)
        )
        yield Aws(
            moto_endpoint, sqs, sts, iam, role_arn, (key["AccessKeyId"], key["SecretAccessKey"])
        )
    finally:
        reset(moto_endpoint)
        for client in (sqs, sts, iam):
            client.close()


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
