from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.item import Item
    from ..models.item_bulk_result_errors import ItemBulkResultErrors


T = TypeVar("T", bound="ItemBulkResult")


@_attrs_define
class ItemBulkResult:
    """The answer to a bulk create: created items in request order (failed ones left out),
    and one error per failed index, keyed by the index as a string. qalx_server's errors
    are `Error` documents; the hosted service's format is not known (pyqalx only counts
    them), so a message or a list of messages is accepted too.

        Attributes:
            items (list[Item]):
            errors (ItemBulkResultErrors):
            items_created (int):
            items_errored (int):
    """

    items: list[Item]
    errors: ItemBulkResultErrors
    items_created: int
    items_errored: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        errors = self.errors.to_dict()

        items_created = self.items_created

        items_errored = self.items_errored

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
                "errors": errors,
                "items_created": items_created,
                "items_errored": items_errored,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.item import Item  # noqa: PLC0415
        from ..models.item_bulk_result_errors import ItemBulkResultErrors  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = Item.from_dict(items_item_data)

            items.append(items_item)

        errors = ItemBulkResultErrors.from_dict(d.pop("errors"))

        items_created = d.pop("items_created")

        items_errored = d.pop("items_errored")

        item_bulk_result = cls(
            items=items,
            errors=errors,
            items_created=items_created,
            items_errored=items_errored,
        )

        item_bulk_result.additional_properties = d
        return item_bulk_result

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
