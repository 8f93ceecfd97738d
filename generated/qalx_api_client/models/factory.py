from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.binary_guid import BinaryGuid
    from ..models.factory_bot import FactoryBot
    from ..models.factory_stacks import FactoryStacks
    from ..models.file import File
    from ..models.info import Info
    from ..models.meta import Meta
    from ..models.tag import Tag
    from ..models.uuid_guid import UuidGuid


T = TypeVar("T", bound="Factory")


@_attrs_define
class Factory:
    """Without `fields`, every property below is present. Under a `fields` projection, `guid` and `plan` are always kept
    (pyqalx's save needs `plan`).

        Attributes:
            guid (BinaryGuid | UuidGuid): A guid in legacy Extended JSON: `{"$uuid": hex}` (`UuidGuid`, what qalx_server
                emits:
                32 lowercase hex digits) or, as another server may answer, BSON binary subtype 4 (or
                the legacy subtype 3) of the 16 bytes (`BinaryGuid`). pyqalx decodes both to a UUID.
            plan (File): An entity's file record. `{}` when there is no file. `put_url` (a presigned upload URL,
                valid for a limited time) is present only on answers to writes that carried a file
                name; it is issued afresh on every such write.
            info (Info | Unset): Maintained by the server; read-only (clients strip it from PATCH bodies). Complete on
                full answers; a `fields` projection may return part of it.
            name (str | Unset):
            stage (None | str | Unset):
            status (str | Unset): `deploying` (the default for new factories), `deployed` or `deleting`.
            stacks (FactoryStacks | Unset): Sector name to CloudFormation stack id.
            bots (list[FactoryBot] | Unset):
            meta (Meta | Unset): Descriptive data that is not critical to how the entity is used. Exposed as `meta`;
                queries may address it as `meta.x` or `metadata.data.x`.
            tags (list[Tag] | Unset):
    """

    guid: BinaryGuid | UuidGuid
    plan: File
    info: Info | Unset = UNSET
    name: str | Unset = UNSET
    stage: None | str | Unset = UNSET
    status: str | Unset = UNSET
    stacks: FactoryStacks | Unset = UNSET
    bots: list[FactoryBot] | Unset = UNSET
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

        plan = self.plan.to_dict()

        info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.info, Unset):
            info = self.info.to_dict()

        name = self.name

        stage: None | str | Unset
        if isinstance(self.stage, Unset):
            stage = UNSET
        else:
            stage = self.stage

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
        field_dict.update(
            {
                "guid": guid,
                "plan": plan,
            }
        )
        if info is not UNSET:
            field_dict["info"] = info
        if name is not UNSET:
            field_dict["name"] = name
        if stage is not UNSET:
            field_dict["stage"] = stage
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
        from ..models.binary_guid import BinaryGuid  # noqa: PLC0415
        from ..models.factory_bot import FactoryBot  # noqa: PLC0415
        from ..models.factory_stacks import FactoryStacks  # noqa: PLC0415
        from ..models.file import File  # noqa: PLC0415
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

        plan = File.from_dict(d.pop("plan"))

        _info = d.pop("info", UNSET)
        info: Info | Unset
        if isinstance(_info, Unset):
            info = UNSET
        else:
            info = Info.from_dict(_info)

        name = d.pop("name", UNSET)

        def _parse_stage(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        stage = _parse_stage(d.pop("stage", UNSET))

        status = d.pop("status", UNSET)

        _stacks = d.pop("stacks", UNSET)
        stacks: FactoryStacks | Unset
        if isinstance(_stacks, Unset):
            stacks = UNSET
        else:
            stacks = FactoryStacks.from_dict(_stacks)

        _bots = d.pop("bots", UNSET)
        bots: list[FactoryBot] | Unset = UNSET
        if _bots is not UNSET:
            bots = []
            for bots_item_data in _bots:
                bots_item = FactoryBot.from_dict(bots_item_data)

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

        factory = cls(
            guid=guid,
            plan=plan,
            info=info,
            name=name,
            stage=stage,
            status=status,
            stacks=stacks,
            bots=bots,
            meta=meta,
            tags=tags,
        )

        factory.additional_properties = d
        return factory

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
