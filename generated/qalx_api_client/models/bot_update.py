from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.bot_update_workers_item import BotUpdateWorkersItem
    from ..models.data import Data
    from ..models.host import Host
    from ..models.meta import Meta
    from ..models.status import Status
    from ..models.tag import Tag


T = TypeVar("T", bound="BotUpdate")


@_attrs_define
class BotUpdate:
    """A full save or a single field (`state`, `status`). `workers` is accepted and ignored:
    workers change through `replace-workers` and the worker endpoints.

        Attributes:
            name (str | Unset):
            config (Data | Unset): Free-form structured data (Extended JSON values allowed at any depth).
            host (Host | Unset): Where a bot runs.
            state (str | Unset): A bot's or worker's run state. Known values: `idle` (new bots and workers), `active`,
                `stopped` and `terminated`, the ones pyqalx sets, and `lost`, which qalx_server answers
                for a worker not seen for too long (see `Worker.state`). The set is open: the wire contract
                does not close it, so clients must accept any string, and qalx_server stores any.
            status (Status | Unset): A bot's or worker's last status report.
            workers (list[BotUpdateWorkersItem] | Unset):
            meta (Meta | Unset): Descriptive data that is not critical to how the entity is used. Exposed as `meta`;
                queries may address it as `meta.x` or `metadata.data.x`.
            tags (list[Tag] | Unset):
    """

    name: str | Unset = UNSET
    config: Data | Unset = UNSET
    host: Host | Unset = UNSET
    state: str | Unset = UNSET
    status: Status | Unset = UNSET
    workers: list[BotUpdateWorkersItem] | Unset = UNSET
    meta: Meta | Unset = UNSET
    tags: list[Tag] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.config, Unset):
            config = self.config.to_dict()

        host: dict[str, Any] | Unset = UNSET
        if not isinstance(self.host, Unset):
            host = self.host.to_dict()

        state = self.state

        status: dict[str, Any] | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.to_dict()

        workers: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.workers, Unset):
            workers = []
            for workers_item_data in self.workers:
                workers_item = workers_item_data.to_dict()
                workers.append(workers_item)

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
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if config is not UNSET:
            field_dict["config"] = config
        if host is not UNSET:
            field_dict["host"] = host
        if state is not UNSET:
            field_dict["state"] = state
        if status is not UNSET:
            field_dict["status"] = status
        if workers is not UNSET:
            field_dict["workers"] = workers
        if meta is not UNSET:
            field_dict["meta"] = meta
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bot_update_workers_item import BotUpdateWorkersItem  # noqa: PLC0415
        from ..models.data import Data  # noqa: PLC0415
        from ..models.host import Host  # noqa: PLC0415
        from ..models.meta import Meta  # noqa: PLC0415
        from ..models.status import Status  # noqa: PLC0415
        from ..models.tag import Tag  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _config = d.pop("config", UNSET)
        config: Data | Unset
        if isinstance(_config, Unset):
            config = UNSET
        else:
            config = Data.from_dict(_config)

        _host = d.pop("host", UNSET)
        host: Host | Unset
        if isinstance(_host, Unset):
            host = UNSET
        else:
            host = Host.from_dict(_host)

        state = d.pop("state", UNSET)

        _status = d.pop("status", UNSET)
        status: Status | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = Status.from_dict(_status)

        _workers = d.pop("workers", UNSET)
        workers: list[BotUpdateWorkersItem] | Unset = UNSET
        if _workers is not UNSET:
            workers = []
            for workers_item_data in _workers:
                workers_item = BotUpdateWorkersItem.from_dict(workers_item_data)

                workers.append(workers_item)

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

        bot_update = cls(
            name=name,
            config=config,
            host=host,
            state=state,
            status=status,
            workers=workers,
            meta=meta,
            tags=tags,
        )

        bot_update.additional_properties = d
        return bot_update

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
