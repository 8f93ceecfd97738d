"""Field paths: splitting, validation and the qalx path rewriter.

Clients address stored ``meta`` both as ``meta.x`` and ``metadata.data.x``, and
sort on ``created``/``modified``; the rewriter maps those onto stored paths.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import QueryError

PathRewriter = Callable[[str], str]
Path = tuple[str, ...]


def identity(path: str) -> str:
    return path


def qalx_rewrite_path(path: str) -> str:
    """Default qalx rewriter: ``metadata.data[.x]`` -> ``meta[.x]``, ``created`` ->
    ``info.created.on``, ``modified`` -> ``info.modified.on``."""
    if path == "metadata.data" or path.startswith("metadata.data."):
        return "meta" + path[len("metadata.data") :]
    if path == "created":
        return "info.created.on"
    if path == "modified":
        return "info.modified.on"
    return path


def split_path(path: str, rewrite: PathRewriter | None = None) -> Path:
    """Rewrite then split a dotted path, refusing empty or ``$``-prefixed components."""
    if not isinstance(path, str) or not path:
        raise QueryError(f"invalid field path {path!r}")
    if rewrite is not None:
        path = rewrite(path)
    parts = tuple(path.split("."))
    for part in parts:
        if not part:
            raise QueryError(f"invalid field path {path!r}: empty component")
        if part.startswith("$"):
            raise QueryError(f"invalid field path {path!r}: components may not start with '$'")
    return parts


def is_index(part: str) -> bool:
    """Numeric path components also address array positions (Mongo ``a.0.b``)."""
    return part.isdigit() and part.isascii() and (part == "0" or not part.startswith("0"))
