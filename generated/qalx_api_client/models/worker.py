from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.binary_guid import BinaryGuid
    from ..models.info import Info
    from ..models.signal import Signal
    from ..models.status import Status
    from ..models.uuid_guid import UuidGuid


T = TypeVar("T", bound="Worker")


@_attrs_define
class Worker:
    """Without `fields`, every property below is present. Under a `fields` projection, `guid`, `signal` and `state` are
    always kept (pyqalx reads the signal with `fields=signal`), also in a bot's `workers`.

        Attributes:
            guid (BinaryGuid | UuidGuid): A guid in legacy Extended JSON: `{"$uuid": hex}` (`UuidGuid`, what qalx_server
                emits:
                32 lowercase hex digits) or, as another server may answer, BSON binary subtype 4 (or
                the legacy subtype 3) of the 16 bytes (`BinaryGuid`). pyqalx decodes both to a UUID.
            signal (Signal): Flags a worker reads between jobs. A PATCH merges the given keys into the stored signal,
                so a later `stop` never clears an earlier `terminate`.
            state (str): A bot's or worker's run state. Known values: `idle` (new bots and workers), `active`,
                `stopped` and `terminated`, the ones pyqalx sets. The set is open: the wire contract
                does not close it, so clients must accept any string, and qalx_server stores any.
            info (Info | Unset): Maintained by the server; read-only (clients strip it from PATCH bodies). Complete on
                full answers; a `fields` projection may return part of it.
            status (Status | Unset): A bot's or worker's last status report.
    """

    guid: BinaryGuid | UuidGuid
    signal: Signal
    state: str
    info: Info | Unset = UNSET
    status: Status | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        guid: dict[str, Any]
        if isinstance(self.guid, UuidGuid):
            guid = self.guid.to_dict()
        else:
            guid = self.guid.to_dict()

        signal = self.signal.to_dict()

        state = self.state

        info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.info, Unset):
            info = self.info.to_dict()

        status: dict[str, Any] | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "guid": guid,
                "signal": signal,
                "state": state,
            }
        )
        if info is not UNSET:
            field_dict["info"] = info
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.binary_guid import BinaryGuid  # noqa: PLC0415
        from ..models.info import Info  # noqa: PLC0415
        from ..models.signal import Signal  # noqa: PLC0415
        from ..models.status import Status  # noqa: PLC0415
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

        signal = Signal.from_dict(d.pop("signal"))

        state = d.pop("state")

        _info = d.pop("info", UNSET)
        info: Info | Unset
        if isinstance(_info, Unset):
            info = UNSET
        else:
            info = Info.from_dict(_info)

        _status = d.pop("status", UNSET)
        status: Status | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = Status.from_dict(_status)

        worker = cls(
            guid=guid,
            signal=signal,
            state=state,
            info=info,
            status=status,
        )

        worker.additional_properties = d
        return worker

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
