from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.notification_delivery_state import NotificationDeliveryState

if TYPE_CHECKING:
    from ..models.optional_date_time import OptionalDateTime


T = TypeVar("T", bound="NotificationDelivery")


@_attrs_define
class NotificationDelivery:
    """Our extension: the hosted service e-mails notifications without saying how that went;
    a self-hosted server's users and operators need to see whether it went, and why not.
    Computed per answer (it is not part of the stored document, so `query` cannot filter
    on it; operators list by state with `qalx server notifications list --state`).

        Attributes:
            state (NotificationDeliveryState): `queued`: to be sent (at `next_attempt_at`); `sending`: being sent now;
                `sent`:
                the SMTP server took it; `failed`: given up on (a permanent refusal, transient
                failures until the server's attempt limit, or an interrupted send, which is
                never repeated automatically in case it went out); `outbox`: the server has no
                SMTP configured, so it waits until a server with SMTP runs.
            attempts (int): Attempts made so far.
            last_error (None | str): Why the last attempt failed (the SMTP reply or connection error). On a `sent`
                notification: the recipients the SMTP server refused while taking the rest.
            sent_at (None | OptionalDateTime): A `DateTime`, or null when not known.
            next_attempt_at (None | OptionalDateTime): A `DateTime`, or null when not known.
    """

    state: NotificationDeliveryState
    attempts: int
    last_error: None | str
    sent_at: None | OptionalDateTime
    next_attempt_at: None | OptionalDateTime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.optional_date_time import OptionalDateTime  # noqa: PLC0415

        state = self.state.value

        attempts = self.attempts

        last_error: None | str
        last_error = self.last_error

        sent_at: dict[str, Any] | None
        if isinstance(self.sent_at, OptionalDateTime):
            sent_at = self.sent_at.to_dict()
        else:
            sent_at = self.sent_at

        next_attempt_at: dict[str, Any] | None
        if isinstance(self.next_attempt_at, OptionalDateTime):
            next_attempt_at = self.next_attempt_at.to_dict()
        else:
            next_attempt_at = self.next_attempt_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "state": state,
                "attempts": attempts,
                "last_error": last_error,
                "sent_at": sent_at,
                "next_attempt_at": next_attempt_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.optional_date_time import OptionalDateTime  # noqa: PLC0415

        d = dict(src_dict)
        state = NotificationDeliveryState(d.pop("state"))

        attempts = d.pop("attempts")

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))

        def _parse_sent_at(data: object) -> None | OptionalDateTime:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_optional_date_time_type_0 = (
                    OptionalDateTime.from_dict(data)
                )

                return componentsschemas_optional_date_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OptionalDateTime, data)

        sent_at = _parse_sent_at(d.pop("sent_at"))

        def _parse_next_attempt_at(data: object) -> None | OptionalDateTime:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_optional_date_time_type_0 = (
                    OptionalDateTime.from_dict(data)
                )

                return componentsschemas_optional_date_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OptionalDateTime, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))

        notification_delivery = cls(
            state=state,
            attempts=attempts,
            last_error=last_error,
            sent_at=sent_at,
            next_attempt_at=next_attempt_at,
        )

        notification_delivery.additional_properties = d
        return notification_delivery

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
