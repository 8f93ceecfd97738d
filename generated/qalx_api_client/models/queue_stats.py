from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="QueueStats")


@_attrs_define
class QueueStats:
    """
    Attributes:
        depth (int): Messages ready to be received.
        in_flight (int): Received, not yet deleted, still invisible.
        dead_letters (int):
        oldest_age_seconds (float | None): Age of the oldest message; null when empty or unknown (Amazon SQS).
    """

    depth: int
    in_flight: int
    dead_letters: int
    oldest_age_seconds: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        depth = self.depth

        in_flight = self.in_flight

        dead_letters = self.dead_letters

        oldest_age_seconds: float | None
        oldest_age_seconds = self.oldest_age_seconds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "depth": depth,
                "in_flight": in_flight,
                "dead_letters": dead_letters,
                "oldest_age_seconds": oldest_age_seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        depth = d.pop("depth")

        in_flight = d.pop("in_flight")

        dead_letters = d.pop("dead_letters")

        def _parse_oldest_age_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        oldest_age_seconds = _parse_oldest_age_seconds(d.pop("oldest_age_seconds"))

        queue_stats = cls(
            depth=depth,
            in_flight=in_flight,
            dead_letters=dead_letters,
            oldest_age_seconds=oldest_age_seconds,
        )

        queue_stats.additional_properties = d
        return queue_stats

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
