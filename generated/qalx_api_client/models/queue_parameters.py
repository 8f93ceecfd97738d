from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="QueueParameters")


@_attrs_define
class QueueParameters:
    """
    Attributes:
        visibility_timeout (int | Unset): Seconds a received message stays invisible (pyqalx sends MSG_BLACKOUTSECONDS).
            Default: 30.
        max_receive_count (int | Unset): How many times a message may be received without being deleted before it moves
            to
            the queue's dead-letter companion.
             Default: 5.
    """

    visibility_timeout: int | Unset = 30
    max_receive_count: int | Unset = 5
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        visibility_timeout = self.visibility_timeout

        max_receive_count = self.max_receive_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if visibility_timeout is not UNSET:
            field_dict["VisibilityTimeout"] = visibility_timeout
        if max_receive_count is not UNSET:
            field_dict["maxReceiveCount"] = max_receive_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        visibility_timeout = d.pop("VisibilityTimeout", UNSET)

        max_receive_count = d.pop("maxReceiveCount", UNSET)

        queue_parameters = cls(
            visibility_timeout=visibility_timeout,
            max_receive_count=max_receive_count,
        )

        queue_parameters.additional_properties = d
        return queue_parameters

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
