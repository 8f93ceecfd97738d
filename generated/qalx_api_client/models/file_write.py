from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="FileWrite")


@_attrs_define
class FileWrite:
    """A file record in a write. `{}` means no file. With `name`, the answer carries a fresh
    `put_url`. Without `name`, `keyfile` and `as_file` update the entity's current file, if
    it has one. A read-back `url` or `put_url` is accepted and ignored.

        Attributes:
            name (str | Unset):
            keyfile (None | str | Unset):
            as_file (bool | Unset):
            url (str | Unset):
            put_url (str | Unset):
    """

    name: str | Unset = UNSET
    keyfile: None | str | Unset = UNSET
    as_file: bool | Unset = UNSET
    url: str | Unset = UNSET
    put_url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        keyfile: None | str | Unset
        if isinstance(self.keyfile, Unset):
            keyfile = UNSET
        else:
            keyfile = self.keyfile

        as_file = self.as_file

        url = self.url

        put_url = self.put_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if keyfile is not UNSET:
            field_dict["keyfile"] = keyfile
        if as_file is not UNSET:
            field_dict["as_file"] = as_file
        if url is not UNSET:
            field_dict["url"] = url
        if put_url is not UNSET:
            field_dict["put_url"] = put_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        def _parse_keyfile(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        keyfile = _parse_keyfile(d.pop("keyfile", UNSET))

        as_file = d.pop("as_file", UNSET)

        url = d.pop("url", UNSET)

        put_url = d.pop("put_url", UNSET)

        file_write = cls(
            name=name,
            keyfile=keyfile,
            as_file=as_file,
            url=url,
            put_url=put_url,
        )

        file_write.additional_properties = d
        return file_write

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
