from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Replay")


@_attrs_define
class Replay:
    """Which dead letters to move back to the queue; give `message_ids` or `all`.

    Attributes:
        message_ids (list[str] | Unset):
        all_ (bool | Unset):
    """

    message_ids: list[str] | Unset = UNSET
    all_: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        message_ids: list[str] | Unset = UNSET
        if not isinstance(self.message_ids, Unset):
            message_ids = self.message_ids

        all_ = self.all_

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if message_ids is not UNSET:
            field_dict["message_ids"] = message_ids
        if all_ is not UNSET:
            field_dict["all"] = all_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message_ids = cast(list[str], d.pop("message_ids", UNSET))

        all_ = d.pop("all", UNSET)

        replay = cls(
            message_ids=message_ids,
            all_=all_,
        )

        return replay
