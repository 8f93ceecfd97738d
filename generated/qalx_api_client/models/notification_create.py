from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.meta import Meta
    from ..models.tag import Tag


T = TypeVar("T", bound="NotificationCreate")


@_attrs_define
class NotificationCreate:
    """
    Attributes:
        subject (str): One line: no line breaks.
        message (str): Sent as HTML (with a plain-text alternative) if it contains HTML tags.
        to (list[str]): At least one e-mail address, each as described under `Recipients` (our choice: a
            notification to nobody is a mistake worth reporting; the hosted service's rule is not
            known).
        cc (list[str] | Unset): E-mail addresses: `local@domain` or `Display Name <local@domain>`. The address is
            ASCII: a local part of letters, digits, inner dots and ``!#$%&'*+/=?^_`{|}~-`` (at
            most 64), a domain of dot-separated labels of letters, digits and inner hyphens (1
            to 63 each, 253 in all; `localhost` is fine). A display name containing `,`, `;`,
            `@` or `"` must be in double quotes; no part may contain control characters.
        bcc (list[str] | Unset): E-mail addresses: `local@domain` or `Display Name <local@domain>`. The address is
            ASCII: a local part of letters, digits, inner dots and ``!#$%&'*+/=?^_`{|}~-`` (at
            most 64), a domain of dot-separated labels of letters, digits and inner hyphens (1
            to 63 each, 253 in all; `localhost` is fine). A display name containing `,`, `;`,
            `@` or `"` must be in double quotes; no part may contain control characters.
        meta (Meta | Unset): Descriptive data that is not critical to how the entity is used. Exposed as `meta`;
            queries may address it as `meta.x` or `metadata.data.x`.
        tags (list[Tag] | Unset):
    """

    subject: str
    message: str
    to: list[str]
    cc: list[str] | Unset = UNSET
    bcc: list[str] | Unset = UNSET
    meta: Meta | Unset = UNSET
    tags: list[Tag] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        message = self.message

        to = self.to

        cc: list[str] | Unset = UNSET
        if not isinstance(self.cc, Unset):
            cc = self.cc

        bcc: list[str] | Unset = UNSET
        if not isinstance(self.bcc, Unset):
            bcc = self.bcc

        meta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.meta, Unset):
            meta = self.meta.to_dict()

        tags: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = []
            for componentsschemas_tags_item_data in self.tags:
                componentsschemas_tags_item = componentsschemas_tags_item_data.to_dict()
                tags.append(componentsschemas_tags_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subject": subject,
                "message": message,
                "to": to,
            }
        )
        if cc is not UNSET:
            field_dict["cc"] = cc
        if bcc is not UNSET:
            field_dict["bcc"] = bcc
        if meta is not UNSET:
            field_dict["meta"] = meta
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.meta import Meta  # noqa: PLC0415
        from ..models.tag import Tag  # noqa: PLC0415

        d = dict(src_dict)
        subject = d.pop("subject")

        message = d.pop("message")

        to = cast(list[str], d.pop("to"))

        cc = cast(list[str], d.pop("cc", UNSET))

        bcc = cast(list[str], d.pop("bcc", UNSET))

        _meta = d.pop("meta", UNSET)
        meta: Meta | Unset
        if isinstance(_meta, Unset):
            meta = UNSET
        else:
            meta = Meta.from_dict(_meta)

        _tags = d.pop("tags", UNSET)
        tags: list[Tag] | Unset = UNSET
        if _tags is not UNSET:
            tags = []
            for componentsschemas_tags_item_data in _tags:
                componentsschemas_tags_item = Tag.from_dict(
                    componentsschemas_tags_item_data
                )

                tags.append(componentsschemas_tags_item)

        notification_create = cls(
            subject=subject,
            message=message,
            to=to,
            cc=cc,
            bcc=bcc,
            meta=meta,
            tags=tags,
        )

        notification_create.additional_properties = d
        return notification_create

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
