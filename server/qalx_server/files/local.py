"""The embedded file store: bytes on the server's own disk, behind signed URLs.

Used when no S3 bucket is configured. The signed URLs point at :data:`URL_PATH`, where the
server mounts :mod:`qalx_server.files.local_http` to answer them; writes land in a temporary
file next to the target and are renamed into place, so a reader only ever sees a complete file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import AsyncIterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import quote, urlencode

import anyio.to_thread

from qalx_server.files.errors import FileStoreError, FileTooLarge, InvalidKey, ObjectNotFound
from qalx_server.files.keys import sanitise_name, validate_key, validate_prefix
from qalx_server.files.signing import UrlSigner

URL_PATH = "/files"
"""Where the signed URLs point, below the server's base URL (the file endpoint's mount)."""

_TEMP_PREFIX = ".upload-"
_WRITE_BUFFER_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class StoredObject:
    """What an upload stored: its key, its size and the MD5 of its bytes (an S3-style ETag)."""

    key: str
    size: int
    md5: str


class LocalFileStore:
    """A :class:`~qalx_server.files.base.FileStore` that keeps files under ``root``.

    ``secret`` signs the URLs (keep it in the data directory, see
    :func:`~qalx_server.keyfiles.load_or_create_secret`); ``max_bytes`` caps each upload.
    """

    def __init__(
        self, root: Path, secret: bytes, *, max_bytes: int, expires_in: int = 3600
    ) -> None:
        if max_bytes < 0:
            raise ValueError("max_bytes must not be negative")
        if expires_in < 1:
            raise ValueError("expires_in must be at least one second")
        root.mkdir(parents=True, exist_ok=True)
        self._root = root.resolve()
        self._signer = UrlSigner(secret)
        self._max_bytes = max_bytes
        self._expires_in = expires_in

    @property
    def root(self) -> Path:
        return self._root

    @property
    def max_bytes(self) -> int:
        return self._max_bytes

    @property
    def expires_in(self) -> int:
        return self._expires_in

    @property
    def signer(self) -> UrlSigner:
        return self._signer

    # -- URLs ---------------------------------------------------------------------------------

    def put_url(self, key: str, *, base_url: str) -> str:
        return self._signed_url("PUT", validate_key(key), base_url, None)

    def get_url(self, key: str, *, base_url: str, filename: str | None = None) -> str:
        name = sanitise_name(filename) if filename is not None else None
        return self._signed_url("GET", validate_key(key), base_url, name)

    def _signed_url(self, method: str, key: str, base_url: str, filename: str | None) -> str:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an absolute http(s) URL, not {base_url!r}")
        expires = self._signer.expiry(self._expires_in)
        query = {
            "expires": str(expires),
            "sig": self._signer.sign(method, key, expires, filename=filename),
        }
        if filename is not None:
            query["filename"] = filename
        path = f"{URL_PATH}/{quote(key, safe='/')}"
        return f"{base_url.rstrip('/')}{path}?{urlencode(query, quote_via=quote)}"

    # -- paths --------------------------------------------------------------------------------

    def path_for(self, key: str) -> Path:
        """The on-disk path of ``key``, refused unless it resolves inside the root.

        The key is already checked by :func:`validate_key`; the resolved-path check is a second
        line of defence (for example against a symlink planted inside the root).
        """
        path = self._root / validate_key(key)
        if not path.resolve().is_relative_to(self._root):
            raise InvalidKey(f"object key {key!r} resolves outside the store")
        return path

    def _prune_empty_dirs(self, directory: Path) -> None:
        """Remove now-empty parent directories up to (not including) the root."""
        while directory != self._root and directory.is_relative_to(self._root):
            try:
                directory.rmdir()
            except OSError:
                return
            directory = directory.parent

    # -- writes -------------------------------------------------------------------------------

    def _open_temp(self, path: Path) -> tuple[IO[bytes], Path]:
        """A new temporary file in ``path``'s directory (created, retried if pruned meanwhile)."""
        for _attempt in range(5):
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd, name = tempfile.mkstemp(dir=path.parent, prefix=_TEMP_PREFIX, suffix=".part")
            except FileNotFoundError:
                continue  # a concurrent delete pruned the directory; make it again
            return os.fdopen(fd, "wb"), Path(name)
        raise FileStoreError(f"could not create a temporary file for {path.name!r}")

    @staticmethod
    def _commit(handle: IO[bytes], tmp: Path, path: Path) -> None:
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        os.replace(tmp, path)

    @staticmethod
    def _discard(handle: IO[bytes], tmp: Path) -> None:
        with contextlib.suppress(OSError):
            handle.close()
        tmp.unlink(missing_ok=True)

    async def write_stream(self, key: str, chunks: AsyncIterable[bytes]) -> StoredObject:
        """Stream an upload to disk, enforcing ``max_bytes``; all or nothing.

        Raises :class:`FileTooLarge` as soon as the limit is passed. On that or any other
        failure (including the client going away) the temporary file is removed and any
        previous object under ``key`` is left untouched.
        """
        path = self.path_for(key)
        handle, tmp = await anyio.to_thread.run_sync(self._open_temp, path)
        committed = False
        try:
            size = 0
            md5 = hashlib.md5(usedforsecurity=False)
            buffer = bytearray()
            async for chunk in chunks:
                size += len(chunk)
                if size > self._max_bytes:
                    raise FileTooLarge(
                        f"the upload is larger than the limit of {self._max_bytes} bytes"
                    )
                md5.update(chunk)
                buffer += chunk
                if len(buffer) >= _WRITE_BUFFER_BYTES:
                    await anyio.to_thread.run_sync(handle.write, buffer)
                    buffer.clear()
            if buffer:
                await anyio.to_thread.run_sync(handle.write, buffer)
            await anyio.to_thread.run_sync(self._commit, handle, tmp, path)
            committed = True
        finally:
            if not committed:
                self._discard(handle, tmp)
        return StoredObject(key=key, size=size, md5=md5.hexdigest())

    def write_bytes(self, key: str, data: bytes) -> None:
        path = self.path_for(key)
        handle, tmp = self._open_temp(path)
        try:
            handle.write(data)
            self._commit(handle, tmp, path)
        except BaseException:
            self._discard(handle, tmp)
            raise

    # -- reads and deletes --------------------------------------------------------------------

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def read_bytes(self, key: str) -> bytes:
        path = self.path_for(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound(f"no file is stored under {key!r}") from None

    def delete(self, key: str) -> None:
        path = self.path_for(key)
        if path.is_dir() and not path.is_symlink():
            return  # a prefix, not an object: nothing stored under this exact key
        try:
            path.unlink(missing_ok=True)
        except NotADirectoryError:
            return
        self._prune_empty_dirs(path.parent)

    def delete_prefix(self, prefix: str) -> None:
        path = self.path_for(validate_prefix(prefix))
        if path.is_symlink():
            path.unlink()
        else:
            for attempt in range(3):
                if not path.is_dir():
                    break
                try:
                    shutil.rmtree(path)
                except OSError as error:  # an upload landed or left mid-way; go round again
                    if attempt == 2:
                        raise FileStoreError(f"could not delete {prefix!r}: {error}") from error
        self._prune_empty_dirs(path.parent)
