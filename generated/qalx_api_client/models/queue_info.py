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
            created (Stamp | Unset):
            modified (Stamp | Unset):
            archived (bool | Unset): True once `PATCH {type}/{guid}/archive` has run. Archived entities are left out of
                lists unless the `query` names `info.archived`.
            queue_url (str | Unset): The SQS queue URL.
            credentials (QueueCredentials | Unset): Temporary credentials for the queue's SQS calls.
            endpoint_url (str | Unset): Where to send this queue's SQS calls (boto3's `endpoint_url`). Absent when the
                queue is in Amazon SQS itself, so boto3's default endpoint applies.
            region (str | Unset): The region to sign SQS calls for.
    """

    created: Stamp | Unset = UNSET
    modified: Stamp | Unset = UNSET
    archived: bool | Unset = UNSET
    queue_url: str | Unset = UNSET
    credentials: QueueCredentials | Unset = UNSET
    endpoint_url: str | Unset = UNSET
    region: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created: dict[str, Any] | Unset = UNSET
        if not isinstance(self.created, Unset):
            created = self.created.to_dict()

        modified: dict[str, Any] | Unset = UNSET
        if not isinstance(self.modified, Unset):
            modified = self.modified.to_dict()

        archived = self.archived

        queue_url = self.queue_url

        credentials: dict[str, Any] | Unset = UNSET
        if not isinstance(self.credentials, Unset):
            credentials = self.credentials.to_dict()

        endpoint_url = self.endpoint_url

        region = self.region

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if created is not UNSET:
            field_dict["created"] = created
        if modified is not UNSET:
            field_dict["modified"] = modified
        if archived is not UNSET:
            field_dict["archived"] = archived
        if queue_url is not UNSET:
            field_dict["queue_url"] = queue_url
        if credentials is not UNSET:
            field_dict["credentials"] = credentials
        if endpoint_url is not UNSET:
            field_dict["endpoint_url"] = endpoint_url
        if region is not UNSET:
            field_dict["region"] = region

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.queue_credentials import QueueCredentials  # noqa: PLC0415
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

        queue_url = d.pop("queue_url", UNSET)

        _credentials = d.pop("credentials", UNSET)
        credentials: QueueCredentials | Unset
        if isinstance(_credentials, Unset):
            credentials = UNSET
        else:
            credentials = QueueCredentials.from_dict(_credentials)

        endpoint_url = d.pop("endpoint_url", UNSET)

        region = d.pop("region", UNSET)

        queue_info = cls(
            created=created,
            modified=modified,
            archived=archived,
            queue_url=queue_url,
            credentials=credentials,
            endpoint_url=endpoint_url,
            region=region,
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
