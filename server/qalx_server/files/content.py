"""Download headers derived from a file name: ``Content-Type`` and ``Content-Disposition``.

Both stores serve downloads with these, so a file comes back with the same headers whether it
lives on disk or in S3 (where the object's stored type is whatever the uploader sent, which for
pyqalx is always ``application/json``).
"""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from qalx_server.files.keys import sanitise_name

# Python's built-in table only (no /etc/mime.types), so every host answers the same.
_TYPES = mimetypes.MimeTypes()
_ENCODED_TYPES = {
    "gzip": "application/gzip",
    "bzip2": "application/x-bzip2",
    "xz": "application/x-xz",
    "br": "application/x-brotli",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"


def guess_content_type(name: str) -> str:
    """The media type for a file name, ``application/octet-stream`` when unknown.

    Compressed names (``.gz`` ...) get the compressed type: the stored bytes are sent as they
    are, never with a ``Content-Encoding`` an HTTP client would silently undo.
    """
    media_type, encoding = _TYPES.guess_type(name, strict=False)
    if encoding is not None:
        return _ENCODED_TYPES.get(encoding, DEFAULT_CONTENT_TYPE)
    return media_type or DEFAULT_CONTENT_TYPE


def content_disposition(filename: str) -> str:
    """An RFC 6266 ``attachment`` header value with an ASCII fallback and a UTF-8 ``filename*``."""
    name = sanitise_name(filename)
    fallback = name.encode("ascii", errors="replace").decode("ascii").replace("?", "_")
    value = f'attachment; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value
