from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.binary_guid import BinaryGuid
    from ..models.bot_info import BotInfo
    from ..models.data import Data
    from ..models.host import Host
    from ..models.meta import Meta
    from ..models.status import Status
    from ..models.tag import Tag
    from ..models.uuid_guid import UuidGuid
    from ..models.worker import Worker


T = TypeVar("T", bound="Bot")


@_attrs_define
class Bot:
    """Without `fields`, every property below is present. Under a `fields` projection, `guid` is always kept.

    Attributes:
        guid (BinaryGuid | UuidGuid): A guid in legacy Extended JSON: `{"$uuid": hex}` (`UuidGuid`, what qalx_server
            emits:
            32 lowercase hex digits) or, as another server may answer, BSON binary subtype 4 (or
            the legacy subtype 3) of the 16 bytes (`BinaryGuid`). pyqalx decodes both to a UUID.
        info (BotInfo | Unset): `Info` plus the bot's own token, in the answer to `POST bot` only, so the bot session
            can authenticate as the bot. Tokens are stored hashed, so later reads cannot show it.
        name (str | Unset):
        config (Data | Unset): Free-form structured data (Extended JSON values allowed at any depth).
        host (Host | Unset): Where a bot runs.
        workers (list[Worker] | Unset):
        state (str | Unset): A bot's or worker's run state. Known values: `idle` (new bots and workers), `active`,
            `stopped` and `terminated`, the ones pyqalx sets, and `lost`, which qalx_server answers
            for a worker not seen for too long (see `Worker.state`). The set is open: the wire contract
            does not close it, so clients must accept any string, and qalx_server stores any.
        status (Status | Unset): A bot's or worker's last status report.
        meta (Meta | Unset): Descriptive data that is not critical to how the entity is used. Exposed as `meta`;
            queries may address it as `meta.x` or `metadata.data.x`.
        tags (list[Tag] | Unset):
    """

    guid: BinaryGuid | UuidGuid
    info: BotInfo | Unset = UNSET
    name: str | Unset = UNSET
    config: Data | Unset = UNSET
    host: Host | Unset = UNSET
    workers: list[Worker] | Unset = UNSET
    state: str | Unset = UNSET
    status: Status | Unset = UNSET
    meta: Meta | Unset = UNSET
    tags: list[Tag] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415

        guid: dict[str, Any]
        if isinstance(self.guid, UuidGuid):
            guid = self.guid.to_dict()
        else:
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

        state = self.state

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
        from ..models.binary_guid import BinaryGuid  # noqa: PLC0415
        from ..models.bot_info import BotInfo  # noqa: PLC0415
        from ..models.data import Data  # noqa: PLC0415
        from ..models.host import Host  # noqa: PLC0415
        from ..models.meta import Meta  # noqa: PLC0415
        from ..models.status import Status  # noqa: PLC0415
        from ..models.tag import Tag  # noqa: PLC0415
        from ..models.uuid_guid import UuidGuid  # noqa: PLC0415
        from ..models.worker import Worker  # noqa: PLC0415

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

        state = d.pop("state", UNSET)

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
