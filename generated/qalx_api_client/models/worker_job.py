from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.binary_guid import BinaryGuid
    from ..models.date_time import DateTime
    from ..models.uuid_guid import UuidGuid


T = TypeVar("T", bound="WorkerJob")


@_attrs_define
class WorkerJob:
    """The job a worker is on, or null when it has none. A PATCH without `since` gets the
    server's time.

        Attributes:
            entity_type (str): `item`, `set` or `group`.
            entity_guid (BinaryGuid | UuidGuid): A guid in legacy Extended JSON: `{"$uuid": hex}` (`UuidGuid`, what
                qalx_server emits:
                32 lowercase hex digits) or, as another server may answer, BSON binary subtype 4 (or
                the legacy subtype 3) of the 16 bytes (`BinaryGuid`). pyqalx decodes both to a UUID.
            since (DateTime | Unset): A datetime in legacy Extended JSON with the bson-extra zone extension. `$zone` and
                `$offset` are always present (pyqalx raises without them). The server emits `$date` as
                integer milliseconds since the epoch, `$zone: "UTC"` and `$offset: null`.
    """

    entity_type: str
    entity_guid: BinaryGuid | UuidGuid
    since: DateTime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        entity_type = self.entity_type

        entity_guid: dict[str, Any]
        if isinstance(self.entity_guid, UuidGuid):
            entity_guid = self.entity_guid.to_dict()
        else:
            entity_guid = self.entity_guid.to_dict()

        since: dict[str, Any] | Unset = UNSET
        if not isinstance(self.since, Unset):
            since = self.since.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entity_type": entity_type,
                "entity_guid": entity_guid,
            }
        )
        if since is not UNSET:
            field_dict["since"] = since

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.binary_guid import BinaryGuid  # noqa: PLC0415
        from ..models.date_time import DateTime  # noqa: PLC0415
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        d = dict(src_dict)
        entity_type = d.pop("entity_type")

        def _parse_entity_guid(data: object) -> BinaryGuid | UuidGuid:
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

        entity_guid = _parse_entity_guid(d.pop("entity_guid"))

        _since = d.pop("since", UNSET)
        since: DateTime | Unset
        if isinstance(_since, Unset):
            since = UNSET
        else:
            since = DateTime.from_dict(_since)

        worker_job = cls(
            entity_type=entity_type,
            entity_guid=entity_guid,
            since=since,
        )

        worker_job.additional_properties = d
        return worker_job

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
