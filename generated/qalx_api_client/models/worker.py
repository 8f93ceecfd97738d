from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_state import RunState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.guid import Guid
    from ..models.info import Info
    from ..models.signal import Signal
    from ..models.status import Status


T = TypeVar("T", bound="Worker")


@_attrs_define
class Worker:
    """Without `fields`, every property below is present. Under a `fields` projection, `guid`, `signal` and `state` are
    always kept (pyqalx reads the signal with `fields=signal`).

        Attributes:
            guid (Guid): A guid in legacy Extended JSON. The server emits 32 lowercase hex digits.
            signal (Signal): Flags a worker reads between jobs. A PATCH merges the given keys into the stored signal,
                so a later `stop` never clears an earlier `terminate`.
            state (RunState): A bot's or worker's run state. New bots and workers are `idle`.
            info (Info | Unset): Maintained by the server; read-only (clients strip it from PATCH bodies). Complete on
                full answers; a `fields` projection may return part of it.
            status (Status | Unset): A bot's or worker's last status report.
    """

    guid: Guid
    signal: Signal
    state: RunState
    info: Info | Unset = UNSET
    status: Status | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        guid = self.guid.to_dict()

        signal = self.signal.to_dict()

        state = self.state.value

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
        from ..models.guid import Guid  # noqa: PLC0415
        from ..models.info import Info  # noqa: PLC0415
        from ..models.signal import Signal  # noqa: PLC0415
        from ..models.status import Status  # noqa: PLC0415

        d = dict(src_dict)
        guid = Guid.from_dict(d.pop("guid"))

        signal = Signal.from_dict(d.pop("signal"))

        state = RunState(d.pop("state"))

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
