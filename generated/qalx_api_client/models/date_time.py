from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.utc_offset import UtcOffset


T = TypeVar("T", bound="DateTime")


@_attrs_define
class DateTime:
    """A datetime in legacy Extended JSON with the bson-extra zone extension. `$zone` and
    `$offset` are always present (pyqalx raises without them). The server emits `$date` as
    integer milliseconds since the epoch, `$zone: "UTC"` and `$offset: null`.

        Attributes:
            date (int): Milliseconds since 1970-01-01T00:00:00Z.
            zone (None | str): A zone name (e.g. `UTC`), or null for a naive datetime.
            offset (None | UtcOffset): A fixed offset from UTC (bson-extra's `$offset`), or null.
    """

    date: int
    zone: None | str
    offset: None | UtcOffset

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

        date_time = cls(
            date=date,
            zone=zone,
            offset=offset,
        )

        return date_time
