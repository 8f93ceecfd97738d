from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.entity_type import EntityType

T = TypeVar("T", bound="IndexDeclare")


@_attrs_define
class IndexDeclare:
    """
    Attributes:
        entity_type (EntityType): An entity type, as its paths name it.
        path (str): A dotted document path, as queries write it (`data.x`, `metadata.data.x`): field names
            only, each not empty, not starting with `$`, not all digits (an array position, which
            the index's key never reaches; its arrays' elements are found anyway), and without
            `.`, `"`, `\\` or control characters.
    """

    entity_type: EntityType
    path: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entity_type = self.entity_type.value

        path = self.path

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entity_type": entity_type,
                "path": path,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        entity_type = EntityType(d.pop("entity_type"))

        path = d.pop("path")

        index_declare = cls(
            entity_type=entity_type,
            path=path,
        )

        index_declare.additional_properties = d
        return index_declare

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
