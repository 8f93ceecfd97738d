"""File bytes: uploads to an entity's signed `put_url`, downloads from its `url`, and Fernet
encryption with the `KEYFILE` key (wire-contract §4).

Files never travel through the REST API. Unencrypted files are streamed in 1 MiB chunks both
ways; encrypted ones are held in memory, because a Fernet token is one authenticated blob that
cannot be produced or checked piecewise.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Union

from qalx.errors import QalxError, QalxFileError, QalxFileRetrievalError

if TYPE_CHECKING:
    from qalx.transport import HttpTransport

CHUNK = 1 << 20
DOWNLOAD_RETRY_PAUSE = 2.0
"""pyqalx waits this long before its one retry of a failed download."""

FileSource = Union[str, "os.PathLike[str]", IO[bytes], IO[str]]
"""A file path, or an open stream (`BytesIO`, `StringIO`, a file object) with `file_name`."""


def is_stream(source: object) -> bool:
    return isinstance(source, io.IOBase) or (
        hasattr(source, "read") and not isinstance(source, str)
    )


def source_name(source: FileSource, file_name: str) -> str:
    """The stored file name: `file_name`, else the path's base name. A stream needs a name."""
    if is_stream(source):
        if not file_name:
            raise QalxFileError(
                "a stream source needs file_name=...: qalx cannot tell what the file is called"
            )
        return file_name
    path = Path(os.fspath(source))  # type: ignore[arg-type]
    if not path.is_file():
        raise QalxFileError(f"source {str(path)!r} is not a file that exists")
    return file_name or path.name


class Fernet:
    """The `KEYFILE` key: the file's whole content is a Fernet key, as `Fernet.generate_key`
    writes it."""

    def __init__(self, keyfile: str | os.PathLike[str]) -> None:
        path = Path(keyfile)
        try:
            key = path.read_bytes().strip()
        except OSError as exc:
            raise QalxFileError(f"cannot read the key file {str(path)!r}: {exc}") from None
        from cryptography.fernet import Fernet as _Fernet

        try:
            self._fernet = _Fernet(key)
        except ValueError:
            raise QalxFileError(
                f"{str(path)!r} is not a Fernet key (32 url-safe base64-encoded bytes)"
            ) from None
        self.name = path.name

    def encrypt(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise QalxFileError(
                "the file cannot be decrypted with this KEYFILE (a different key, or not encrypted)"
            ) from None


def _read_all(source: FileSource) -> bytes:
    if is_stream(source):
        stream: Any = source
        if stream.seekable():
            stream.seek(0)
        data = stream.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return Path(os.fspath(source)).read_bytes()  # type: ignore[arg-type]


def _chunks_of(source: FileSource) -> tuple[Callable[[], Iterator[bytes] | bytes], int]:
    """A way to (re)start reading `source` in chunks, and its size in bytes. A seekable
    stream is sent whole, from its start, whatever its position."""
    if is_stream(source):
        stream: Any = source
        if isinstance(stream, io.StringIO) or not stream.seekable():
            data = _read_all(source)
            return (lambda: data), len(data)
        size = stream.seek(0, io.SEEK_END)

        def again() -> Iterator[bytes]:
            stream.seek(0)
            while block := stream.read(CHUNK):
                yield block.encode("utf-8") if isinstance(block, str) else block

        return again, size
    path = Path(os.fspath(source))  # type: ignore[arg-type]

    def from_disk() -> Iterator[bytes]:
        with path.open("rb") as handle:
            while block := handle.read(CHUNK):
                yield block

    return from_disk, path.stat().st_size


class Files:
    """Uploads and downloads for one session (or for an entity made without one)."""

    def __init__(self, transport: HttpTransport, keyfile: str | None) -> None:
        self.transport = transport
        self.keyfile = keyfile
        self._fernet: Fernet | None = None

    @property
    def fernet(self) -> Fernet | None:
        if self.keyfile and self._fernet is None:
            self._fernet = Fernet(self.keyfile)
        return self._fernet

    def upload(self, put_url: str, source: FileSource | bytes, *, encrypt: bool) -> None:
        """PUT `source` to a signed URL, encrypted when `encrypt` (the entity's `keyfile`)."""
        if encrypt:
            fernet = self.fernet
            if fernet is None:
                raise QalxFileError("the file is marked encrypted but this session has no KEYFILE")
            plain = source if isinstance(source, bytes) else _read_all(source)
            token = fernet.encrypt(plain)
            self.transport.put_file(put_url, lambda: token, len(token))
        elif isinstance(source, bytes):
            self.transport.put_file(put_url, lambda: source, len(source))
        else:
            chunks, size = _chunks_of(source)
            self.transport.put_file(put_url, chunks, size)

    def _decrypting(self, file: Mapping[str, Any]) -> Fernet | None:
        return self.fernet if file.get("keyfile") else None

    def read(self, file: Mapping[str, Any], *, retry: bool = True) -> bytes:
        """The bytes of a file record, decrypted when it was encrypted and a key is present."""
        url = _url(file)
        buffer = io.BytesIO()
        self._download(url, buffer, retry=retry)
        data = buffer.getvalue()
        fernet = self._decrypting(file)
        return fernet.decrypt(data) if fernet is not None else data

    def save(self, file: Mapping[str, Any], path: Path, *, retry: bool = True) -> Path:
        """Write a file record's bytes to `path` atomically (a partial download never shows)."""
        url = _url(file)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, then renamed)
            dir=path.parent, prefix=f".{path.name}.", delete=False
        )
        try:
            with handle:
                fernet = self._decrypting(file)
                if fernet is None:
                    self._download(url, handle, retry=retry)
                else:
                    buffer = io.BytesIO()
                    self._download(url, buffer, retry=retry)
                    handle.write(fernet.decrypt(buffer.getvalue()))
            os.replace(handle.name, path)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
        return path

    def _download(self, url: str, out: IO[bytes], *, retry: bool) -> None:
        from qalx.errors import QalxAPIResponseError

        attempts = 2 if retry else 1
        for attempt in range(attempts):
            out.seek(0)
            out.truncate()
            try:
                self.transport.download(url, out)
                return
            except QalxAPIResponseError as exc:
                failure = str(exc)
            if attempt + 1 < attempts:
                time.sleep(DOWNLOAD_RETRY_PAUSE)
        raise QalxFileRetrievalError(f"Error with file retrieval from {url}:\n\n{failure}")


def _url(file: Mapping[str, Any]) -> str:
    url = file.get("url") if isinstance(file, Mapping) else None
    if not url:
        raise QalxError("this entity has no file to read (its `file` has no `url`)")
    return str(url)
