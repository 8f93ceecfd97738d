"""Object keys: building them from user input and checking them before use.

Keys end up as S3 object names and as paths on disk, so the user-supplied file name is reduced to
one readable path component that can never climb out of its directory, and every key a store is
handed is re-checked (stores never trust that a key came from :func:`object_key`).
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from qalx_server.files.errors import InvalidKey

MAX_NAME_BYTES = 200
"""Longest sanitised file name, in UTF-8 bytes (file systems allow 255; leave some room)."""

MAX_KEY_BYTES = 1024
"""S3's limit on the length of an object key."""

_MAX_SEGMENT_BYTES = 255
_MAX_EXTENSION_CHARS = 16
_FALLBACK_NAME = "file"

# A company or entity id: one plain path component. Rejected (not rewritten) when it does not
# match, since silently mapping two tenants onto one prefix would mix their files.
_ID_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
# Characters Windows refuses in names; harmless on POSIX/S3 but confusing when downloaded.
_UNSAFE_CHARS = re.compile(r'[<>:"|?*]')
_WHITESPACE = re.compile(r"\s+")
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)


def _is_invisible(char: str) -> bool:
    """Control, format (bidi overrides, zero-width), surrogate, private-use or unassigned."""
    return unicodedata.category(char).startswith("C")


def _truncate_utf8(text: str, max_bytes: int) -> str:
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


def sanitise_name(name: str) -> str:
    """Reduce a user-supplied file name to one safe, readable path component.

    Keeps the last component of any path (``/`` or ``\\``), drops invisible characters, replaces
    characters Windows forbids with ``_``, collapses whitespace, strips leading/trailing dots and
    spaces (so the result is never ``.``, ``..`` or a hidden file), defuses Windows device names
    and caps the length at :data:`MAX_NAME_BYTES` while keeping the extension.
    """
    text = unicodedata.normalize("NFC", name)
    text = "".join(" " if char in "\t\n\r\v\f" else char for char in text)
    text = "".join(char for char in text if not _is_invisible(char))
    parts = [part for part in re.split(r"[/\\]", text) if part.strip(" .")]
    text = parts[-1] if parts else ""
    text = _UNSAFE_CHARS.sub("_", text)
    text = _WHITESPACE.sub(" ", text).strip(" .")
    if not text:
        return _FALLBACK_NAME
    if text.split(".", 1)[0].strip().upper() in _WINDOWS_RESERVED:
        text = "_" + text
    if len(text.encode("utf-8")) > MAX_NAME_BYTES:
        stem, dot, ext = text.rpartition(".")
        if not dot or not stem or len(ext) > _MAX_EXTENSION_CHARS:
            stem, ext = text, ""
        suffix = f".{ext}" if ext else ""
        stem = _truncate_utf8(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))).rstrip(" .")
        text = (stem or _FALLBACK_NAME) + suffix
    return text


def _id_segment(value: str, what: str) -> str:
    if not _ID_SEGMENT.fullmatch(value):
        raise InvalidKey(
            f"{what} {value!r} cannot be used in an object key: "
            "expected 1-128 characters from A-Z a-z 0-9 . _ - starting with a letter or digit"
        )
    return value


def object_key(company: str, entity_guid: str, name: str) -> str:
    """Build a fresh key ``<company>/<entity_guid>/<random>/<sanitised name>``.

    The random component makes every upload a new object, so re-using a file name never
    overwrites another entity's (or an older) file, and keys cannot be guessed.
    """
    return "/".join(
        (
            _id_segment(company, "company"),
            _id_segment(entity_guid, "entity_guid"),
            secrets.token_hex(12),
            sanitise_name(name),
        )
    )


def validate_key(key: str) -> str:
    """Return ``key`` unchanged if it is a safe relative key, else raise :class:`InvalidKey`.

    Safe means: non-empty ``/``-separated components, none empty, ``.``/``..`` or starting with
    ``.`` (dot names are reserved for the local store's temporary files), no backslash and no
    invisible characters, within S3's length limit.
    """
    if not key:
        raise InvalidKey("object key is empty")
    if len(key.encode("utf-8", errors="surrogatepass")) > MAX_KEY_BYTES:
        raise InvalidKey(f"object key is longer than {MAX_KEY_BYTES} bytes")
    if "\\" in key or any(_is_invisible(char) for char in key):
        raise InvalidKey(f"object key {key!r} contains a backslash or a control character")
    for part in key.split("/"):
        if not part or part.startswith("."):
            raise InvalidKey(
                f"object key {key!r} has an empty, '.', '..' or dot-prefixed component"
            )
        if len(part.encode("utf-8")) > _MAX_SEGMENT_BYTES:
            raise InvalidKey(f"object key {key!r} has a component over {_MAX_SEGMENT_BYTES} bytes")
    return key


def validate_prefix(prefix: str) -> str:
    """Check a key prefix for ``delete_prefix``; returns it without its trailing ``/``.

    Prefixes are whole path components (``acme/guid`` never matches ``acme/guid2/...``), and an
    empty prefix (which would mean *everything*) is refused.
    """
    return validate_key(prefix.removesuffix("/"))
