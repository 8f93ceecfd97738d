"""Session tags: `{name, value}` pairs attached to every write of a session and added to every
find, unless `include_session_tags=False` (wire-contract §6). Each change is checked by the
API (`POST tags/validate`) before it takes effect, so a refused tag is never written."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, SupportsIndex

from qalx.errors import QalxAPIResponseError, QalxError, QalxInvalidTagError

Tag = dict[str, str]
Validator = Callable[[list[Tag]], None]


def make_tag(name: Any, value: Any) -> Tag:
    if not isinstance(name, str) or not isinstance(value, str):
        raise QalxInvalidTagError(
            f"a tag's name and value must be strings; got {name!r}: {value!r}"
        )
    return {"name": name.lower().strip(), "value": value.lower().strip()}


def _as_tag(tag: Any) -> Tag:
    if not isinstance(tag, Mapping) or set(tag) != {"name", "value"}:
        raise QalxInvalidTagError(f"a tag is a mapping with `name` and `value`; got {tag!r}")
    return make_tag(tag["name"], tag["value"])


class Tags(list[Tag]):
    """The tags of a session: a list that validates what enters it."""

    def __init__(self, tags: Iterable[Any] = (), *, validator: Validator) -> None:
        self._validator = validator
        checked = [_as_tag(t) for t in tags]
        self._validate(checked)
        super().__init__(checked)

    def _validate(self, tags: list[Tag]) -> None:
        if not tags:
            return
        try:
            self._validator(tags)
        except QalxAPIResponseError as exc:
            raise QalxInvalidTagError(f"the API refused the tags {tags}: {exc}") from exc

    def add(self, name: str, value: str) -> None:
        tag = make_tag(name, value)
        self._validate([tag])
        super().append(tag)

    def append(self, tag: Any) -> None:
        checked = _as_tag(tag)
        self._validate([checked])
        super().append(checked)

    def insert(self, index: SupportsIndex, tag: Any) -> None:
        checked = _as_tag(tag)
        self._validate([checked])
        super().insert(index, checked)

    def extend(self, tags: Iterable[Any]) -> None:
        checked = [_as_tag(t) for t in tags]
        self._validate(checked)
        super().extend(checked)

    def __iadd__(self, tags: Iterable[Any]) -> Tags:  # type: ignore[override,misc]
        self.extend(tags)
        return self

    def __setitem__(self, index: Any, value: Any) -> None:
        raise QalxError("replace session tags with add/remove, or assign session.tags = [...]")

    def query(self) -> list[dict[str, Any]]:
        """The find clauses that match entities carrying every tag."""
        return [{"tags": {"$elemMatch": dict(t)}} for t in self]

    _query = query  # pyqalx's name

    def with_query(self, query: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """`query` narrowed to entities with this session's tags (the caller's dict is not
        changed, unlike pyqalx's)."""
        if not self:
            return dict(query) if query else None
        combined = dict(query or {})
        combined["$and"] = [*combined.get("$and", []), *self.query()]
        return combined
