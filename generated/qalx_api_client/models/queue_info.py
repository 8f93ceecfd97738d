from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.queue_credentials import QueueCredentials
    from ..models.stamp import Stamp


T = TypeVar("T", bound="QueueInfo")


@_attrs_define
class QueueInfo:
    """`Info` plus where and how to reach the queue over SQS. Present on every queue answer,
    lists included, for user and bot tokens alike; `GET queue/{guid}` issues fresh credentials.

        Attributes:
            created (Stamp):
            modified (Stamp):
            queue_url (str): The SQS queue URL.
            credentials (QueueCredentials): Temporary credentials for the queue's SQS calls.
            archived (bool | Unset): True once `PATCH {type}/{guid}/archive` has run. Archived entities are left out of
                lists unless the `query` names `info.archived`.
    """

    created: Stamp
    modified: Stamp
    queue_url: str
    credentials: QueueCredentials
    archived: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created = self.created.to_dict()

        modified = self.modified.to_dict()

        queue_url = self.queue_url

        credentials = self.credentials.to_dict()

        archived = self.archived

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created": created,
                "modified": modified,
                "queue_url": queue_url,
                "credentials": credentials,
            }
        )
        if archived is not UNSET:
            field_dict["archived"] = archived

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.queue_credentials import QueueCredentials  # noqa: PLC0415
        from ..models.stamp import Stamp  # noqa: PLC0415

        d = dict(src_dict)
        created = Stamp.from_dict(d.pop("created"))

        modified = Stamp.from_dict(d.pop("modified"))

        queue_url = d.pop("queue_url")

        credentials = QueueCredentials.from_dict(d.pop("credentials"))

        archived = d.pop("archived", UNSET)

        queue_info = cls(
            created=created,
            modified=modified,
            queue_url=queue_url,
            credentials=credentials,
            archived=archived,
        )

        queue_info.additional_properties = d
        return queue_info

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
