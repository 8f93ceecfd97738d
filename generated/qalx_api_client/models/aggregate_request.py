from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AggregateRequest")


@_attrs_define
class AggregateRequest:
    """
    Attributes:
        aggregate (str): A MongoDB aggregation pipeline as Extended JSON text (pyqalx double-encodes it).
            Stages: `$match $project $group $sort $skip $limit $count $unwind $addFields
            $set $facet`; `$group` accumulators `$sum $avg $min $max $count $push $first
            $last`; expressions are field paths (`"$data.x"`) and constants. Anything else is
            refused with 400 naming it, before any data is read: in particular `$out` and
            `$merge` (no writes), `$lookup`, `$graphLookup` and `$unionWith` (no reading
            other collections, which could cross companies) and anything that runs code
            (`$function`, `$accumulator`, `$where`). These limits are our choice; the hosted
            service's are not known.

            Limits: at most 50 stages, `$facet` sub-pipelines included (they follow the same
            rules and may not nest `$facet`); a leading `$match` runs in the database, and at
            most 100,000 documents may reach the later stages, which run in the server; no
            stage may hold more than 100,000 documents at once (`$sort`, `$facet`).
    """

    aggregate: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        aggregate = self.aggregate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "aggregate": aggregate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        aggregate = d.pop("aggregate")

        aggregate_request = cls(
            aggregate=aggregate,
        )

        aggregate_request.additional_properties = d
        return aggregate_request

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
