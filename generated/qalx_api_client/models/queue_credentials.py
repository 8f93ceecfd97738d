from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.date_time import DateTime


T = TypeVar("T", bound="QueueCredentials")


@_attrs_define
class QueueCredentials:
    """Temporary credentials for the queue's SQS calls.

    Attributes:
        access_key_id (str):
        secret_access_key (str):
        session_token (str):
        expiration (DateTime): A datetime in legacy Extended JSON with the bson-extra zone extension. `$zone` and
            `$offset` are always present (pyqalx raises without them). The server emits `$date` as
            integer milliseconds since the epoch, `$zone: "UTC"` and `$offset: null`.
    """

    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: DateTime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        access_key_id = self.access_key_id

        secret_access_key = self.secret_access_key

        session_token = self.session_token

        expiration = self.expiration.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ACCESS_KEY_ID": access_key_id,
                "SECRET_ACCESS_KEY": secret_access_key,
                "SESSION_TOKEN": session_token,
                "EXPIRATION": expiration,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.date_time import DateTime  # noqa: PLC0415

        d = dict(src_dict)
        access_key_id = d.pop("ACCESS_KEY_ID")

        secret_access_key = d.pop("SECRET_ACCESS_KEY")

        session_token = d.pop("SESSION_TOKEN")

        expiration = DateTime.from_dict(d.pop("EXPIRATION"))

        queue_credentials = cls(
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            session_token=session_token,
            expiration=expiration,
        )

        queue_credentials.additional_properties = d
        return queue_credentials

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
