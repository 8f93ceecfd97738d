from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.signal import Signal


T = TypeVar("T", bound="WorkerSignal")


@_attrs_define
class WorkerSignal:
    """The answer of `GET bot/{bot_guid}/worker/{worker_guid}/signal`: the worker's signal,
    its version and the worker's state as its GET would answer it.

        Attributes:
            signal (Signal): Flags a worker reads between jobs. A PATCH merges the given keys into the stored signal,
                so a later `stop` never clears an earlier `terminate`.
            version (int): The worker's `signal_version`; send it back as `since`.
            state (str): A bot's or worker's run state. Known values: `idle` (new bots and workers), `active`,
                `stopped` and `terminated`, the ones pyqalx sets, and `lost`, which qalx_server answers
                for a worker not seen for too long (see `Worker.state`). The set is open: the wire contract
                does not close it, so clients must accept any string, and qalx_server stores any.
    """

    signal: Signal
    version: int
    state: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        signal = self.signal.to_dict()

        version = self.version

        state = self.state

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "signal": signal,
                "version": version,
                "state": state,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.signal import Signal  # noqa: PLC0415

        d = dict(src_dict)
        signal = Signal.from_dict(d.pop("signal"))

        version = d.pop("version")

        state = d.pop("state")

        worker_signal = cls(
            signal=signal,
            version=version,
            state=state,
        )

        worker_signal.additional_properties = d
        return worker_signal

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
