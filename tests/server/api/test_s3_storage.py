"""The whole server in scaled-out file mode: S3 presigned URLs, against moto over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest

from qalx_api_client import AuthenticatedClient, models
from qalx_api_client.api.item import create_item, delete_item, get_item
from qalx_server.app import create_app
from qalx_server.auth.admin import create_user
from qalx_server.settings import Settings
from tests.support.live import serve
from tests.support.moto import ACCESS_KEY, REGION, SECRET_KEY, moto_server

from .helpers import ok, present, uuid_of


@pytest.fixture(scope="module")
def s3_client_and_endpoint(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch
) -> Iterator[tuple[AuthenticatedClient, str, str]]:
    with moto_server() as endpoint:
        bucket = f"qalx-{uuid.uuid4().hex[:10]}"
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        # The server takes its AWS credentials from the standard chain, as in production.
        monkeypatch_module.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        monkeypatch_module.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        data_dir: Path = tmp_path_factory.mktemp("s3-server")
        settings = Settings(
            data_dir=data_dir,
            storage="s3",
            s3_bucket=bucket,
            s3_endpoint_url=endpoint,
            s3_region=REGION,
            validate_responses=True,
        )
        app = create_app(settings)
        app.state.qalx.db.migrate()
        user = create_user(app.state.qalx.db, "s3co", "s3@example.com")
        with serve(app) as base_url:
            client = AuthenticatedClient(base_url=base_url, token=user.token, prefix="Token")
            yield client, bucket, endpoint
            client.get_httpx_client().close()
        app.state.qalx.close()


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_files_go_to_s3_through_presigned_urls(
    s3_client_and_endpoint: tuple[AuthenticatedClient, str, str],
) -> None:
    client, bucket, endpoint = s3_client_and_endpoint
    body = models.ItemCreate.from_dict({"data": {}, "file": {"name": "result.bin"}})
    item = ok(create_item.sync_detailed(client=client, body=body), 201)
    record = present(item.file)
    assert present(record.put_url).startswith(endpoint)
    payload = b"\x00\x01binary\xff" * 1000

    # As pyqalx does it: no Authorization, Content-Type: application/json on the bytes.
    put = httpx.put(
        present(record.put_url), content=payload, headers={"Content-Type": "application/json"}
    )
    assert put.status_code < 400, put.text

    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert len(keys) == 1 and keys[0].endswith("/result.bin")

    guid = uuid_of(item.guid)
    again = ok(get_item.sync_detailed(guid, client=client))
    assert httpx.get(present(present(again.file).url)).content == payload

    assert delete_item.sync_detailed(guid, client=client).status_code == 204
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0
