from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.binary_guid import BinaryGuid
    from ..models.group_sets import GroupSets
    from ..models.info import Info
    from ..models.meta import Meta
    from ..models.tag import Tag
    from ..models.uuid_guid import UuidGuid


T = TypeVar("T", bound="Group")


@_attrs_define
class Group:
    """Without `fields`, every property below is present. Under a `fields` projection, `guid` is always kept.

    Attributes:
        guid (BinaryGuid | UuidGuid): A guid in legacy Extended JSON: `{"$uuid": hex}` (`UuidGuid`, what qalx_server
            emits:
            32 lowercase hex digits) or, as another server may answer, BSON binary subtype 4 (or
            the legacy subtype 3) of the 16 bytes (`BinaryGuid`). pyqalx decodes both to a UUID.
        info (Info | Unset): Maintained by the server; read-only (clients strip it from PATCH bodies). Complete on
            full answers; a `fields` projection may return part of it.
        sets (GroupSets | Unset): Key to set guid, returned in the same form as guids.
        meta (Meta | Unset): Descriptive data that is not critical to how the entity is used. Exposed as `meta`;
            queries may address it as `meta.x` or `metadata.data.x`.
        tags (list[Tag] | Unset):
    """

    guid: BinaryGuid | UuidGuid
    info: Info | Unset = UNSET
    sets: GroupSets | Unset = UNSET
    meta: Meta | Unset = UNSET
    tags: list[Tag] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        guid: dict[str, Any]
        if isinstance(self.guid, UuidGuid):
            guid = self.guid.to_dict()
        else:
            guid = self.guid.to_dict()

        info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.info, Unset):
            info = self.info.to_dict()

        sets: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sets, Unset):
            sets = self.sets.to_dict()

        meta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.meta, Unset):
            meta = self.meta.to_dict()

        tags: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = []
            for componentsschemas_tags_item_data in self.tags:
                componentsschemas_tags_item = componentsschemas_tags_item_data.to_dict()
                tags.append(componentsschemas_tags_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "guid": guid,
            }
        )
        if info is not UNSET:
            field_dict["info"] = info
        if sets is not UNSET:
            field_dict["sets"] = sets
        if meta is not UNSET:
            field_dict["meta"] = meta
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.binary_guid import BinaryGuid  # noqa: PLC0415
        from ..models.group_sets import GroupSets  # noqa: PLC0415
        from ..models.info import Info  # noqa: PLC0415
        from ..models.meta import Meta  # noqa: PLC0415
        from ..models.tag import Tag  # noqa: PLC0415
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_guid(data: object) -> BinaryGuid | UuidGuid:
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

        guid = _parse_guid(d.pop("guid"))

        _info = d.pop("info", UNSET)
        info: Info | Unset
        if isinstance(_info, Unset):
            info = UNSET
        else:
            info = Info.from_dict(_info)

        _sets = d.pop("sets", UNSET)
        sets: GroupSets | Unset
        if isinstance(_sets, Unset):
            sets = UNSET
        else:
            sets = GroupSets.from_dict(_sets)

        _meta = d.pop("meta", UNSET)
        meta: Meta | Unset
        if isinstance(_meta, Unset):
            meta = UNSET
        else:
            meta = Meta.from_dict(_meta)

        _tags = d.pop("tags", UNSET)
        tags: list[Tag] | Unset = UNSET
        if _tags is not UNSET:
            tags = []
            for componentsschemas_tags_item_data in _tags:
                componentsschemas_tags_item = Tag.from_dict(
                    componentsschemas_tags_item_data
                )

                tags.append(componentsschemas_tags_item)

        group = cls(
            guid=guid,
            info=info,
            sets=sets,
            meta=meta,
            tags=tags,
        )

        group.additional_properties = d
        return group

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
