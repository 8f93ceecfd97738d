from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="UuidGuid")


@_attrs_define
class UuidGuid:
    """A guid as `{"$uuid": hex}`, hyphens optional.

    Attributes:
        uuid (str):
    """

    uuid: str

    def to_dict(self) -> dict[str, Any]:
        uuid = self.uuid

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "$uuid": uuid,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        uuid = d.pop("$uuid")

        uuid_guid = cls(
            uuid=uuid,
        )

        return uuid_guid
