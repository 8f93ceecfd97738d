from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="BinaryGuid")


@_attrs_define
class BinaryGuid:
    """A guid as BSON binary: `{"$binary": <base64 of the 16 bytes>, "$type": "04"}`.

    Attributes:
        binary (str):
        type_ (str): `04` (UUID); `03` (legacy UUID) is accepted too.
    """

    binary: str
    type_: str

    def to_dict(self) -> dict[str, Any]:
        binary = self.binary

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "$binary": binary,
                "$type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        binary = d.pop("$binary")

        type_ = d.pop("$type")

        binary_guid = cls(
            binary=binary,
            type_=type_,
        )

        return binary_guid
