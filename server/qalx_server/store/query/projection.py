"""Projection: ``fields`` (dotted paths) -> a function that trims decoded documents.

Inclusion semantics of MongoDB ``find`` projections: a dotted path through an
array keeps that sub-field of each object element (other elements are dropped);
a path through a scalar keeps nothing.  ``guid`` is always kept.  Projection is
applied in Python after the rows are read, so it works the same on any dialect.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .errors import QueryError
from .extjson import JSON
from .paths import PathRewriter, split_path

Projector = Callable[[JSON], JSON]
MAX_FIELDS = 200
ALWAYS = ("guid",)

_Tree = dict[str, Any]  # path component -> subtree; True means "keep whole value"


def _build(fields: Sequence[str], rewrite_path: PathRewriter | None) -> _Tree:
    tree: _Tree = {}
    for field in [*ALWAYS, *fields]:
        node = tree
        parts = split_path(field, rewrite_path)
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            current = node.get(part)
            if current is True:
                break  # a parent is already kept whole
            if last:
                node[part] = True
            else:
                node = node.setdefault(part, {})
    return tree


def _apply(value: JSON, tree: _Tree) -> Any:
    """Project one value through a subtree; returns _SKIP when nothing is kept."""
    if isinstance(value, list):
        out = []
        for elem in value:
            if isinstance(elem, list):
                kept = _apply(elem, tree)
                out.append(kept)
            elif isinstance(elem, dict) and not _is_special(elem):
                out.append(_apply(elem, tree))
        return out
    if isinstance(value, dict) and not _is_special(value):
        result: dict[str, Any] = {}
        for key, val in value.items():
            sub = tree.get(key)
            if sub is None:
                continue
            if sub is True:
                result[key] = val
                continue
            kept = _apply(val, sub)
            if kept is not _SKIP:
                result[key] = kept
        return result
    return _SKIP


def _is_special(v: dict[str, Any]) -> bool:
    return "$date" in v or "$uuid" in v or "$binary" in v or "$numberDouble" in v


class _Skip:
    pass


_SKIP: Any = _Skip()


def compile_projection(
    fields: str | Sequence[str] | None, rewrite_path: PathRewriter | None = None
) -> Projector | None:
    """``fields`` -> projector, or None when no projection was asked for.

    Raises :class:`QueryError` for invalid paths or too many fields.
    """
    if fields is None:
        return None
    items = [fields] if isinstance(fields, str) else list(fields)
    names: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise QueryError(f"invalid field {item!r}")
        names.extend(p.strip() for p in item.split(",") if p.strip())
    if not names:
        return None
    if len(names) > MAX_FIELDS:
        raise QueryError(f"at most {MAX_FIELDS} fields may be projected")
    tree = _build(names, rewrite_path)

    def project(doc: JSON) -> JSON:
        out = _apply(doc, tree)
        return {} if out is _SKIP else out

    return project
