from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.notification_delivery import NotificationDelivery
    from ..models.stamp import Stamp


T = TypeVar("T", bound="NotificationInfo")


@_attrs_define
class NotificationInfo:
    """`Info` plus where the notification's e-mail is.

    Attributes:
        created (Stamp | Unset):
        modified (Stamp | Unset):
        archived (bool | Unset): True once `PATCH {type}/{guid}/archive` has run. Archived entities are left out of
            lists unless the `query` names `info.archived`.
        delivery (NotificationDelivery | Unset): Our extension: the hosted service e-mails notifications without saying
            how that went;
            a self-hosted server's users and operators need to see whether it went, and why not.
            Computed per answer (it is not part of the stored document, so `query` cannot filter
            on it; operators list by state with `qalx server notifications list --state`).
    """

    created: Stamp | Unset = UNSET
    modified: Stamp | Unset = UNSET
    archived: bool | Unset = UNSET
    delivery: NotificationDelivery | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created: dict[str, Any] | Unset = UNSET
        if not isinstance(self.created, Unset):
            created = self.created.to_dict()

        modified: dict[str, Any] | Unset = UNSET
        if not isinstance(self.modified, Unset):
            modified = self.modified.to_dict()

        archived = self.archived

        delivery: dict[str, Any] | Unset = UNSET
        if not isinstance(self.delivery, Unset):
            delivery = self.delivery.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if created is not UNSET:
            field_dict["created"] = created
        if modified is not UNSET:
            field_dict["modified"] = modified
        if archived is not UNSET:
            field_dict["archived"] = archived
        if delivery is not UNSET:
            field_dict["delivery"] = delivery

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.notification_delivery import NotificationDelivery  # noqa: PLC0415
        from ..models.stamp import Stamp  # noqa: PLC0415

        d = dict(src_dict)
        _created = d.pop("created", UNSET)
        created: Stamp | Unset
        if isinstance(_created, Unset):
            created = UNSET
        else:
            created = Stamp.from_dict(_created)

        _modified = d.pop("modified", UNSET)
        modified: Stamp | Unset
        if isinstance(_modified, Unset):
            modified = UNSET
        else:
            modified = Stamp.from_dict(_modified)

        archived = d.pop("archived", UNSET)

        _delivery = d.pop("delivery", UNSET)
        delivery: NotificationDelivery | Unset
        if isinstance(_delivery, Unset):
            delivery = UNSET
        else:
            delivery = NotificationDelivery.from_dict(_delivery)

        notification_info = cls(
            created=created,
            modified=modified,
            archived=archived,
            delivery=delivery,
        )

        notification_info.additional_properties = d
        return notification_info

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
