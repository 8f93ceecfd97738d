from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.actor import Actor
    from ..models.date_time import DateTime


T = TypeVar("T", bound="Stamp")


@_attrs_define
class Stamp:
    """
    Attributes:
        on (DateTime | Unset): A datetime in legacy Extended JSON with the bson-extra zone extension. `$zone` and
            `$offset` are always present (pyqalx raises without them). The server emits `$date` as
            integer milliseconds since the epoch, `$zone: "UTC"` and `$offset: null`.
        by (Actor | Unset): Who made a change.
    """

    on: DateTime | Unset = UNSET
    by: Actor | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        on: dict[str, Any] | Unset = UNSET
        if not isinstance(self.on, Unset):
            on = self.on.to_dict()

        by: dict[str, Any] | Unset = UNSET
        if not isinstance(self.by, Unset):
            by = self.by.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if on is not UNSET:
            field_dict["on"] = on
        if by is not UNSET:
            field_dict["by"] = by

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.actor import Actor  # noqa: PLC0415
        from ..models.date_time import DateTime  # noqa: PLC0415

        d = dict(src_dict)
        _on = d.pop("on", UNSET)
        on: DateTime | Unset
        if isinstance(_on, Unset):
            on = UNSET
        else:
            on = DateTime.from_dict(_on)

        _by = d.pop("by", UNSET)
        by: Actor | Unset
        if isinstance(_by, Unset):
            by = UNSET
        else:
            by = Actor.from_dict(_by)

        stamp = cls(
            on=on,
            by=by,
        )

        stamp.additional_properties = d
        return stamp

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
