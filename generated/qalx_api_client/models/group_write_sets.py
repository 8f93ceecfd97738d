from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.binary_guid import BinaryGuid
    from ..models.uuid_guid import UuidGuid


T = TypeVar("T", bound="GroupWriteSets")


@_attrs_define
class GroupWriteSets:
    additional_properties: dict[str, BinaryGuid | str | UuidGuid] = _attrs_field(
        init=False, factory=dict
    )

    def to_dict(self) -> dict[str, Any]:
        from ..models.binary_guid import BinaryGuid  # noqa: PLC0415
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            if isinstance(prop, UuidGuid):
                field_dict[prop_name] = prop.to_dict()
            elif isinstance(prop, BinaryGuid):
                field_dict[prop_name] = prop.to_dict()
            else:
                field_dict[prop_name] = prop

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.binary_guid import BinaryGuid  # noqa: PLC0415
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        d = dict(src_dict)
        group_write_sets = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():

            def _parse_additional_property(data: object) -> BinaryGuid | str | UuidGuid:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_guid_type_0 = UuidGuid.from_dict(data)

                    return componentsschemas_guid_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_guid_type_1 = BinaryGuid.from_dict(data)

                    return componentsschemas_guid_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(BinaryGuid | str | UuidGuid, data)

            additional_property = _parse_additional_property(prop_dict)

            additional_properties[prop_name] = additional_property

        group_write_sets.additional_properties = additional_properties
        return group_write_sets

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> BinaryGuid | str | UuidGuid:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: BinaryGuid | str | UuidGuid) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
