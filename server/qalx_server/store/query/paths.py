"""Field paths: splitting and validation, after the caller's rewriting.

A :data:`PathRewriter` maps the paths clients write onto stored ones before they are
split (the API's own lives with the entities, in ``entities.querying``).
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import QueryError

PathRewriter = Callable[[str], str]
Path = tuple[str, ...]


def split_path(path: str, rewrite: PathRewriter | None = None) -> Path:
    """Rewrite then split a dotted path, refusing empty or ``$``-prefixed components."""
    if not isinstance(path, str) or not path:
        raise QueryError(f"invalid field path {path!r}")
    if rewrite is not None:
        path = rewrite(path)
    if "\x00" in path:
        raise QueryError(f"invalid field path {path!r}: it holds the NUL character")
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
