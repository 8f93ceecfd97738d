from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.bot_credentials import BotCredentials
    from ..models.stamp import Stamp


T = TypeVar("T", bound="BotInfo")


@_attrs_define
class BotInfo:
    """`Info` plus the bot's own token, in the answer to `POST bot` only, so the bot session
    can authenticate as the bot. Tokens are stored hashed, so later reads cannot show it.

        Attributes:
            created (Stamp | Unset):
            modified (Stamp | Unset):
            archived (bool | Unset): True once `PATCH {type}/{guid}/archive` has run. Archived entities are left out of
                lists unless the `query` names `info.archived`.
            credentials (BotCredentials | Unset):
    """

    created: Stamp | Unset = UNSET
    modified: Stamp | Unset = UNSET
    archived: bool | Unset = UNSET
    credentials: BotCredentials | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created: dict[str, Any] | Unset = UNSET
        if not isinstance(self.created, Unset):
            created = self.created.to_dict()

        modified: dict[str, Any] | Unset = UNSET
        if not isinstance(self.modified, Unset):
            modified = self.modified.to_dict()

        archived = self.archived

        credentials: dict[str, Any] | Unset = UNSET
        if not isinstance(self.credentials, Unset):
            credentials = self.credentials.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if created is not UNSET:
            field_dict["created"] = created
        if modified is not UNSET:
            field_dict["modified"] = modified
        if archived is not UNSET:
            field_dict["archived"] = archived
        if credentials is not UNSET:
            field_dict["credentials"] = credentials

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bot_credentials import BotCredentials  # noqa: PLC0415
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

        _credentials = d.pop("credentials", UNSET)
        credentials: BotCredentials | Unset
        if isinstance(_credentials, Unset):
            credentials = UNSET
        else:
            credentials = BotCredentials.from_dict(_credentials)

        bot_info = cls(
            created=created,
            modified=modified,
            archived=archived,
            credentials=credentials,
        )

        bot_info.additional_properties = d
        return bot_info

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
