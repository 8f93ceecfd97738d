from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.binary_guid import BinaryGuid
    from ..models.uuid_guid import UuidGuid


T = TypeVar("T", bound="FactoryBotRef")


@_attrs_define
class FactoryBotRef:
    """
    Attributes:
        code (BinaryGuid | str | Unset | UuidGuid): A reference to another entity as sent by clients: either an Extended
            JSON guid or the
            hyphenated guid string (pyqalx sends both forms). The server always returns `Guid`.
        bot (BinaryGuid | str | Unset | UuidGuid): A reference to another entity as sent by clients: either an Extended
            JSON guid or the
            hyphenated guid string (pyqalx sends both forms). The server always returns `Guid`.
    """

    code: BinaryGuid | str | Unset | UuidGuid = UNSET
    bot: BinaryGuid | str | Unset | UuidGuid = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.binary_guid import BinaryGuid  # noqa: PLC0415
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        code: dict[str, Any] | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        elif isinstance(self.code, UuidGuid):
            code = self.code.to_dict()
        elif isinstance(self.code, BinaryGuid):
            code = self.code.to_dict()
        else:
            code = self.code

        bot: dict[str, Any] | str | Unset
        if isinstance(self.bot, Unset):
            bot = UNSET
        elif isinstance(self.bot, UuidGuid):
            bot = self.bot.to_dict()
        elif isinstance(self.bot, BinaryGuid):
            bot = self.bot.to_dict()
        else:
            bot = self.bot

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
        from ..models.binary_guid import BinaryGuid  # noqa: PLC0415
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_code(data: object) -> BinaryGuid | str | Unset | UuidGuid:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_guid_type_0 = UuidGuid.from_dict(data)

                return componentsschemas_guid_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_guid_type_1 = BinaryGuid.from_dict(data)

                return componentsschemas_guid_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BinaryGuid | str | Unset | UuidGuid, data)

        code = _parse_code(d.pop("code", UNSET))

        def _parse_bot(data: object) -> BinaryGuid | str | Unset | UuidGuid:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_guid_type_0 = UuidGuid.from_dict(data)

                return componentsschemas_guid_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_guid_type_1 = BinaryGuid.from_dict(data)

                return componentsschemas_guid_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BinaryGuid | str | Unset | UuidGuid, data)

        bot = _parse_bot(d.pop("bot", UNSET))

        factory_bot_ref = cls(
            code=code,
            bot=bot,
        )

        factory_bot_ref.additional_properties = d
        return factory_bot_ref

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
