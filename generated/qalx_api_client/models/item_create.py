from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.data import Data
    from ..models.file_write import FileWrite
    from ..models.meta import Meta
    from ..models.tag import Tag


T = TypeVar("T", bound="ItemCreate")


@_attrs_define
class ItemCreate:
    """One item. Never has `items`, so a bulk body (`ItemBulkCreate`) is never also a single
    item: exactly one branch of `create_item`'s `oneOf` matches any body.

        Attributes:
            data (Data | Unset): Free-form structured data (Extended JSON values allowed at any depth).
            meta (Meta | Unset): Descriptive data that is not critical to how the entity is used. Exposed as `meta`;
                queries may address it as `meta.x` or `metadata.data.x`.
            tags (list[Tag] | Unset):
            file (FileWrite | Unset): A file record in a write. `{}` means no file. With `name`, the answer carries a fresh
                `put_url`. Without `name`, `keyfile` and `as_file` update the entity's current file, if
                it has one. A read-back `url` or `put_url` is accepted and ignored.
            encrypt (bool | Unset): Accepted and never echoed (pyqalx always sends it).
    """

    data: Data | Unset = UNSET
    meta: Meta | Unset = UNSET
    tags: list[Tag] | Unset = UNSET
    file: FileWrite | Unset = UNSET
    encrypt: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        meta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.meta, Unset):
            meta = self.meta.to_dict()

        tags: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = []
            for componentsschemas_tags_item_data in self.tags:
                componentsschemas_tags_item = componentsschemas_tags_item_data.to_dict()
                tags.append(componentsschemas_tags_item)

        file: dict[str, Any] | Unset = UNSET
        if not isinstance(self.file, Unset):
            file = self.file.to_dict()

        encrypt = self.encrypt

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if data is not UNSET:
            field_dict["data"] = data
        if meta is not UNSET:
            field_dict["meta"] = meta
        if tags is not UNSET:
            field_dict["tags"] = tags
        if file is not UNSET:
            field_dict["file"] = file
        if encrypt is not UNSET:
            field_dict["encrypt"] = encrypt

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.data import Data  # noqa: PLC0415
        from ..models.file_write import FileWrite  # noqa: PLC0415
        from ..models.meta import Meta  # noqa: PLC0415
        from ..models.tag import Tag  # noqa: PLC0415

        d = dict(src_dict)
        _data = d.pop("data", UNSET)
        data: Data | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = Data.from_dict(_data)

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

        _file = d.pop("file", UNSET)
        file: FileWrite | Unset
        if isinstance(_file, Unset):
            file = UNSET
        else:
            file = FileWrite.from_dict(_file)

        encrypt = d.pop("encrypt", UNSET)

        item_create = cls(
            data=data,
            meta=meta,
            tags=tags,
            file=file,
            encrypt=encrypt,
        )

        item_create.additional_properties = d
        return item_create

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
