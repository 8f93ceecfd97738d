from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.guid import Guid


T = TypeVar("T", bound="Actor")


@_attrs_define
class Actor:
    """Who made a change.

    Attributes:
        guid (Guid | Unset): A guid in legacy Extended JSON. The server emits 32 lowercase hex digits.
        email (None | str | Unset):
        entity (str | Unset): `user`, or `bot` for changes made with a bot token.
    """

    guid: Guid | Unset = UNSET
    email: None | str | Unset = UNSET
    entity: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        guid: dict[str, Any] | Unset = UNSET
        if not isinstance(self.guid, Unset):
            guid = self.guid.to_dict()

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        entity = self.entity

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if guid is not UNSET:
            field_dict["guid"] = guid
        if email is not UNSET:
            field_dict["email"] = email
        if entity is not UNSET:
            field_dict["entity"] = entity

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.guid import Guid  # noqa: PLC0415

        d = dict(src_dict)
        _guid = d.pop("guid", UNSET)
        guid: Guid | Unset
        if isinstance(_guid, Unset):
            guid = UNSET
        else:
            guid = Guid.from_dict(_guid)

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        entity = d.pop("entity", UNSET)

        actor = cls(
            guid=guid,
            email=email,
            entity=entity,
        )

        actor.additional_properties = d
        return actor

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
