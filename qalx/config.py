"""Configuration of qalx sessions: `UserConfig` (`~/.qalx`, `QALX_USER_*`) and `BotConfig`
(`~/.bots`, `QALX_BOT_*`), with pyqalx's keys, defaults and precedence (runtime-contract §4):

1. the class defaults (`Config.defaults`);
2. environment variables starting with the class's `key_prefix`, prefix removed
   (`QALX_BOT_KILL_AFTER=3` sets `KILL_AFTER`), read when the config is built;
3. a profile (INI section) of the config file in the home directory, once `from_inifile()` is
   called.

Each source is validated as it is loaded: values of known keys are parsed to their type (a
string `"3"` becomes `3`), unknown keys pass through unchanged, `None` is left alone, and a bad
value raises `QalxConfigError` naming the key, the value and what was expected.

Where qalx differs from pyqalx 0.19.2, on purpose:

* `LOGGING_LEVEL` accepts any case and is stored upper-case (pyqalx refused `"debug"`).
* `BASE_URL` has a default (`https://api.qalx.net/`, where pyqalx's transport fell back to),
  must be an http(s) URL and always ends with `/`.
* `KEYFILE` must be an existing *file* (pyqalx also accepted a directory).
* Two keys are new, for both configs: `CONNECT_TIMEOUT` (seconds to wait for a connection to
  the API, default 10.0) and `READ_TIMEOUT` (seconds to wait for each answer, default 300.0).
  pyqalx had no timeouts at all.
* `configure()` replaces an existing profile of the same name instead of appending a second
  section (which made the file unreadable), leaves the rest of the file as it was, byte for
  byte, writes atomically and makes the file readable by its owner only (it holds a token).
* A file already holding the same section twice (as pyqalx's `configure` could leave it) is
  read with later values winning, rather than failing.
* The repr of a config hides the value of `TOKEN`.

Directories come from platformdirs (app `qalx`, author `agiletek`), with the log directory kept
where pyqalx's appdirs had it on Linux, `~/.cache/qalx/log` (platformdirs moved it to
`~/.local/state`); data goes to `~/.local/share/qalx`.

This module is imported by `import qalx`; it must stay light (no click, rich or httpx).
"""

from __future__ import annotations

import configparser
import contextlib
import logging
import math
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

import platformdirs

from qalx.errors import QalxConfigError, QalxConfigFileNotFound, QalxConfigProfileNotFound

__all__ = [
    "APPAUTHOR",
    "APPNAME",
    "DEFAULT_BASE_URL",
    "BotConfig",
    "Config",
    "UserConfig",
]

APPNAME = "qalx"
APPAUTHOR = "agiletek"
DEFAULT_BASE_URL = "https://api.qalx.net/"
LOGGING_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG", "NOTSET")

_T = TypeVar("_T")

#: Parses one config value, or raises `QalxConfigError`. Called with the key (for the message).
Validator = Callable[[str, Any], Any]


def _invalid(key: str, value: Any, expected: str) -> QalxConfigError:
    return QalxConfigError(f"config value for {key} is {value!r}, expected {expected}")


def _string(key: str, value: Any) -> str:
    if isinstance(value, bytes):
        try:
            return value.decode()
        except UnicodeDecodeError:
            raise _invalid(key, value, "text") from None
    return str(value)


def _logging_level(key: str, value: Any) -> str:
    name = value.strip().upper() if isinstance(value, str) else None
    if name not in LOGGING_LEVELS:
        raise _invalid(key, value, f"one of {', '.join(LOGGING_LEVELS)} (any case)")
    return name


def _path(key: str, value: Any) -> str:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value.strip():
        raise _invalid(key, value, "a path")
    return value


def _existing_file(key: str, value: Any) -> str:
    path = _path(key, value)
    if not os.path.isfile(path):
        raise _invalid(key, value, "the path of an existing file")
    return path


def _positive_int(key: str, value: Any) -> int:
    if isinstance(value, bool):
        raise _invalid(key, value, "a whole number of at least 1")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            raise _invalid(key, value, "a whole number of at least 1") from None
    else:
        raise _invalid(key, value, "a whole number of at least 1")
    if number < 1:
        raise _invalid(key, value, "a whole number of at least 1")
    return number


