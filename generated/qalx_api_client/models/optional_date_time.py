from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.utc_offset import UtcOffset


T = TypeVar("T", bound="OptionalDateTime")


@_attrs_define
class OptionalDateTime:
    """A `DateTime`, or null when not known.

    Attributes:
        date (int):
        zone (None | str):
        offset (None | UtcOffset): A fixed offset from UTC (bson-extra's `$offset`), or null.
    """

    date: int
    zone: None | str
    offset: None | UtcOffset
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.utc_offset import UtcOffset  # noqa: PLC0415

        date = self.date

        zone: None | str
        zone = self.zone

        offset: dict[str, Any] | None
        if isinstance(self.offset, UtcOffset):
            offset = self.offset.to_dict()
        else:
            offset = self.offset

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "$date": date,
                "$zone": zone,
                "$offset": offset,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.utc_offset import UtcOffset  # noqa: PLC0415

        d = dict(src_dict)
        date = d.pop("$date")

        def _parse_zone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        zone = _parse_zone(d.pop("$zone"))

        def _parse_offset(data: object) -> None | UtcOffset:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_utc_offset_type_0 = UtcOffset.from_dict(data)

                return componentsschemas_utc_offset_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UtcOffset, data)

        offset = _parse_offset(d.pop("$offset"))

        optional_date_time = cls(
            date=date,
            zone=zone,
            offset=offset,
        )

        optional_date_time.additional_properties = d
        return optional_date_time

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
