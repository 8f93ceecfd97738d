from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.factory_create_data import FactoryCreateData
    from ..models.file_write import FileWrite
    from ..models.meta import Meta
    from ..models.tag import Tag


T = TypeVar("T", bound="FactoryCreate")


@_attrs_define
class FactoryCreate:
    """`data`, `encrypt` and `file_key` (which pyqalx sends) are accepted and ignored; plans
    are never encrypted.

        Attributes:
            name (str):
            stage (None | str | Unset):
            plan (FileWrite | Unset): A file record in a write. `{}` means no file. With `name`, the answer carries a fresh
                `put_url`. Without `name`, `keyfile` and `as_file` update the entity's current file, if
                it has one. A read-back `url` or `put_url` is accepted and ignored.
            meta (Meta | Unset): Descriptive data that is not critical to how the entity is used. Exposed as `meta`;
                queries may address it as `meta.x` or `metadata.data.x`.
            tags (list[Tag] | Unset):
            data (FactoryCreateData | Unset):
            encrypt (bool | Unset):
            file_key (str | Unset):
    """

    name: str
    stage: None | str | Unset = UNSET
    plan: FileWrite | Unset = UNSET
    meta: Meta | Unset = UNSET
    tags: list[Tag] | Unset = UNSET
    data: FactoryCreateData | Unset = UNSET
    encrypt: bool | Unset = UNSET
    file_key: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        stage: None | str | Unset
        if isinstance(self.stage, Unset):
            stage = UNSET
        else:
            stage = self.stage

        plan: dict[str, Any] | Unset = UNSET
        if not isinstance(self.plan, Unset):
            plan = self.plan.to_dict()

        meta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.meta, Unset):
            meta = self.meta.to_dict()

        tags: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = []
            for componentsschemas_tags_item_data in self.tags:
                componentsschemas_tags_item = componentsschemas_tags_item_data.to_dict()
                tags.append(componentsschemas_tags_item)

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        encrypt = self.encrypt

        file_key = self.file_key

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if stage is not UNSET:
            field_dict["stage"] = stage
        if plan is not UNSET:
            field_dict["plan"] = plan
        if meta is not UNSET:
            field_dict["meta"] = meta
        if tags is not UNSET:
            field_dict["tags"] = tags
        if data is not UNSET:
            field_dict["data"] = data
        if encrypt is not UNSET:
            field_dict["encrypt"] = encrypt
        if file_key is not UNSET:
            field_dict["file_key"] = file_key

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.factory_create_data import FactoryCreateData  # noqa: PLC0415
        from ..models.file_write import FileWrite  # noqa: PLC0415
        from ..models.meta import Meta  # noqa: PLC0415
        from ..models.tag import Tag  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        def _parse_stage(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        stage = _parse_stage(d.pop("stage", UNSET))

        _plan = d.pop("plan", UNSET)
        plan: FileWrite | Unset
        if isinstance(_plan, Unset):
            plan = UNSET
        else:
            plan = FileWrite.from_dict(_plan)

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

        _data = d.pop("data", UNSET)
        data: FactoryCreateData | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = FactoryCreateData.from_dict(_data)

        encrypt = d.pop("encrypt", UNSET)

        file_key = d.pop("file_key", UNSET)

        factory_create = cls(
            name=name,
            stage=stage,
            plan=plan,
            meta=meta,
            tags=tags,
            data=data,
            encrypt=encrypt,
            file_key=file_key,
        )

        factory_create.additional_properties = d
        return factory_create

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
