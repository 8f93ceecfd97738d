from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.signal import Signal
    from ..models.status import Status


T = TypeVar("T", bound="WorkerUpdate")


@_attrs_define
class WorkerUpdate:
    """
    Attributes:
        signal (Signal | Unset): Flags a worker reads between jobs. A PATCH merges the given keys into the stored
            signal,
            so a later `stop` never clears an earlier `terminate`.
        state (str | Unset): A bot's or worker's run state. Known values: `idle` (new bots and workers), `active`,
            `stopped` and `terminated`, the ones pyqalx sets. The set is open: the wire contract
            does not close it, so clients must accept any string, and qalx_server stores any.
        status (Status | Unset): A bot's or worker's last status report.
    """

    signal: Signal | Unset = UNSET
    state: str | Unset = UNSET
    status: Status | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        signal: dict[str, Any] | Unset = UNSET
        if not isinstance(self.signal, Unset):
            signal = self.signal.to_dict()

        state = self.state

        status: dict[str, Any] | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if signal is not UNSET:
            field_dict["signal"] = signal
        if state is not UNSET:
            field_dict["state"] = state
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.signal import Signal  # noqa: PLC0415
        from ..models.status import Status  # noqa: PLC0415

        d = dict(src_dict)
        _signal = d.pop("signal", UNSET)
        signal: Signal | Unset
        if isinstance(_signal, Unset):
            signal = UNSET
        else:
            signal = Signal.from_dict(_signal)

        state = d.pop("state", UNSET)

        _status = d.pop("status", UNSET)
        status: Status | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = Status.from_dict(_status)

        worker_update = cls(
            signal=signal,
            state=state,
            status=status,
        )

        worker_update.additional_properties = d
        return worker_update

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
