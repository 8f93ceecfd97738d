"""moto in server mode on loopback: spoken to over HTTP with boto3, exactly as against AWS."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

import attrs
import boto3
import httpx
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sts import STSClient

REGION: Final = "eu-west-2"
ACCESS_KEY = "testing"
SECRET_KEY = "testing"

ACCOUNT: Final = "123456789012"
"""moto's default account."""
ROLE_NAME: Final = "qalx-queue-clients"
SERVER_USER: Final = "qalx-server"
PREFIX: Final = "qalx-"

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


@contextmanager
def moto_server() -> Iterator[str]:
    """Yield the endpoint URL of a moto server on a free local port."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def reset(endpoint: str) -> None:
    """Forget every resource moto holds (between tests)."""
    httpx.post(f"{endpoint}/moto-api/reset", timeout=10).raise_for_status()


@contextmanager
def aws_identities(moto_endpoint: str) -> Iterator[Aws]:
    """A fresh moto with the client role (what queue clients assume) and a server user (what
    the server is) in it; every resource forgotten afterwards."""
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
