from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.binary_guid import BinaryGuid
    from ..models.meta import Meta
    from ..models.queue_info import QueueInfo
    from ..models.queue_parameters import QueueParameters
    from ..models.tag import Tag
    from ..models.uuid_guid import UuidGuid


T = TypeVar("T", bound="Queue")


@_attrs_define
class Queue:
    """Without `fields`, every property below is present. `info.queue_url` and `info.credentials` are on every queue
    answer,
    lists included. Under a `fields` projection, `guid` is always kept.

        Attributes:
            guid (BinaryGuid | UuidGuid): A guid in legacy Extended JSON: `{"$uuid": hex}` (`UuidGuid`, what qalx_server
                emits:
                32 lowercase hex digits) or, as another server may answer, BSON binary subtype 4 (or
                the legacy subtype 3) of the 16 bytes (`BinaryGuid`). pyqalx decodes both to a UUID.
            info (QueueInfo | Unset): `Info` plus where and how to reach the queue over SQS. Present on every queue answer,
                lists included, for user and bot tokens alike; `GET queue/{guid}` issues fresh credentials.
            name (str | Unset):
            parameters (QueueParameters | Unset):
            meta (Meta | Unset): Descriptive data that is not critical to how the entity is used. Exposed as `meta`;
                queries may address it as `meta.x` or `metadata.data.x`.
            tags (list[Tag] | Unset):
    """

    guid: BinaryGuid | UuidGuid
    info: QueueInfo | Unset = UNSET
    name: str | Unset = UNSET
    parameters: QueueParameters | Unset = UNSET
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

        name = self.name

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()

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
        if name is not UNSET:
            field_dict["name"] = name
        if parameters is not UNSET:
            field_dict["parameters"] = parameters
        if meta is not UNSET:
            field_dict["meta"] = meta
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.binary_guid import BinaryGuid  # noqa: PLC0415
        from ..models.meta import Meta  # noqa: PLC0415
        from ..models.queue_info import QueueInfo  # noqa: PLC0415
        from ..models.queue_parameters import QueueParameters  # noqa: PLC0415
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
        info: QueueInfo | Unset
        if isinstance(_info, Unset):
            info = UNSET
        else:
            info = QueueInfo.from_dict(_info)

        name = d.pop("name", UNSET)

        _parameters = d.pop("parameters", UNSET)
        parameters: QueueParameters | Unset
        if isinstance(_parameters, Unset):
            parameters = UNSET
        else:
            parameters = QueueParameters.from_dict(_parameters)

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

        queue = cls(
            guid=guid,
            info=info,
            name=name,
            parameters=parameters,
            meta=meta,
            tags=tags,
        )

        queue.additional_properties = d
        return queue

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
