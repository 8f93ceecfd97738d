from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.job_failure_record import JobFailureRecord
    from ..models.optional_date_time import OptionalDateTime


T = TypeVar("T", bound="DeadLetter")


@_attrs_define
class DeadLetter:
    """
    Attributes:
        message_id (str):
        body (str): The message body (pyqalx: entity_type and entity_guid JSON).
        receive_count (int):
        sent (None | OptionalDateTime | Unset): A `DateTime`, or null when not known.
        first_received (None | OptionalDateTime | Unset): A `DateTime`, or null when not known.
        group_id (None | str | Unset):
        failures (int | Unset): How many job failures workers recorded against this message (`record_job_failure`)
            since it was sent or last replayed; 0 when none were (a worker killed mid-job, or a
            client that does not record them). Compare `receive_count`: every receive counts.
        last_failure (JobFailureRecord | Unset): The newest failure recorded against a message (`JobFailure` as it was
            sent, without
            `message_id`) and when the server recorded it. Properties the worker did not send are
            absent.
    """

    message_id: str
    body: str
    receive_count: int
    sent: None | OptionalDateTime | Unset = UNSET
    first_received: None | OptionalDateTime | Unset = UNSET
    group_id: None | str | Unset = UNSET
    failures: int | Unset = UNSET
    last_failure: JobFailureRecord | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.optional_date_time import OptionalDateTime  # noqa: PLC0415

        message_id = self.message_id

        body = self.body

        receive_count = self.receive_count

        sent: dict[str, Any] | None | Unset
        if isinstance(self.sent, Unset):
            sent = UNSET
        elif isinstance(self.sent, OptionalDateTime):
            sent = self.sent.to_dict()
        else:
            sent = self.sent

        first_received: dict[str, Any] | None | Unset
        if isinstance(self.first_received, Unset):
            first_received = UNSET
        elif isinstance(self.first_received, OptionalDateTime):
            first_received = self.first_received.to_dict()
        else:
            first_received = self.first_received

        group_id: None | str | Unset
        if isinstance(self.group_id, Unset):
            group_id = UNSET
        else:
            group_id = self.group_id

        failures = self.failures

        last_failure: dict[str, Any] | Unset = UNSET
        if not isinstance(self.last_failure, Unset):
            last_failure = self.last_failure.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message_id": message_id,
                "body": body,
                "receive_count": receive_count,
            }
        )
        if sent is not UNSET:
            field_dict["sent"] = sent
        if first_received is not UNSET:
            field_dict["first_received"] = first_received
        if group_id is not UNSET:
            field_dict["group_id"] = group_id
        if failures is not UNSET:
            field_dict["failures"] = failures
        if last_failure is not UNSET:
            field_dict["last_failure"] = last_failure

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_failure_record import JobFailureRecord  # noqa: PLC0415
        from ..models.optional_date_time import OptionalDateTime  # noqa: PLC0415

        d = dict(src_dict)
        message_id = d.pop("message_id")

        body = d.pop("body")

        receive_count = d.pop("receive_count")

        def _parse_sent(data: object) -> None | OptionalDateTime | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
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
            return cast(None | OptionalDateTime | Unset, data)

        sent = _parse_sent(d.pop("sent", UNSET))

        def _parse_first_received(data: object) -> None | OptionalDateTime | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
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
            return cast(None | OptionalDateTime | Unset, data)

        first_received = _parse_first_received(d.pop("first_received", UNSET))

        def _parse_group_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        group_id = _parse_group_id(d.pop("group_id", UNSET))

        failures = d.pop("failures", UNSET)

        _last_failure = d.pop("last_failure", UNSET)
        last_failure: JobFailureRecord | Unset
        if isinstance(_last_failure, Unset):
            last_failure = UNSET
        else:
            last_failure = JobFailureRecord.from_dict(_last_failure)

        dead_letter = cls(
            message_id=message_id,
            body=body,
            receive_count=receive_count,
            sent=sent,
            first_received=first_received,
            group_id=group_id,
            failures=failures,
            last_failure=last_failure,
        )

        dead_letter.additional_properties = d
        return dead_letter

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