def _positive_float(key: str, value: Any) -> float:
    expected = "a number of seconds greater than 0"
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _invalid(key, value, expected)
    try:
        number = float(value)
    except ValueError:
        raise _invalid(key, value, expected) from None
    if not math.isfinite(number) or number <= 0:
        raise _invalid(key, value, expected)
    return number


_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "off"})


def _bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise _invalid(key, value, "true/false, yes/no, on/off or 1/0")


def _base_url(key: str, value: Any) -> str:
    url = value.strip() if isinstance(value, str) else ""
    if not url.startswith(("http://", "https://")) or len(url.split("://", 1)[1]) == 0:
        raise _invalid(key, value, "an http:// or https:// URL")
    return url if url.endswith("/") else url + "/"


def _user_log_dir() -> str:
    # pyqalx's appdirs put logs under the cache directory on Linux and other Unixes
    # (~/.cache/qalx/log); platformdirs moved them to ~/.local/state. Keep pyqalx's place there;
    # macOS and Windows agree already.
    if sys.platform.startswith(("win", "darwin")):
        return platformdirs.user_log_dir(APPNAME, APPAUTHOR)
    return os.path.join(platformdirs.user_cache_dir(APPNAME, APPAUTHOR), "log")


def _user_data_dir() -> str:
    return platformdirs.user_data_dir(APPNAME, APPAUTHOR)


