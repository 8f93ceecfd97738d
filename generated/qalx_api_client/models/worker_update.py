from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.signal import Signal
    from ..models.status import Status
    from ..models.worker_job import WorkerJob


T = TypeVar("T", bound="WorkerUpdate")


@_attrs_define
class WorkerUpdate:
    """
    Attributes:
        signal (Signal | Unset): Flags a worker reads between jobs. A PATCH merges the given keys into the stored
            signal,
            so a later `stop` never clears an earlier `terminate`.
        state (str | Unset): A bot's or worker's run state. Known values: `idle` (new bots and workers), `active`,
            `stopped` and `terminated`, the ones pyqalx sets, and `lost`, which qalx_server answers
            for a worker not seen for too long (see `Worker.state`). The set is open: the wire contract
            does not close it, so clients must accept any string, and qalx_server stores any.
        status (Status | Unset): A bot's or worker's last status report.
        job (None | Unset | WorkerJob): The job a worker is on, or null when it has none. A PATCH without `since` gets
            the
            server's time.
        jobs_done (int | Unset): Jobs of a worker (finished, or failed), as it reports them; 0 for a new one.
        jobs_failed (int | Unset): Jobs of a worker (finished, or failed), as it reports them; 0 for a new one.
    """

    signal: Signal | Unset = UNSET
    state: str | Unset = UNSET
    status: Status | Unset = UNSET
    job: None | Unset | WorkerJob = UNSET
    jobs_done: int | Unset = UNSET
    jobs_failed: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.worker_job import WorkerJob  # noqa: PLC0415

        signal: dict[str, Any] | Unset = UNSET
        if not isinstance(self.signal, Unset):
            signal = self.signal.to_dict()

        state = self.state

        status: dict[str, Any] | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.to_dict()

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
        field_dict.update({})
        if signal is not UNSET:
            field_dict["signal"] = signal
        if state is not UNSET:
            field_dict["state"] = state
        if status is not UNSET:
            field_dict["status"] = status
        if job is not UNSET:
            field_dict["job"] = job
        if jobs_done is not UNSET:
            field_dict["jobs_done"] = jobs_done
        if jobs_failed is not UNSET:
            field_dict["jobs_failed"] = jobs_failed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.signal import Signal  # noqa: PLC0415
        from ..models.status import Status  # noqa: PLC0415
        from ..models.worker_job import WorkerJob  # noqa: PLC0415

        d = dict(src_dict)
        _signal = d.pop("signal", UNSET)
        signal: Signal | Unset
        if isinstance(_signal, Unset):
            signal = UNSET
        else:
            signal = Signal.from_dict(_signal)

        state = d.pop("state", UNSET)

        _status = d.pop("status", UNSET)
        status: Status | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = Status.from_dict(_status)

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

        worker_update = cls(
            signal=signal,
            state=state,
            status=status,
            job=job,
            jobs_done=jobs_done,
            jobs_failed=jobs_failed,
        )

        worker_update.additional_properties = d
        return worker_update

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
