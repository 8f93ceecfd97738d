from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Guid")


@_attrs_define
class Guid:
    """A guid in legacy Extended JSON. The server emits 32 lowercase hex digits.

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

        guid = cls(
            uuid=uuid,
        )

        return guid
