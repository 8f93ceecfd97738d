from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="File")


@_attrs_define
class File:
    """An entity's file record. `{}` when there is no file. `put_url` (a presigned upload URL,
    valid for a limited time) is present only on answers to writes that carried a file
    name; it is issued afresh on every such write.

        Attributes:
            name (str | Unset):
            url (str | Unset): Presigned download URL (GET, no auth).
            put_url (str | Unset): Presigned upload URL (PUT of the raw bytes, no auth, any content type).
            keyfile (None | str | Unset): Name of the client-side Fernet key the bytes are encrypted with; a label, never
                the key.
            as_file (bool | Unset): The item's `data` is kept in this file instead of the database.
    """

    name: str | Unset = UNSET
    url: str | Unset = UNSET
    put_url: str | Unset = UNSET
    keyfile: None | str | Unset = UNSET
    as_file: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        url = self.url

        put_url = self.put_url

        keyfile: None | str | Unset
        if isinstance(self.keyfile, Unset):
            keyfile = UNSET
        else:
            keyfile = self.keyfile

        as_file = self.as_file

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if url is not UNSET:
            field_dict["url"] = url
        if put_url is not UNSET:
            field_dict["put_url"] = put_url
        if keyfile is not UNSET:
            field_dict["keyfile"] = keyfile
        if as_file is not UNSET:
            field_dict["as_file"] = as_file

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        url = d.pop("url", UNSET)

        put_url = d.pop("put_url", UNSET)

        def _parse_keyfile(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        keyfile = _parse_keyfile(d.pop("keyfile", UNSET))

        as_file = d.pop("as_file", UNSET)

        file = cls(
            name=name,
            url=url,
            put_url=put_url,
            keyfile=keyfile,
            as_file=as_file,
        )

        file.additional_properties = d
        return file

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
