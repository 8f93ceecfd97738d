from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.binary_guid import BinaryGuid
    from ..models.uuid_guid import UuidGuid


T = TypeVar("T", bound="FactoryBot")


@_attrs_define
class FactoryBot:
    """A bot a factory started, and the item holding the bot's code.

    Attributes:
        code (BinaryGuid | Unset | UuidGuid): A guid in legacy Extended JSON: `{"$uuid": hex}` (`UuidGuid`, what
            qalx_server emits:
            32 lowercase hex digits) or, as another server may answer, BSON binary subtype 4 (or
            the legacy subtype 3) of the 16 bytes (`BinaryGuid`). pyqalx decodes both to a UUID.
        bot (BinaryGuid | Unset | UuidGuid): A guid in legacy Extended JSON: `{"$uuid": hex}` (`UuidGuid`, what
            qalx_server emits:
            32 lowercase hex digits) or, as another server may answer, BSON binary subtype 4 (or
            the legacy subtype 3) of the 16 bytes (`BinaryGuid`). pyqalx decodes both to a UUID.
    """

    code: BinaryGuid | Unset | UuidGuid = UNSET
    bot: BinaryGuid | Unset | UuidGuid = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        code: dict[str, Any] | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        elif isinstance(self.code, UuidGuid):
            code = self.code.to_dict()
        else:
            code = self.code.to_dict()

        bot: dict[str, Any] | Unset
        if isinstance(self.bot, Unset):
            bot = UNSET
        elif isinstance(self.bot, UuidGuid):
            bot = self.bot.to_dict()
        else:
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
        from ..models.binary_guid import BinaryGuid  # noqa: PLC0415
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_code(data: object) -> BinaryGuid | Unset | UuidGuid:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_guid_type_0 = UuidGuid.from_dict(data)

                return componentsschemas_guid_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_guid_type_1 = BinaryGuid.from_dict(data)

            return componentsschemas_guid_type_1

        code = _parse_code(d.pop("code", UNSET))

        def _parse_bot(data: object) -> BinaryGuid | Unset | UuidGuid:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_guid_type_0 = UuidGuid.from_dict(data)

                return componentsschemas_guid_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_guid_type_1 = BinaryGuid.from_dict(data)

            return componentsschemas_guid_type_1

        bot = _parse_bot(d.pop("bot", UNSET))

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
