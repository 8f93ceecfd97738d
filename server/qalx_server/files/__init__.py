"""Entity file storage: presigned upload/download URLs and the stores behind them.

Import :mod:`qalx_server.files.s3` only when S3 is configured (it needs boto3).
"""

from qalx_server.files.base import (
    FileStore,
    FileStoreError,
    FileTooLarge,
    InvalidKey,
    InvalidSignature,
    ObjectNotFound,
    SignatureExpired,
    object_key,
    sanitise_name,
    validate_key,
    validate_prefix,
)
from qalx_server.files.local import LocalFileStore
from qalx_server.files.signing import UrlSigner

__all__ = [
    "FileStore",
    "FileStoreError",
    "FileTooLarge",
    "InvalidKey",
    "InvalidSignature",
    "LocalFileStore",
    "ObjectNotFound",
    "SignatureExpired",
    "UrlSigner",
    "object_key",
    "sanitise_name",
    "validate_key",
    "validate_prefix",
]
