"""The HTTP side of the embedded store: ``GET``/``HEAD``/``PUT {key}?expires=&sig=``.

:func:`file_app` answers below wherever it is mounted (the server mounts it at
:data:`~qalx_server.files.local.URL_PATH`, where the store's signed URLs point).

These requests come from clients holding a presigned URL, with no ``Authorization`` header
and, for uploads, ``Content-Type: application/json`` whatever the bytes are (pyqalx always sends
it), so the signature is the only credential and the content type is ignored. Every error is a
JSON ``{"detail", "code"}`` body, never HTML.
"""

from __future__ import annotations

import os
import stat

import anyio.to_thread
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from qalx_server.files.content import content_disposition, guess_content_type
from qalx_server.files.errors import (
    FileStoreError,
    FileTooLarge,
    InvalidKey,
    InvalidSignature,
)
from qalx_server.files.keys import validate_key
from qalx_server.files.local import LocalFileStore

_ALLOWED = "GET, HEAD, PUT"
_RANGE_HEADERS = (b"range", b"if-range")
# Uploaded files are served from the API's own origin: never let a browser render them.
_DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
    "Accept-Ranges": "none",
}


def file_app(store: LocalFileStore) -> ASGIApp:
    """The endpoint of ``store``'s signed URLs: ``/{key}`` below its mount."""
    return Router(routes=[Route("/{key:path}", FileEndpoint(store))])


def error_response(
    status: int, code: str, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The JSON error body every failure of these routes uses."""
    return JSONResponse({"detail": detail, "code": code}, status_code=status, headers=headers)


def _too_large(store: LocalFileStore) -> JSONResponse:
    # The rest of the body is not read, so the connection cannot be reused.
    return error_response(
        413,
        FileTooLarge.code,
        f"the upload is larger than the limit of {store.max_bytes} bytes",
        headers={"Connection": "close"},
    )


class _DownloadResponse(FileResponse):
    """A FileResponse without byte ranges, whose errors would be plain text, not JSON."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in _RANGE_HEADERS]
        await super().__call__({**scope, "headers": headers}, receive, send)


class FileEndpoint:
    """ASGI endpoint for one :class:`LocalFileStore` (an ASGI app, so it sees every method)."""

    def __init__(self, store: LocalFileStore) -> None:
        self._store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = await self._handle(request)
        await response(scope, receive, send)

    async def _handle(self, request: Request) -> Response:
        method = request.method.upper()
        if method not in ("GET", "HEAD", "PUT"):
            return error_response(
                405,
                "method_not_allowed",
                f"{method} is not allowed here; use GET or HEAD to download, PUT to upload",
                headers={"Allow": _ALLOWED},
            )
        key = str(request.path_params.get("key", ""))
        query = request.query_params
        filename = query.get("filename") if method != "PUT" else None
        try:
            validate_key(key)
            self._store.signer.verify(
                "PUT" if method == "PUT" else "GET",
                key,
                query.get("expires"),
                query.get("sig"),
                filename=filename,
            )
            path = self._store.path_for(key)
        except InvalidKey as error:
            return error_response(400, error.code, error.detail)
        except InvalidSignature as error:
            return error_response(403, error.code, error.detail)
        if method == "PUT":
            return await self._upload(request, key)
        return await self._download(key, path, filename)

    async def _upload(self, request: Request, key: str) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                return error_response(400, "bad_request", "the Content-Length header is invalid")
            if int(declared) > self._store.max_bytes:
                return _too_large(self._store)
        try:
            stored = await self._store.write_stream(key, request.stream())
        except FileTooLarge:
            return _too_large(self._store)
        except ClientDisconnect:
            return error_response(400, "client_disconnected", "the upload was not completed")
        except (FileStoreError, OSError) as error:
            return error_response(500, "storage_error", f"the file could not be stored: {error}")
        return JSONResponse(
            {"key": stored.key, "size": stored.size},
            headers={"ETag": f'"{stored.md5}"'},
        )

    async def _download(self, key: str, path: os.PathLike[str], filename: str | None) -> Response:
        try:
            stat_result = await anyio.to_thread.run_sync(_regular_file_stat, path)
        except OSError:
            stat_result = None
        if stat_result is None:
            return error_response(404, "not_found", f"no file is stored under {key!r}")
        name = filename or key.rsplit("/", 1)[-1]
        return _DownloadResponse(
            path,
            stat_result=stat_result,
            media_type=guess_content_type(name),
            headers={**_DOWNLOAD_HEADERS, "Content-Disposition": content_disposition(name)},
        )


def _regular_file_stat(path: os.PathLike[str]) -> os.stat_result | None:
    result = os.stat(path)
    return result if stat.S_ISREG(result.st_mode) else None