class Config(dict[str, Any]):
    """A dict of settings, filled from the class defaults and the environment when built, and
    from a profile of the INI file `~/<filename>` by `from_inifile()`. Use `UserConfig` or
    `BotConfig`; this base has no prefix and no file."""

    key_prefix: ClassVar[str] = ""
    filename: ClassVar[str] = ""
    default: ClassVar[str] = "default"
    #: How each known key is parsed; keys not here are kept as they are.
    default_type_map: ClassVar[Mapping[str, Validator]] = {
        "TOKEN": _string,
        "KEYFILE": _existing_file,
        "LOGGING_LEVEL": _logging_level,
        "LOG_FILE_PATH": _path,
        "MSG_BLACKOUTSECONDS": _positive_int,
        "MAX_RETRY_500": _positive_int,
        "FACTORY_PACK_DIR": _path,
        "DOWNLOAD_DIR": _path,
        "REGION": _string,
        "BASE_URL": _base_url,
        "CONNECT_TIMEOUT": _positive_float,
        "READ_TIMEOUT": _positive_float,
    }

    def __init__(self) -> None:
        super().__init__(self.defaults)
        if self.key_prefix:  # the bare base class would otherwise take the whole environment
            for key, value in os.environ.items():
                if key.startswith(self.key_prefix):
                    self[key.removeprefix(self.key_prefix)] = value
        self._validate(self)

    def __repr__(self) -> str:
        shown = dict(self)
        if shown.get("TOKEN") is not None:
            shown["TOKEN"] = "***"
        return f"<{type(self).__name__} {shown!r}>"

    # -- sources -------------------------------------------------------------------------------

    @property
    def defaults(self) -> dict[str, Any]:
        """The default value of every key this config has a default for (`KEYFILE` has none).
        Directories are worked out now, from platformdirs (app `qalx`, author `agiletek`)."""
        return {
            "TOKEN": None,
            "LOGGING_LEVEL": "ERROR",
            "LOG_FILE_PATH": os.path.join(_user_log_dir(), ".qalx.log"),
            "MSG_BLACKOUTSECONDS": 30,
            "MAX_RETRY_500": 2,
            "FACTORY_PACK_DIR": _user_data_dir(),
            "DOWNLOAD_DIR": _user_data_dir(),
            "REGION": "eu-west-2",
            "BASE_URL": DEFAULT_BASE_URL,
            "CONNECT_TIMEOUT": 10.0,
            "READ_TIMEOUT": 300.0,
        }

    @classmethod
    def config_path(cls) -> str:
        """The config file: `<filename>` in the home directory (looked up on each call)."""
        return os.path.join(os.path.expanduser("~"), cls.filename)

    @classmethod
    def _read_file(cls, path: str) -> configparser.ConfigParser:
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
        try:
            with open(path, encoding="utf-8") as file:
                parser.read_file(file, source=path)
        except FileNotFoundError:
            raise QalxConfigFileNotFound(f"no config file at {path}") from None
        except (configparser.Error, UnicodeDecodeError) as exc:
            raise QalxConfigError(f"config file {path} cannot be read: {exc}") from None
        return parser

    @classmethod
    def _load_inifile(cls, profile_name: str) -> dict[str, str]:
        """The keys and values of one profile of the config file, unvalidated."""
        path = cls.config_path()
        parser = cls._read_file(path)
        if profile_name not in parser:
            found = ", ".join(parser.keys())  # includes configparser's own DEFAULT, as pyqalx
            raise QalxConfigProfileNotFound(
                f"profile {profile_name!r} not found in {path}; profiles found: {found}"
            )
        return dict(parser[profile_name])

    def from_inifile(self, profile_name: str | None = None) -> None:
        """Load a profile of the config file (`default` unless named) over the current values.
        Raises `QalxConfigFileNotFound` or `QalxConfigProfileNotFound`."""
        self.update(self._load_inifile(self.default if profile_name is None else profile_name))
        self._validate(self)

    @classmethod
    def configure(cls, profile_name: str, config_items: Mapping[str, Any] | None = None) -> None:
        """Write a profile to the config file, creating the file if needed. An existing profile
        of that name is replaced as a whole; the rest of the file is kept as it is. Values are
        validated first; `None` values are left out. The file ends up readable by its owner
        only."""
        items = cls._validate(dict(config_items or {}))
        if not profile_name or any(c in profile_name for c in "[]\r\n"):
            raise QalxConfigError(f"profile name {profile_name!r} is not a valid section name")
        path = os.path.realpath(cls.config_path())
        try:
            with open(path, encoding="utf-8") as file:
                existing = file.read()
        except FileNotFoundError:
            existing = ""
        section = [f"[{profile_name}]\n"]
        for key, value in items.items():
            if value is None:
                continue
            text = str(value)
            if not _writable(key, text):
                raise QalxConfigError(f"config item {key}={text!r} cannot be written to {path}")
            section.append(f"{key}={text}\n")
        content = _without_section(existing, profile_name)
        if content and not content.endswith("\n"):
            content += "\n"
        if content and not content.endswith("\n\n"):
            content += "\n"
        content += "".join(section)
        check = configparser.ConfigParser(interpolation=None, strict=False)
        check.optionxform = str  # type: ignore[assignment,method-assign]
        try:
            check.read_string(content, source=path)
        except configparser.Error as exc:
            raise QalxConfigError(f"config file {path} would not be readable: {exc}") from None
        _write_private(path, content)

    # -- validation ----------------------------------------------------------------------------

    @classmethod
    def _validate(cls, config_dict: dict[str, Any]) -> dict[str, Any]:
        """Parse the values of known keys in place (and return the dict)."""
        for key, value in config_dict.items():
            parse = cls.default_type_map.get(key)
            if parse is not None and value is not None:
                config_dict[key] = parse(key, value)
        return config_dict

    @classmethod
    def validate(cls, config_dict: Mapping[str, Any]) -> dict[str, Any]:
        """A validated copy of `config_dict`: values of known keys parsed to their types.
        Raises `QalxConfigError` naming the first bad key."""
        return cls._validate(dict(config_dict))

    def _typed(self, key: str, kind: type[_T]) -> _T:
        value = self.get(key)
        parse = self.default_type_map.get(key)
        if value is not None and parse is not None:
            value = parse(key, value)
        if not isinstance(value, kind):
            raise QalxConfigError(f"config value for {key} is {value!r}, expected {kind.__name__}")
        return value

    def _optional(self, key: str, kind: type[_T]) -> _T | None:
        return None if self.get(key) is None else self._typed(key, kind)

    # -- log directories -----------------------------------------------------------------------

    @staticmethod
    def _get_logging_details() -> list[dict[str, Any]]:
        """The keys naming log locations: `CONFIG_KEY`, and `ISFILE` (a file, whose parent
        directory is the one to create, or a directory)."""
        raise QalxConfigError("Config has no log locations; use UserConfig or BotConfig")

    def create_log_directories(self) -> None:
        """Create the directories the logs go to: the parent of `LOG_FILE_PATH` for a user
        config, `WORKER_LOG_FILE_DIR` for a bot config. Raises `QalxConfigError` naming the key
        if the path exists as the wrong kind (file or directory) or cannot be created."""
        for details in self._get_logging_details():
            key: str = details["CONFIG_KEY"]
            is_file: bool = details["ISFILE"]
            path = self._typed(key, str)
            wrong_kind = os.path.isdir(path) if is_file else os.path.isfile(path)
            if wrong_kind:
                kind = "file" if is_file else "directory"
                raise QalxConfigError(f"{key}: {path} exists but is not a {kind}")
            directory = os.path.dirname(path) if is_file else path
            if not directory:
                continue  # a bare file name: the current directory
            try:
                os.makedirs(directory, exist_ok=True)
            except OSError as exc:
                raise QalxConfigError(
                    f"{key}: {directory} does not exist and cannot be created ({exc})"
                ) from None

    _create_log_directories = create_log_directories

    # -- typed reads ---------------------------------------------------------------------------

    @property
    def token(self) -> str | None:
        """`TOKEN`: the API token, if any."""
        return self._optional("TOKEN", str)

    @property
    def base_url(self) -> str:
        """`BASE_URL`, ending with `/`."""
        return self._optional("BASE_URL", str) or DEFAULT_BASE_URL

    @property
    def logging_level(self) -> str:
        """`LOGGING_LEVEL`, upper-case."""
        return self._typed("LOGGING_LEVEL", str)

    @property
    def logging_level_number(self) -> int:
        """`LOGGING_LEVEL` as the number the logging module uses."""
        return logging.getLevelNamesMapping()[self.logging_level]

    @property
    def log_file_path(self) -> str:
        """`LOG_FILE_PATH`: the session log file."""
        return self._typed("LOG_FILE_PATH", str)

    @property
    def msg_blackoutseconds(self) -> int:
        """`MSG_BLACKOUTSECONDS`: the visibility timeout of queue messages."""
        return self._typed("MSG_BLACKOUTSECONDS", int)

    @property
    def max_retry_500(self) -> int:
        """`MAX_RETRY_500`: retries of a request answered with 5xx or not answered."""
        return self._typed("MAX_RETRY_500", int)

    @property
    def connect_timeout(self) -> float:
        """`CONNECT_TIMEOUT`: seconds to wait for a connection (qalx extension)."""
        return self._typed("CONNECT_TIMEOUT", float)

    @property
    def read_timeout(self) -> float:
        """`READ_TIMEOUT`: seconds to wait for an answer (qalx extension)."""
        return self._typed("READ_TIMEOUT", float)

    @property
    def keyfile(self) -> str | None:
        """`KEYFILE`: the Fernet key file, when files are to be encrypted."""
        return self._optional("KEYFILE", str)

    @property
    def factory_pack_dir(self) -> str:
        """`FACTORY_PACK_DIR`: where factory bot code is packed."""
        return self._typed("FACTORY_PACK_DIR", str)

    @property
    def download_dir(self) -> str:
        """`DOWNLOAD_DIR`: where files are downloaded by default."""
        return self._typed("DOWNLOAD_DIR", str)

    @property
    def region(self) -> str:
        """`REGION` (a bot config gets it at run time, from the user config)."""
        return self._optional("REGION", str) or "eu-west-2"


