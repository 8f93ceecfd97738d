from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.binary_guid import BinaryGuid
    from ..models.uuid_guid import UuidGuid


T = TypeVar("T", bound="GroupSets")


@_attrs_define
class GroupSets:
    """Key to set guid, returned in the same form as guids."""

    additional_properties: dict[str, BinaryGuid | UuidGuid] = _attrs_field(
        init=False, factory=dict
    )

    def to_dict(self) -> dict[str, Any]:
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            if isinstance(prop, UuidGuid):
                field_dict[prop_name] = prop.to_dict()
            else:
                field_dict[prop_name] = prop.to_dict()

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.binary_guid import BinaryGuid  # noqa: PLC0415
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        d = dict(src_dict)
        group_sets = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():

            def _parse_additional_property(data: object) -> BinaryGuid | UuidGuid:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_guid_type_0 = UuidGuid.from_dict(data)

                    return componentsschemas_guid_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_guid_type_1 = BinaryGuid.from_dict(data)

                return componentsschemas_guid_type_1

            additional_property = _parse_additional_property(prop_dict)

            additional_properties[prop_name] = additional_property

        group_sets.additional_properties = additional_properties
        return group_sets

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> BinaryGuid | UuidGuid:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: BinaryGuid | UuidGuid) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
