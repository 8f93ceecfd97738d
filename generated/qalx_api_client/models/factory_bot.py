from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.guid import Guid


T = TypeVar("T", bound="FactoryBot")


@_attrs_define
class FactoryBot:
    """A bot a factory started, and the item holding the bot's code.

    Attributes:
        code (Guid | Unset): A guid in legacy Extended JSON. The server emits 32 lowercase hex digits.
        bot (Guid | Unset): A guid in legacy Extended JSON. The server emits 32 lowercase hex digits.
    """

    code: Guid | Unset = UNSET
    bot: Guid | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code: dict[str, Any] | Unset = UNSET
        if not isinstance(self.code, Unset):
            code = self.code.to_dict()

        bot: dict[str, Any] | Unset = UNSET
        if not isinstance(self.bot, Unset):
            bot = self.bot.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if bot is not UNSET:
            field_dict["bot"] = bot

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.guid import Guid  # noqa: PLC0415

        d = dict(src_dict)
        _code = d.pop("code", UNSET)
        code: Guid | Unset
        if isinstance(_code, Unset):
            code = UNSET
        else:
            code = Guid.from_dict(_code)

        _bot = d.pop("bot", UNSET)
        bot: Guid | Unset
        if isinstance(_bot, Unset):
            bot = UNSET
        else:
            bot = Guid.from_dict(_bot)

        factory_bot = cls(
            code=code,
            bot=bot,
        )

        factory_bot.additional_properties = d
        return factory_bot

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
