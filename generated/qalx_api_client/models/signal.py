from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Signal")


@_attrs_define
class Signal:
    """Flags a worker reads between jobs. A PATCH merges the given keys into the stored signal,
    so a later `stop` never clears an earlier `terminate`.

        Attributes:
            stop (bool | Unset):
            terminate (bool | Unset):
            warm (bool | Unset):
            cold (bool | Unset):
            requeue_job (bool | Unset):
    """

    stop: bool | Unset = UNSET
    terminate: bool | Unset = UNSET
    warm: bool | Unset = UNSET
    cold: bool | Unset = UNSET
    requeue_job: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        stop = self.stop

        terminate = self.terminate

        warm = self.warm

        cold = self.cold

        requeue_job = self.requeue_job

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if stop is not UNSET:
            field_dict["stop"] = stop
        if terminate is not UNSET:
            field_dict["terminate"] = terminate
        if warm is not UNSET:
            field_dict["warm"] = warm
        if cold is not UNSET:
            field_dict["cold"] = cold
        if requeue_job is not UNSET:
            field_dict["requeue_job"] = requeue_job

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        stop = d.pop("stop", UNSET)

        terminate = d.pop("terminate", UNSET)

        warm = d.pop("warm", UNSET)

        cold = d.pop("cold", UNSET)

        requeue_job = d.pop("requeue_job", UNSET)

        signal = cls(
            stop=stop,
            terminate=terminate,
            warm=warm,
            cold=cold,
            requeue_job=requeue_job,
        )

        signal.additional_properties = d
        return signal

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
