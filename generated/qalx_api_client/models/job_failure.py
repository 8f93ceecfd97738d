from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.binary_guid import BinaryGuid
    from ..models.uuid_guid import UuidGuid


T = TypeVar("T", bound="JobFailure")


@_attrs_define
class JobFailure:
    """One failed attempt at the job a queue message carries, as a worker saw it. Only
    `message_id` and `error` are required; the rest say where and who.

        Attributes:
            message_id (str): The SQS `MessageId` of the received message.
            error (str): What went wrong, e.g. `RuntimeError: odd number 1` (the traceback stays in the worker's log).
            step (str | Unset): The bot step that raised (`Process`, `PreLoad`, ...).
            attempt (int | Unset): The message's receive count at this attempt (`ApproximateReceiveCount`).
            entity_type (str | Unset): `item`, `set` or `group`.
            entity_guid (BinaryGuid | Unset | UuidGuid): A guid in legacy Extended JSON: `{"$uuid": hex}` (`UuidGuid`, what
                qalx_server emits:
                32 lowercase hex digits) or, as another server may answer, BSON binary subtype 4 (or
                the legacy subtype 3) of the 16 bytes (`BinaryGuid`). pyqalx decodes both to a UUID.
            bot (BinaryGuid | Unset | UuidGuid): A guid in legacy Extended JSON: `{"$uuid": hex}` (`UuidGuid`, what
                qalx_server emits:
                32 lowercase hex digits) or, as another server may answer, BSON binary subtype 4 (or
                the legacy subtype 3) of the 16 bytes (`BinaryGuid`). pyqalx decodes both to a UUID.
            worker (BinaryGuid | Unset | UuidGuid): A guid in legacy Extended JSON: `{"$uuid": hex}` (`UuidGuid`, what
                qalx_server emits:
                32 lowercase hex digits) or, as another server may answer, BSON binary subtype 4 (or
                the legacy subtype 3) of the 16 bytes (`BinaryGuid`). pyqalx decodes both to a UUID.
    """

    message_id: str
    error: str
    step: str | Unset = UNSET
    attempt: int | Unset = UNSET
    entity_type: str | Unset = UNSET
    entity_guid: BinaryGuid | Unset | UuidGuid = UNSET
    bot: BinaryGuid | Unset | UuidGuid = UNSET
    worker: BinaryGuid | Unset | UuidGuid = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        message_id = self.message_id

        error = self.error

        step = self.step

        attempt = self.attempt

        entity_type = self.entity_type

        entity_guid: dict[str, Any] | Unset
        if isinstance(self.entity_guid, Unset):
            entity_guid = UNSET
        elif isinstance(self.entity_guid, UuidGuid):
            entity_guid = self.entity_guid.to_dict()
        else:
            entity_guid = self.entity_guid.to_dict()

        bot: dict[str, Any] | Unset
        if isinstance(self.bot, Unset):
            bot = UNSET
        elif isinstance(self.bot, UuidGuid):
            bot = self.bot.to_dict()
        else:
            bot = self.bot.to_dict()

        worker: dict[str, Any] | Unset
        if isinstance(self.worker, Unset):
            worker = UNSET
        elif isinstance(self.worker, UuidGuid):
            worker = self.worker.to_dict()
        else:
            worker = self.worker.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message_id": message_id,
                "error": error,
            }
        )
        if step is not UNSET:
            field_dict["step"] = step
        if attempt is not UNSET:
            field_dict["attempt"] = attempt
        if entity_type is not UNSET:
            field_dict["entity_type"] = entity_type
        if entity_guid is not UNSET:
            field_dict["entity_guid"] = entity_guid
        if bot is not UNSET:
            field_dict["bot"] = bot
        if worker is not UNSET:
            field_dict["worker"] = worker

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.binary_guid import BinaryGuid  # noqa: PLC0415
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        d = dict(src_dict)
        message_id = d.pop("message_id")

        error = d.pop("error")

        step = d.pop("step", UNSET)

        attempt = d.pop("attempt", UNSET)

        entity_type = d.pop("entity_type", UNSET)

        def _parse_entity_guid(data: object) -> BinaryGuid | Unset | UuidGuid:
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

        entity_guid = _parse_entity_guid(d.pop("entity_guid", UNSET))

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

        def _parse_worker(data: object) -> BinaryGuid | Unset | UuidGuid:
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

        worker = _parse_worker(d.pop("worker", UNSET))

        job_failure = cls(
            message_id=message_id,
            error=error,
            step=step,
            attempt=attempt,
            entity_type=entity_type,
            entity_guid=entity_guid,
            bot=bot,
            worker=worker,
        )

        job_failure.additional_properties = d
        return job_failure

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
