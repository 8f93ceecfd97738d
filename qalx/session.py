"""`QalxSession`: the one object every interaction with the API goes through."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from qalx import __version__
from qalx.config import BotConfig, Config, UserConfig
from qalx.entities import DEFAULT_ENTITY_CLASSES, QalxEntity, QalxFileEntity, Queue
from qalx.errors import (
    QalxAlreadyRegistered,
    QalxCannotUnregister,
    QalxConfigError,
    QalxIncorrectEntityType,
    QalxRegistrationClassNotFound,
)
from qalx.files import Files
from qalx.tags import Tags
from qalx.transport import HttpTransport, operations

if TYPE_CHECKING:
    from qalx.adapters import (
        QalxAdapter,
        QalxBlueprint,
        QalxBot,
        QalxFactory,
        QalxGroup,
        QalxItem,
        QalxNotification,
        QalxQueue,
        QalxSet,
        QalxWorker,
    )

A = TypeVar("A", bound="QalxAdapter[Any]")
EntityT = TypeVar("EntityT", bound=QalxEntity)


def default_transport(session: QalxSession) -> HttpTransport:
    config = session.config
    return HttpTransport(
        config.base_url,
        config.token,
        max_retries=config.max_retry_500,
        connect_timeout=config.connect_timeout,
        read_timeout=config.read_timeout,
        user_agent=f"qalx/{__version__}",
    )


class QalxSession:
    """The session that any interaction with the API uses.

    :param profile_name: the profile of the config file to read (`default`)
    :param config_class: `UserConfig` (the default) or `BotConfig`
    :param skip_ini: use only defaults and `QALX_USER_*`/`QALX_BOT_*` variables
    :param rest_api_class: builds the transport from the session (the default speaks HTTP)
    :param project_name: tag everything this session writes with `project_name`, and see
        only entities so tagged
    """

    def __init__(
        self,
        profile_name: str = Config.default,
        config_class: type[Config] | None = None,
        skip_ini: bool = False,
        rest_api_class: Callable[[QalxSession], HttpTransport] | None = None,
        project_name: str | None = None,
    ) -> None:
        if not isinstance(profile_name, str) or not profile_name:
            raise QalxConfigError(f"profile_name must be a non-empty str; got {profile_name!r}")
        self.config: Config = (config_class or UserConfig)()
        self.profile_name = profile_name
        if not skip_ini:
            self.config.from_inifile(profile_name)
        self.configure_logging()
        self._rest_api_class = rest_api_class or default_transport
        self._transport = self._rest_api_class(self)
        self._files: Files | None = None
        self._entity_classes: dict[str, type[QalxEntity]] = {
            cls.entity_type: cls for cls in DEFAULT_ENTITY_CLASSES
        }
        self._adapters: dict[str, Any] = {}
        self._tags = Tags([], validator=self._validate_tags)
        if project_name:
            self._tags.add(name="project_name", value=project_name)

    # -- configuration, logging, transport --------------------------------------------------
    @property
    def rest_api(self) -> HttpTransport:
        return self._transport

    def configure_logging(self) -> logging.Logger:
        """The session's logger, `qalx.<user|bot>.<profile>`, writing to `LOG_FILE_PATH` at
        `LOGGING_LEVEL` (set up once per name)."""
        from qalx.logging import configure_logging, session_logging_suffix

        self.config.create_log_directories()
        return configure_logging(
            f"{session_logging_suffix(self.config)}.{self.profile_name}",
            self._log_file(),
            self.config.logging_level,
        )

    def _log_file(self) -> str:
        """`LOG_FILE_PATH`: bot sessions log to their own setting of it too, as pyqalx's do."""
        return self.config.log_file_path

    @property
    def log(self) -> logging.Logger:
        """The session's logger (a property, so sessions pickle without it)."""
        return self.configure_logging()

    def _update_config(self, config: dict[str, Any]) -> None:
        self.config.update(config)
        self._transport.close()
        self._transport = self._rest_api_class(self)
        self._files = None

    @property
    def files(self) -> Files:
        if self._files is None:
            self._files = Files(self._transport, self.config.keyfile)
        return self._files

    def close(self) -> None:
        """Close the session's connections (a later call opens new ones)."""
        self._transport.close()

    def __enter__(self) -> QalxSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _require_bot_session(self, what: str) -> None:
        if not isinstance(self.config, BotConfig):
            raise QalxConfigError(f"{what} needs a bot session (config_class=BotConfig)")

    def _require_user_session(self, what: str) -> None:
        if isinstance(self.config, BotConfig):
            raise QalxConfigError(f"{what} needs a user session (config_class=UserConfig)")

    # -- tags --------------------------------------------------------------------------------
    def _validate_tags(self, tags: list[dict[str, str]]) -> None:
        self._transport.call(operations.validate_tags(tags))

    @property
    def tags(self) -> Tags:
        """The session's tags: attached to every write, added to every find."""
        return self._tags

    @tags.setter
    def tags(self, value: Iterable[Any]) -> None:
        self._tags = Tags(value, validator=self._validate_tags)

    # -- entity classes --------------------------------------------------------------------
    def register(self, cls: type[QalxEntity]) -> None:
        """Use `cls` (a subclass of an entity class) for its entity type in this session."""
        if not isinstance(cls, type) or not issubclass(cls, QalxEntity):
            raise QalxRegistrationClassNotFound(f"{cls!r} is not a QalxEntity subclass")
        entity_type = getattr(cls, "entity_type", "")
        if not entity_type or entity_type not in self._entity_classes:
            raise QalxIncorrectEntityType(
                f"{cls.__name__} has no known entity_type ({entity_type!r})"
            )
        current = self._entity_classes[entity_type]
        if current is cls:
            raise QalxAlreadyRegistered(f"{cls.__name__} is already registered for {entity_type}")
        self._entity_classes[entity_type] = cls

    def unregister(self, cls: type[QalxEntity]) -> None:
        """Stop using `cls`; its entity type goes back to the built-in class."""
        if cls in DEFAULT_ENTITY_CLASSES:
            raise QalxCannotUnregister(f"{cls.__name__} is built in and cannot be unregistered")
        entity_type = getattr(cls, "entity_type", "")
        if self._entity_classes.get(entity_type) is not cls:
            raise QalxCannotUnregister(f"{getattr(cls, '__name__', cls)!r} is not registered")
        self._entity_classes[entity_type] = next(
            c for c in DEFAULT_ENTITY_CLASSES if c.entity_type == entity_type
        )

    def _entity_class(self, entity_type: str) -> type[QalxEntity]:
        return self._entity_classes[entity_type]

    def _attach(self, entity: EntityT) -> EntityT:
        """Give an entity what it needs of this session (file access, queue refresh)."""
        if isinstance(entity, QalxFileEntity):
            entity._files = self.files
        if isinstance(entity, Queue):
            entity._region = self.config.get("REGION")
            entity._reload = lambda queue: self.queue.get(queue.guid)
        return entity

    # -- adapters ----------------------------------------------------------------------------
    def _adapter(self, name: str) -> Any:
        adapter = self._adapters.get(name)
        if adapter is None:
            from qalx.adapters import default_adapters

            adapter = self._adapters[name] = default_adapters()[name](self)
        return adapter

    @property
    def item(self) -> QalxItem:
        """The adapter for items."""
        adapter: QalxItem = self._adapter("item")
        return adapter

    @property
    def set(self) -> QalxSet:
        """The adapter for sets."""
        adapter: QalxSet = self._adapter("set")
        return adapter

    @property
    def group(self) -> QalxGroup:
        """The adapter for groups."""
        adapter: QalxGroup = self._adapter("group")
        return adapter

    @property
    def blueprint(self) -> QalxBlueprint:
        """The adapter for blueprints."""
        adapter: QalxBlueprint = self._adapter("blueprint")
        return adapter

    @property
    def queue(self) -> QalxQueue:
        """The adapter for queues."""
        adapter: QalxQueue = self._adapter("queue")
        return adapter

    @property
    def bot(self) -> QalxBot:
        """The adapter for bots."""
        adapter: QalxBot = self._adapter("bot")
        return adapter

    @property
    def worker(self) -> QalxWorker:
        """The adapter for workers."""
        adapter: QalxWorker = self._adapter("worker")
        return adapter

    @property
    def factory(self) -> QalxFactory:
        """The adapter for factories."""
        adapter: QalxFactory = self._adapter("factory")
        return adapter

    @property
    def notification(self) -> QalxNotification:
        """The adapter for notifications."""
        adapter: QalxNotification = self._adapter("notification")
        return adapter
