"""`QalxAddict`: a dict whose keys are also attributes, at every depth.

pyqalx builds its entities on addict; code written for it reads `item.data.height` and writes
`item.meta.shape = "square"`, and a missing key read as an attribute raises AttributeError (so
`hasattr` works). This keeps those semantics without the dependency. Names that start with `_`
are ordinary attributes (the SDK's private state), never keys; dict's own methods (`items`,
`keys`, `get`, ...) win over keys of the same name, which is why `Set.items_` exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def wrap(value: Any) -> Any:
    """Plain dicts (and dicts inside lists) become `QalxAddict`; anything else is kept as is,
    so an entity stored inside another keeps its own type."""
    kind = type(value)
    if kind is dict:
        return QalxAddict(value)
    if kind is list:
        for index, item in enumerate(value):
            if type(item) is dict or type(item) is list:
                return value[:index] + [wrap(v) for v in value[index:]]
    return value


class QalxAddict(dict[str, Any]):
    """A dict with attribute access to its keys (recursively)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        if args or kwargs:
            self.update(*args, **kwargs)

    @classmethod
    def decoded(cls, values: dict[str, Any]) -> QalxAddict:
        """The object hook of the wire decoder: its children are already converted."""
        made = cls()
        dict.update(made, values)
        return made

    def update(self, *args: Any, **kwargs: Any) -> None:
        source: Iterable[tuple[str, Any]]
        for arg in args:
            source = arg.items() if isinstance(arg, Mapping) else arg
            for key, value in source:
                dict.__setitem__(self, key, wrap(value))
        for key, value in kwargs.items():
            dict.__setitem__(self, key, wrap(value))

    def __setitem__(self, key: str, value: Any) -> None:
        dict.__setitem__(self, key, wrap(value))

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return dict.__getitem__(self, name)
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute or key {name!r}"
                " (was it left out by fields=...?)"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_") or hasattr(getattr(type(self), name, None), "__set__"):
            object.__setattr__(self, name, value)
        else:
            self[name] = value

    def __delattr__(self, name: str) -> None:
        if name.startswith("_"):
            object.__delattr__(self, name)
            return
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self) -> Iterable[str]:
        return [*super().__dir__(), *(k for k in self if isinstance(k, str) and k.isidentifier())]

    def to_dict(self) -> dict[str, Any]:
        """A deep copy as plain dicts and lists."""
        return _plain(self)  # type: ignore[no-any-return]


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
