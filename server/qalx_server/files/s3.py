"""File store backed by S3 (or an S3-compatible service such as MinIO).

Clients upload and download straight to the bucket with SigV4 presigned URLs. The upload URL
signs only the ``host`` header, never a ``Content-Type``, because pyqalx always sends
``Content-Type: application/json`` with the raw bytes; download URLs override the stored type
(which is that ``application/json``) and name the file through S3's ``response-content-*``
parameters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from qalx_server.files.content import content_disposition, guess_content_type
from qalx_server.files.errors import FileStoreError, InvalidKey, ObjectNotFound
from qalx_server.files.keys import MAX_KEY_BYTES, validate_key, validate_prefix

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

MAX_EXPIRES_IN = 7 * 24 * 3600
"""SigV4 presigned URLs cannot live longer than a week."""

_NOT_FOUND_CODES = frozenset({"404", "NoSuchKey", "NotFound"})


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class S3FileStore:
    """A :class:`~qalx_server.files.base.FileStore` keeping objects in ``bucket``.

    ``prefix`` (e.g. ``"qalx/"``) is prepended to every key, so one bucket can be shared.
    ``client`` should be built with ``Config(signature_version="s3v4")``; see
    :func:`s3_store_from_settings`.
    """

    DELETE_BATCH_SIZE = 1000
    """Keys listed and deleted per request by :meth:`delete_prefix` (S3's own maximum)."""

    def __init__(
        self, bucket: str, *, client: S3Client, expires_in: int = 3600, prefix: str = ""
    ) -> None:
        if not bucket:
            raise ValueError("bucket must not be empty")
        if not 1 <= expires_in <= MAX_EXPIRES_IN:
            raise ValueError(f"expires_in must be between 1 and {MAX_EXPIRES_IN} seconds")
        self._bucket = bucket
        self._client = client
        self._expires_in = expires_in
        self._prefix = validate_prefix(prefix) + "/" if prefix else ""

    @property
    def bucket(self) -> str:
        return self._bucket

    @property
    def expires_in(self) -> int:
        return self._expires_in

    def _object_name(self, key: str) -> str:
        name = self._prefix + validate_key(key)
        if len(name.encode("utf-8")) > MAX_KEY_BYTES:
            raise InvalidKey(f"object key {key!r} is too long once prefixed with {self._prefix!r}")
        return name

    def _presign(self, operation: str, params: dict[str, Any], method: str) -> str:
        try:
            return self._client.generate_presigned_url(
                operation, Params=params, ExpiresIn=self._expires_in, HttpMethod=method
            )
        except (BotoCoreError, ClientError) as error:
            raise FileStoreError(f"could not presign a {method} URL: {error}") from error

    def put_url(self, key: str, *, base_url: str) -> str:
        params = {"Bucket": self._bucket, "Key": self._object_name(key)}
        return self._presign("put_object", params, "PUT")

    def get_url(self, key: str, *, base_url: str, filename: str | None = None) -> str:
        name = filename or key.rsplit("/", 1)[-1]
        params = {
            "Bucket": self._bucket,
            "Key": self._object_name(key),
            "ResponseContentType": guess_content_type(name),
            "ResponseContentDisposition": content_disposition(name),
        }
        return self._presign("get_object", params, "GET")

    def delete(self, key: str) -> None:
        name = self._object_name(key)
        try:
            self._client.delete_object(Bucket=self._bucket, Key=name)
        except ClientError as error:
            if _error_code(error) not in _NOT_FOUND_CODES:
                raise FileStoreError(f"could not delete {key!r}: {error}") from error
        except BotoCoreError as error:
            raise FileStoreError(f"could not delete {key!r}: {error}") from error

    def delete_prefix(self, prefix: str) -> None:
        listing_prefix = self._object_name(validate_prefix(prefix)) + "/"
        try:
            pages = self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self._bucket,
                Prefix=listing_prefix,
                PaginationConfig={"PageSize": self.DELETE_BATCH_SIZE},
            )
            for page in pages:
                objects: list[ObjectIdentifierTypeDef] = [
                    {"Key": item["Key"]} for item in page.get("Contents", []) if "Key" in item
                ]
                if not objects:
                    continue
                answer = self._client.delete_objects(
                    Bucket=self._bucket, Delete={"Objects": objects, "Quiet": True}
                )
                if errors := answer.get("Errors"):
                    first = errors[0]
                    raise FileStoreError(
                        f"could not delete {len(errors)} object(s) under {prefix!r}, e.g. "
                        f"{first.get('Key')!r}: {first.get('Code')} {first.get('Message')}"
                    )
        except (BotoCoreError, ClientError) as error:
            raise FileStoreError(f"could not delete {prefix!r}: {error}") from error

    def exists(self, key: str) -> bool:
        name = self._object_name(key)
        try:
            self._client.head_object(Bucket=self._bucket, Key=name)
        except ClientError as error:
            if _error_code(error) in _NOT_FOUND_CODES:
                return False
            raise FileStoreError(f"could not look up {key!r}: {error}") from error
        except BotoCoreError as error:
            raise FileStoreError(f"could not look up {key!r}: {error}") from error
        return True

    def read_bytes(self, key: str) -> bytes:
        name = self._object_name(key)
        try:
            answer = self._client.get_object(Bucket=self._bucket, Key=name)
            with answer["Body"] as body:
                return body.read()
        except ClientError as error:
            if _error_code(error) in _NOT_FOUND_CODES:
                raise ObjectNotFound(f"no file is stored under {key!r}") from None
            raise FileStoreError(f"could not read {key!r}: {error}") from error
        except BotoCoreError as error:
            raise FileStoreError(f"could not read {key!r}: {error}") from error

    def write_bytes(self, key: str, data: bytes) -> None:
        name = self._object_name(key)
        try:
            self._client.put_object(
                Bucket=self._bucket,
                Key=name,
                Body=data,
                ContentType=guess_content_type(key.rsplit("/", 1)[-1]),
            )
        except (BotoCoreError, ClientError) as error:
            raise FileStoreError(f"could not write {key!r}: {error}") from error


