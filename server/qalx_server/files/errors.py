"""Exceptions raised by file stores.

Each error carries a stable machine-readable ``code`` (the same string the local store's HTTP
routes put in their JSON ``{"detail", "code"}`` bodies), so the API layer can map errors to
answers without parsing messages.
"""

from __future__ import annotations


class FileStoreError(Exception):
    """Base class: anything a file store refuses or fails to do."""

    code = "file_store_error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidKey(FileStoreError):
    """An object key (or prefix) is malformed or would escape the store."""

    code = "invalid_key"


class ObjectNotFound(FileStoreError):
    """The key names no stored object."""

    code = "not_found"


class FileTooLarge(FileStoreError):
    """An upload is bigger than the store's ``max_bytes``."""

    code = "file_too_large"


class InvalidSignature(FileStoreError):
    """A signed URL is missing its signature, malformed, or was tampered with."""

    code = "invalid_signature"


class SignatureExpired(InvalidSignature):
    """A signed URL was genuine but its expiry time has passed."""

    code = "signature_expired"
