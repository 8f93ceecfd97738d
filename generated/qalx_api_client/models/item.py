from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.data import Data
    from ..models.file import File
    from ..models.guid import Guid
    from ..models.info import Info
    from ..models.meta import Meta
    from ..models.tag import Tag


T = TypeVar("T", bound="Item")


@_attrs_define
class Item:
    """
    Attributes:
        guid (Guid): A guid in legacy Extended JSON. The server emits 32 lowercase hex digits.
        info (Info): Maintained by the server; read-only (stripped from PATCH bodies by clients).
        data (Data): Free-form structured data (Extended JSON values allowed at any depth).
        meta (Meta): Descriptive data that is not critical to how the entity is used. Exposed as `meta`;
            queries may address it as `meta.x` or `metadata.data.x`.
        file (File): An entity's file record. `{}` when there is no file. `put_url` (a presigned upload URL,
            valid for a limited time) is present only on answers to writes that carried a file
            name; it is issued afresh on every such write.
        tags (list[Tag] | Unset):
    """

    guid: Guid
    info: Info
    data: Data
    meta: Meta
    file: File
    tags: list[Tag] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        guid = self.guid.to_dict()

        info = self.info.to_dict()

        data = self.data.to_dict()

        meta = self.meta.to_dict()

        file = self.file.to_dict()

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
                "info": info,
                "data": data,
                "meta": meta,
                "file": file,
            }
        )
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.data import Data  # noqa: PLC0415
        from ..models.file import File  # noqa: PLC0415
        from ..models.guid import Guid  # noqa: PLC0415
        from ..models.info import Info  # noqa: PLC0415
        from ..models.meta import Meta  # noqa: PLC0415
        from ..models.tag import Tag  # noqa: PLC0415

        d = dict(src_dict)
        guid = Guid.from_dict(d.pop("guid"))

        info = Info.from_dict(d.pop("info"))

        data = Data.from_dict(d.pop("data"))

        meta = Meta.from_dict(d.pop("meta"))

        file = File.from_dict(d.pop("file"))

        _tags = d.pop("tags", UNSET)
        tags: list[Tag] | Unset = UNSET
        if _tags is not UNSET:
            tags = []
            for componentsschemas_tags_item_data in _tags:
                componentsschemas_tags_item = Tag.from_dict(
                    componentsschemas_tags_item_data
                )

                tags.append(componentsschemas_tags_item)

        item = cls(
            guid=guid,
            info=info,
            data=data,
            meta=meta,
            file=file,
            tags=tags,
        )

        item.additional_properties = d
        return item

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