def s3_client(
    *,
    endpoint_url: str | None = None,
    region: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    session_token: str | None = None,
    addressing_style: Literal["auto", "path", "virtual"] | None = None,
) -> S3Client:
    """A SigV4 S3 client whose presigned URLs work as they are handed to clients.

    Without ``endpoint_url`` the regional AWS endpoint is used (the global one redirects
    presigned requests for buckets outside us-east-1) with virtual-hosted addressing; with a
    custom endpoint (MinIO, moto...) path-style addressing is the default. Credentials left
    as ``None`` come from boto3's usual chain (environment, profile, instance role).
    """
    if endpoint_url is None and region:
        endpoint_url = f"https://s3.{region}.amazonaws.com"
        style = addressing_style or "virtual"
    else:
        style = addressing_style or ("path" if endpoint_url else "auto")
    session = boto3.session.Session(
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=session_token,
        region_name=region,
    )
    config = Config(signature_version="s3v4", s3={"addressing_style": style})
    return session.client("s3", endpoint_url=endpoint_url, config=config)


def s3_store_from_settings(
    bucket: str,
    *,
    endpoint_url: str | None = None,
    region: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    session_token: str | None = None,
    expires_in: int = 3600,
    prefix: str = "",
    addressing_style: Literal["auto", "path", "virtual"] | None = None,
) -> S3FileStore:
    """Build an :class:`S3FileStore` from plain settings values (see :func:`s3_client`)."""
    client = s3_client(
        endpoint_url=endpoint_url,
        region=region,
        access_key=access_key,
        secret_key=secret_key,
        session_token=session_token,
        addressing_style=addressing_style,
    )
    return S3FileStore(bucket, client=client, expires_in=expires_in, prefix=prefix)
