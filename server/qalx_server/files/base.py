"""The interface the API layer uses to hand out upload/download URLs and manage stored files.

File bytes never travel through the REST API: the API answers with presigned URLs and the
client talks to the store directly. Two implementations exist: :class:`~.local.LocalFileStore`
(bytes on the server's disk, served by its own signed routes) and :class:`~.s3.S3FileStore`
(S3 or an S3-compatible service). The helpers and errors are re-exported here so callers need
only this module.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from qalx_server.files.errors import (
    FileStoreError,
    FileTooLarge,
    InvalidKey,
    InvalidSignature,
    ObjectNotFound,
    SignatureExpired,
)
from qalx_server.files.keys import object_key, sanitise_name, validate_key, validate_prefix

__all__ = [
    "FileStore",
    "FileStoreError",
    "FileTooLarge",
    "InvalidKey",
    "InvalidSignature",
    "ObjectNotFound",
    "SignatureExpired",
    "object_key",
    "sanitise_name",
    "validate_key",
    "validate_prefix",
]


@runtime_checkable
class FileStore(Protocol):
    """Where entity files live.

    URL methods are cheap local computations (no network). The others may do I/O (disk or
    S3); call them from async code through ``anyio.to_thread.run_sync``. Every method
    validates its key and raises :class:`InvalidKey` for an unsafe one.
    """

    @property
    def expires_in(self) -> int:
        """Lifetime of the signed URLs this store hands out, in seconds."""
        ...

    def put_url(self, key: str, *, base_url: str) -> str:
        """A URL the client ``PUT``s the raw bytes to, with any ``Content-Type`` and no auth.

        ``base_url`` is the server's public base (``http://host:8000/``); S3 ignores it.
        """
        ...

    def get_url(self, key: str, *, base_url: str, filename: str | None = None) -> str:
        """A URL the client ``GET``s the bytes from, without auth.

        The download is named ``filename`` (default: the key's last component) in its
        ``Content-Disposition``, and typed from that name.
        """
        ...

    def delete(self, key: str) -> None:
        """Remove one object; deleting a missing object is not an error."""
        ...

    def delete_prefix(self, prefix: str) -> None:
        """Remove every object under ``prefix`` taken as whole path components.

        ``acme/guid`` removes ``acme/guid/...`` but not ``acme/guid2/...``; an empty prefix is
        refused rather than read as "everything".
        """
        ...

    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        ...

    def read_bytes(self, key: str) -> bytes:
        """The whole object, for the server's own use; :class:`ObjectNotFound` if absent."""
        ...

    def write_bytes(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` (replacing any object), for the server's own use."""
        ...
