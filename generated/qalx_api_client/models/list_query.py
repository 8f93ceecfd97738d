from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ListQuery")


@_attrs_define
class ListQuery:
    """About the page. `count` is the number of entities in this page; `total`, present only
    when the request asked for it (`total=true`), the number of all matches. `next` and
    `previous` are paths relative to the base URL (no leading `/`) that carry their own
    query string, or null at either end.

        Attributes:
            count (int):
            next_ (None | str):
            total (int | Unset):
            skip (int | Unset):
            limit (int | Unset):
            previous (None | str | Unset):
    """

    count: int
    next_: None | str
    total: int | Unset = UNSET
    skip: int | Unset = UNSET
    limit: int | Unset = UNSET
    previous: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        next_: None | str
        next_ = self.next_

        total = self.total

        skip = self.skip

        limit = self.limit

        previous: None | str | Unset
        if isinstance(self.previous, Unset):
            previous = UNSET
        else:
            previous = self.previous

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "count": count,
                "next": next_,
            }
        )
        if total is not UNSET:
            field_dict["total"] = total
        if skip is not UNSET:
            field_dict["skip"] = skip
        if limit is not UNSET:
            field_dict["limit"] = limit
        if previous is not UNSET:
            field_dict["previous"] = previous

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        def _parse_next_(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_ = _parse_next_(d.pop("next"))

        total = d.pop("total", UNSET)

        skip = d.pop("skip", UNSET)

        limit = d.pop("limit", UNSET)

        def _parse_previous(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        previous = _parse_previous(d.pop("previous", UNSET))

        list_query = cls(
            count=count,
            next_=next_,
            total=total,
            skip=skip,
            limit=limit,
            previous=previous,
        )

        list_query.additional_properties = d
        return list_query

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