class UserConfig(Config):
    """The settings of a user session: `QALX_USER_*` environment variables and profiles of
    `~/.qalx`, over the defaults."""

    key_prefix: ClassVar[str] = "QALX_USER_"
    filename: ClassVar[str] = ".qalx"
    #: The region offered by `qalx configure`.
    DEFAULT_REGION: ClassVar[str] = "london"
    #: Region names offered, per provider, and the provider's name for each.
    REGION_MAPPING: ClassVar[dict[str, dict[str, str]]] = {"aws": {"london": "eu-west-2"}}

    @staticmethod
    def _get_logging_details() -> list[dict[str, Any]]:
        return [{"CONFIG_KEY": "LOG_FILE_PATH", "ISFILE": True}]


class BotConfig(Config):
    """The settings of a bot session and its workers: `QALX_BOT_*` environment variables and
    profiles of `~/.bots`, over the defaults. `REGION` cannot be set here: a bot takes the
    region of the user session that starts it."""

    key_prefix: ClassVar[str] = "QALX_BOT_"
    filename: ClassVar[str] = ".bots"
    default_type_map: ClassVar[Mapping[str, Validator]] = {
        **Config.default_type_map,
        "WORKER_LOG_FILE_DIR": _path,
        "SAVE_INTERMITTENT": _bool,
        "SKIP_FINAL_SAVE": _bool,
        "KILL_AFTER": _positive_int,
        "Q_WAITTIMESECONDS": _positive_int,
        "Q_MSGBATCHSIZE": _positive_int,
        "Q_WAITTIMEMAXSPREADING": _positive_int,
        "MSG_WAITTIMESECONDS": _positive_int,
    }

    @property
    def defaults(self) -> dict[str, Any]:
        """The shared defaults without `REGION`, plus the bot-only keys."""
        values = super().defaults
        del values["REGION"]
        values.update(
            {
                "WORKER_LOG_FILE_DIR": _user_log_dir(),
                "SAVE_INTERMITTENT": False,
                "SKIP_FINAL_SAVE": False,
                "KILL_AFTER": None,
                "Q_WAITTIMESECONDS": 20,
                "Q_MSGBATCHSIZE": 1,
                "Q_WAITTIMEMAXSPREADING": 12,
                "MSG_WAITTIMESECONDS": 20,
            }
        )
        return values

    @classmethod
    def _validate(cls, config_dict: dict[str, Any]) -> dict[str, Any]:
        config_dict = super()._validate(config_dict)
        if config_dict.get("REGION"):
            raise QalxConfigError(
                f"REGION cannot be set in a {cls.__name__} (it is {config_dict['REGION']!r}):"
                " a bot uses the region of the user config that starts it"
            )
        return config_dict

    @staticmethod
    def _get_logging_details() -> list[dict[str, Any]]:
        return [{"CONFIG_KEY": "WORKER_LOG_FILE_DIR", "ISFILE": False}]

    @property
    def worker_log_file_dir(self) -> str:
        """`WORKER_LOG_FILE_DIR`: where each worker's log file goes."""
        return self._typed("WORKER_LOG_FILE_DIR", str)

    @property
    def save_intermittent(self) -> bool:
        """`SAVE_INTERMITTENT`: save the entity after every step."""
        return self._typed("SAVE_INTERMITTENT", bool)

    @property
    def skip_final_save(self) -> bool:
        """`SKIP_FINAL_SAVE`: do not save the entity after the last step."""
        return self._typed("SKIP_FINAL_SAVE", bool)

    @property
    def kill_after(self) -> int | None:
        """`KILL_AFTER`: empty polls before a worker exits; `None` for never."""
        return self._optional("KILL_AFTER", int)

    @property
    def q_waittimeseconds(self) -> int:
        """`Q_WAITTIMESECONDS`: the shortest wait after an empty poll."""
        return self._typed("Q_WAITTIMESECONDS", int)

    @property
    def q_msgbatchsize(self) -> int:
        """`Q_MSGBATCHSIZE`: messages asked for in each receive."""
        return self._typed("Q_MSGBATCHSIZE", int)

    @property
    def q_waittimemaxspreading(self) -> int:
        """`Q_WAITTIMEMAXSPREADING`: the longest wait, as a multiple of `Q_WAITTIMESECONDS`."""
        return self._typed("Q_WAITTIMEMAXSPREADING", int)

    @property
    def msg_waittimeseconds(self) -> int:
        """`MSG_WAITTIMESECONDS`: the long-poll time of each receive."""
        return self._typed("MSG_WAITTIMESECONDS", int)


def _writable(key: str, value: str) -> bool:
    """Whether `key=value` reads back from an INI file as the same key and value."""
    return (
        bool(key)
        and key == key.strip()
        and key[0] not in "#;["
        and not any(c in key for c in "=:\r\n")
        and value == value.strip()
        and not any(c in value for c in "\r\n")
    )


def _without_section(text: str, name: str) -> str:
    """`text` without every section headed `[name]` (header to the next header), the rest kept
    byte for byte."""
    kept: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        header = configparser.ConfigParser.SECTCRE.match(line)
        if header:
            skipping = header.group("header") == name
        if not skipping:
            kept.append(line)
    return "".join(kept)


def _write_private(path: str, content: str) -> None:
    """Replace `path` with `content` in one step, mode 0600, creating its directory."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
