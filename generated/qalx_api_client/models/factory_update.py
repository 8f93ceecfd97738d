from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.factory_bot_ref import FactoryBotRef
    from ..models.factory_update_stacks import FactoryUpdateStacks
    from ..models.file_write import FileWrite
    from ..models.meta import Meta
    from ..models.tag import Tag


T = TypeVar("T", bound="FactoryUpdate")


@_attrs_define
class FactoryUpdate:
    """
    Attributes:
        name (str | Unset):
        stage (None | str | Unset):
        plan (FileWrite | Unset): A file record in a write. `{}` means no file. With `name`, the answer carries a fresh
            `put_url`. Without `name`, `keyfile` and `as_file` update the entity's current file, if
            it has one. A read-back `url` or `put_url` is accepted and ignored.
        status (str | Unset):
        stacks (FactoryUpdateStacks | Unset):
        bots (list[FactoryBotRef] | Unset):
        meta (Meta | Unset): Descriptive data that is not critical to how the entity is used. Exposed as `meta`;
            queries may address it as `meta.x` or `metadata.data.x`.
        tags (list[Tag] | Unset):
    """

    name: str | Unset = UNSET
    stage: None | str | Unset = UNSET
    plan: FileWrite | Unset = UNSET
    status: str | Unset = UNSET
    stacks: FactoryUpdateStacks | Unset = UNSET
    bots: list[FactoryBotRef] | Unset = UNSET
    meta: Meta | Unset = UNSET
    tags: list[Tag] | Unset = UNSET
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

        status = self.status

        stacks: dict[str, Any] | Unset = UNSET
        if not isinstance(self.stacks, Unset):
            stacks = self.stacks.to_dict()

        bots: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.bots, Unset):
            bots = []
            for bots_item_data in self.bots:
                bots_item = bots_item_data.to_dict()
                bots.append(bots_item)

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
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if stage is not UNSET:
            field_dict["stage"] = stage
        if plan is not UNSET:
            field_dict["plan"] = plan
        if status is not UNSET:
            field_dict["status"] = status
        if stacks is not UNSET:
            field_dict["stacks"] = stacks
        if bots is not UNSET:
            field_dict["bots"] = bots
        if meta is not UNSET:
            field_dict["meta"] = meta
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.factory_bot_ref import FactoryBotRef  # noqa: PLC0415
        from ..models.factory_update_stacks import FactoryUpdateStacks  # noqa: PLC0415
        from ..models.file_write import FileWrite  # noqa: PLC0415
        from ..models.meta import Meta  # noqa: PLC0415
        from ..models.tag import Tag  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

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

        status = d.pop("status", UNSET)

        _stacks = d.pop("stacks", UNSET)
        stacks: FactoryUpdateStacks | Unset
        if isinstance(_stacks, Unset):
            stacks = UNSET
        else:
            stacks = FactoryUpdateStacks.from_dict(_stacks)

        _bots = d.pop("bots", UNSET)
        bots: list[FactoryBotRef] | Unset = UNSET
        if _bots is not UNSET:
            bots = []
            for bots_item_data in _bots:
                bots_item = FactoryBotRef.from_dict(bots_item_data)

                bots.append(bots_item)

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

        factory_update = cls(
            name=name,
            stage=stage,
            plan=plan,
            status=status,
            stacks=stacks,
            bots=bots,
            meta=meta,
            tags=tags,
        )

        factory_update.additional_properties = d
        return factory_update

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
