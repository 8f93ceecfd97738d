from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.binary_guid import BinaryGuid
    from ..models.info import Info
    from ..models.optional_date_time import OptionalDateTime
    from ..models.signal import Signal
    from ..models.status import Status
    from ..models.uuid_guid import UuidGuid
    from ..models.worker_job import WorkerJob


T = TypeVar("T", bound="Worker")


@_attrs_define
class Worker:
    """Without `fields`, every property below is present. Under a `fields` projection, `guid`, `signal` and `state` are
    always kept (pyqalx reads the signal with `fields=signal`), also in a bot's `workers`.

    `state` is the state the worker last set, except `lost` (our extension): a worker
    that has been seen (`last_seen` is not null), but not within the server's
    `worker_lost_after` (60 s by default), reads as `lost` unless it is `terminated`. Its
    stored state is kept and shows again once it is seen. Queries of bot lists filter on
    the stored state; worker lists filter on the state as answered.

        Attributes:
            guid (BinaryGuid | UuidGuid): A guid in legacy Extended JSON: `{"$uuid": hex}` (`UuidGuid`, what qalx_server
                emits:
                32 lowercase hex digits) or, as another server may answer, BSON binary subtype 4 (or
                the legacy subtype 3) of the 16 bytes (`BinaryGuid`). pyqalx decodes both to a UUID.
            signal (Signal): Flags a worker reads between jobs. A PATCH merges the given keys into the stored signal,
                so a later `stop` never clears an earlier `terminate`.
            state (str): A bot's or worker's run state. Known values: `idle` (new bots and workers), `active`,
                `stopped` and `terminated`, the ones pyqalx sets, and `lost`, which qalx_server answers
                for a worker not seen for too long (see `Worker.state`). The set is open: the wire contract
                does not close it, so clients must accept any string, and qalx_server stores any.
            info (Info | Unset): Maintained by the server; read-only (clients strip it from PATCH bodies). Complete on
                full answers; a `fields` projection may return part of it.
            status (Status | Unset): A bot's or worker's last status report.
            signal_version (int | Unset): Bumped by every PATCH that changes `signal` (0 for a new worker): the `version`
                of `GET .../signal`. Read-only.
            last_seen (None | OptionalDateTime | Unset): A `DateTime`, or null when not known.
            job (None | Unset | WorkerJob): The job a worker is on, or null when it has none. A PATCH without `since` gets
                the
                server's time.
            jobs_done (int | Unset): Jobs of a worker (finished, or failed), as it reports them; 0 for a new one.
            jobs_failed (int | Unset): Jobs of a worker (finished, or failed), as it reports them; 0 for a new one.
    """

    guid: BinaryGuid | UuidGuid
    signal: Signal
    state: str
    info: Info | Unset = UNSET
    status: Status | Unset = UNSET
    signal_version: int | Unset = UNSET
    last_seen: None | OptionalDateTime | Unset = UNSET
    job: None | Unset | WorkerJob = UNSET
    jobs_done: int | Unset = UNSET
    jobs_failed: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.optional_date_time import OptionalDateTime  # noqa: PLC0415
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415
        from ..models.worker_job import WorkerJob  # noqa: PLC0415

        guid: dict[str, Any]
        if isinstance(self.guid, UuidGuid):
            guid = self.guid.to_dict()
        else:
            guid = self.guid.to_dict()

        signal = self.signal.to_dict()

        state = self.state

        info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.info, Unset):
            info = self.info.to_dict()

        status: dict[str, Any] | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.to_dict()

        signal_version = self.signal_version

        last_seen: dict[str, Any] | None | Unset
        if isinstance(self.last_seen, Unset):
            last_seen = UNSET
        elif isinstance(self.last_seen, OptionalDateTime):
            last_seen = self.last_seen.to_dict()
        else:
            last_seen = self.last_seen

        job: dict[str, Any] | None | Unset
        if isinstance(self.job, Unset):
            job = UNSET
        elif isinstance(self.job, WorkerJob):
            job = self.job.to_dict()
        else:
            job = self.job

        jobs_done = self.jobs_done

        jobs_failed = self.jobs_failed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "guid": guid,
                "signal": signal,
                "state": state,
            }
        )
        if info is not UNSET:
            field_dict["info"] = info
        if status is not UNSET:
            field_dict["status"] = status
        if signal_version is not UNSET:
            field_dict["signal_version"] = signal_version
        if last_seen is not UNSET:
            field_dict["last_seen"] = last_seen
        if job is not UNSET:
            field_dict["job"] = job
        if jobs_done is not UNSET:
            field_dict["jobs_done"] = jobs_done
        if jobs_failed is not UNSET:
            field_dict["jobs_failed"] = jobs_failed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.binary_guid import BinaryGuid  # noqa: PLC0415
        from ..models.info import Info  # noqa: PLC0415
        from ..models.optional_date_time import OptionalDateTime  # noqa: PLC0415
        from ..models.signal import Signal  # noqa: PLC0415
        from ..models.status import Status  # noqa: PLC0415
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415
        from ..models.worker_job import WorkerJob  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_guid(data: object) -> BinaryGuid | UuidGuid:
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

        guid = _parse_guid(d.pop("guid"))

        signal = Signal.from_dict(d.pop("signal"))

        state = d.pop("state")

        _info = d.pop("info", UNSET)
        info: Info | Unset
        if isinstance(_info, Unset):
            info = UNSET
        else:
            info = Info.from_dict(_info)

        _status = d.pop("status", UNSET)
        status: Status | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = Status.from_dict(_status)

        signal_version = d.pop("signal_version", UNSET)

        def _parse_last_seen(data: object) -> None | OptionalDateTime | Unset:
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

        last_seen = _parse_last_seen(d.pop("last_seen", UNSET))

        def _parse_job(data: object) -> None | Unset | WorkerJob:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_worker_job_type_0 = WorkerJob.from_dict(data)

                return componentsschemas_worker_job_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WorkerJob, data)

        job = _parse_job(d.pop("job", UNSET))

        jobs_done = d.pop("jobs_done", UNSET)

        jobs_failed = d.pop("jobs_failed", UNSET)

        worker = cls(
            guid=guid,
            signal=signal,
            state=state,
            info=info,
            status=status,
            signal_version=signal_version,
            last_seen=last_seen,
            job=job,
            jobs_done=jobs_done,
            jobs_failed=jobs_failed,
        )

        worker.additional_properties = d
        return worker

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
