from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_state import RunState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.bot_info import BotInfo
    from ..models.data import Data
    from ..models.guid import Guid
    from ..models.host import Host
    from ..models.meta import Meta
    from ..models.status import Status
    from ..models.tag import Tag
    from ..models.worker import Worker


T = TypeVar("T", bound="Bot")


@_attrs_define
class Bot:
    """Without `fields`, every property below is present. Under a `fields` projection, `guid` is always kept.

    Attributes:
        guid (Guid): A guid in legacy Extended JSON. The server emits 32 lowercase hex digits.
        info (BotInfo | Unset): `Info` plus the bot's own token, in the answer to `POST bot` only, so the bot session
            can authenticate as the bot. Tokens are stored hashed, so later reads cannot show it.
        name (str | Unset):
        config (Data | Unset): Free-form structured data (Extended JSON values allowed at any depth).
        host (Host | Unset): Where a bot runs.
        workers (list[Worker] | Unset):
        state (RunState | Unset): A bot's or worker's run state. New bots and workers are `idle`.
        status (Status | Unset): A bot's or worker's last status report.
        meta (Meta | Unset): Descriptive data that is not critical to how the entity is used. Exposed as `meta`;
            queries may address it as `meta.x` or `metadata.data.x`.
        tags (list[Tag] | Unset):
    """

    guid: Guid
    info: BotInfo | Unset = UNSET
    name: str | Unset = UNSET
    config: Data | Unset = UNSET
    host: Host | Unset = UNSET
    workers: list[Worker] | Unset = UNSET
    state: RunState | Unset = UNSET
    status: Status | Unset = UNSET
    meta: Meta | Unset = UNSET
    tags: list[Tag] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        guid = self.guid.to_dict()

        info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.info, Unset):
            info = self.info.to_dict()

        name = self.name

        config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.config, Unset):
            config = self.config.to_dict()

        host: dict[str, Any] | Unset = UNSET
        if not isinstance(self.host, Unset):
            host = self.host.to_dict()

        workers: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.workers, Unset):
            workers = []
            for workers_item_data in self.workers:
                workers_item = workers_item_data.to_dict()
                workers.append(workers_item)

        state: str | Unset = UNSET
        if not isinstance(self.state, Unset):
            state = self.state.value

        status: dict[str, Any] | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.to_dict()

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
                "guid": guid,
            }
        )
        if info is not UNSET:
            field_dict["info"] = info
        if name is not UNSET:
            field_dict["name"] = name
        if config is not UNSET:
            field_dict["config"] = config
        if host is not UNSET:
            field_dict["host"] = host
        if workers is not UNSET:
            field_dict["workers"] = workers
        if state is not UNSET:
            field_dict["state"] = state
        if status is not UNSET:
            field_dict["status"] = status
        if meta is not UNSET:
            field_dict["meta"] = meta
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bot_info import BotInfo  # noqa: PLC0415
        from ..models.data import Data  # noqa: PLC0415
        from ..models.guid import Guid  # noqa: PLC0415
        from ..models.host import Host  # noqa: PLC0415
        from ..models.meta import Meta  # noqa: PLC0415
        from ..models.status import Status  # noqa: PLC0415
        from ..models.tag import Tag  # noqa: PLC0415
        from ..models.worker import Worker  # noqa: PLC0415

        d = dict(src_dict)
        guid = Guid.from_dict(d.pop("guid"))

        _info = d.pop("info", UNSET)
        info: BotInfo | Unset
        if isinstance(_info, Unset):
            info = UNSET
        else:
            info = BotInfo.from_dict(_info)

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

        _workers = d.pop("workers", UNSET)
        workers: list[Worker] | Unset = UNSET
        if _workers is not UNSET:
            workers = []
            for workers_item_data in _workers:
                workers_item = Worker.from_dict(workers_item_data)

                workers.append(workers_item)

        _state = d.pop("state", UNSET)
        state: RunState | Unset
        if isinstance(_state, Unset):
            state = UNSET
        else:
            state = RunState(_state)

        _status = d.pop("status", UNSET)
        status: Status | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = Status.from_dict(_status)

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

        bot = cls(
            guid=guid,
            info=info,
            name=name,
            config=config,
            host=host,
            workers=workers,
            state=state,
            status=status,
            meta=meta,
            tags=tags,
        )

        bot.additional_properties = d
        return bot

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
