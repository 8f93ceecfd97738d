"""`qalx.config`: defaults < environment < ini profile, validation of every key, profiles
written and read back from real files in a home directory of the test's own."""

from __future__ import annotations

import configparser
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from qalx.cli.queue import load_user_config
from qalx.config import DEFAULT_BASE_URL, BotConfig, Config, UserConfig
from qalx.errors import QalxConfigError, QalxConfigFileNotFound, QalxConfigProfileNotFound

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux paths")


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


# -- defaults and directories ------------------------------------------------------------------


@linux_only
def test_user_defaults_are_pyqalx_s_with_the_two_timeouts(home: Path) -> None:
    assert dict(UserConfig()) == {
        "TOKEN": None,
        "LOGGING_LEVEL": "ERROR",
        "LOG_FILE_PATH": str(home / ".cache/qalx/log/.qalx.log"),
        "MSG_BLACKOUTSECONDS": 30,
        "MAX_RETRY_500": 2,
        "FACTORY_PACK_DIR": str(home / ".local/share/qalx"),
        "DOWNLOAD_DIR": str(home / ".local/share/qalx"),
        "REGION": "eu-west-2",
        "BASE_URL": "https://api.qalx.net/",
        "CONNECT_TIMEOUT": 10.0,
        "READ_TIMEOUT": 300.0,
    }


@linux_only
def test_bot_defaults_drop_region_and_add_the_worker_keys(home: Path) -> None:
    config = BotConfig()
    assert "REGION" not in config
    assert "KEYFILE" not in config
    assert {k: config[k] for k in config if k not in UserConfig().defaults} == {
        "WORKER_LOG_FILE_DIR": str(home / ".cache/qalx/log"),
        "SAVE_INTERMITTENT": False,
        "SKIP_FINAL_SAVE": False,
        "KILL_AFTER": None,
        "Q_WAITTIMESECONDS": 20,
        "Q_MSGBATCHSIZE": 1,
        "Q_WAITTIMEMAXSPREADING": 12,
        "MSG_WAITTIMESECONDS": 20,
    }
    assert config["LOG_FILE_PATH"] == str(home / ".cache/qalx/log/.qalx.log")


@linux_only
def test_directories_follow_the_xdg_variables(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "c"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "d"))
    config = BotConfig()
    assert config["WORKER_LOG_FILE_DIR"] == str(home / "c/qalx/log")
    assert config["DOWNLOAD_DIR"] == str(home / "d/qalx")


def test_config_path_is_in_the_home_directory_at_call_time(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert UserConfig.config_path() == str(home / ".qalx")
    assert BotConfig.config_path() == str(home / ".bots")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert UserConfig.config_path() == str(tmp_path / ".qalx")


def test_class_constants() -> None:
    assert (UserConfig.key_prefix, UserConfig.filename) == ("QALX_USER_", ".qalx")
    assert (BotConfig.key_prefix, BotConfig.filename) == ("QALX_BOT_", ".bots")
    assert UserConfig.default == BotConfig.default == Config.default == "default"
    assert UserConfig.DEFAULT_REGION == "london"
    assert UserConfig.REGION_MAPPING == {"aws": {"london": "eu-west-2"}}
    assert isinstance(UserConfig(), dict)


# -- precedence --------------------------------------------------------------------------------


def test_env_overrides_defaults_and_ini_overrides_env(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QALX_USER_MAX_RETRY_500", "5")
    monkeypatch.setenv("QALX_USER_TOKEN", "from-env")
    monkeypatch.setenv("QALX_USER_EMPLOYEE_NUMBER", "1280937")
    monkeypatch.setenv("QALX_BOT_TOKEN", "bot-env")
    config = UserConfig()
    assert config["MAX_RETRY_500"] == 5  # validated: parsed to int
    assert config["TOKEN"] == "from-env"
    assert config["EMPLOYEE_NUMBER"] == "1280937"  # not in the type map: kept as a string
    assert config["MSG_BLACKOUTSECONDS"] == 30
    write(home / ".qalx", "[default]\nTOKEN=from-ini\nMSG_BLACKOUTSECONDS=45\n")
    config.from_inifile()
    assert (config["TOKEN"], config["MAX_RETRY_500"], config["MSG_BLACKOUTSECONDS"]) == (
        "from-ini",
        5,
        45,
    )
    assert BotConfig()["TOKEN"] == "bot-env"


def test_env_prefix_is_removed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QALX_BOT_QALX_BOT_X", "1")
    assert BotConfig()["QALX_BOT_X"] == "1"


def test_ini_keys_keep_their_case_and_percent_is_literal(home: Path) -> None:
    write(home / ".bots", "[default]\nLicence_File=/x/%(y)s\n")
    config = BotConfig()
    config.from_inifile()
    assert config["Licence_File"] == "/x/%(y)s"
    assert "licence_file" not in config


def test_named_profile_is_read(home: Path) -> None:
    write(home / ".qalx", "[default]\nTOKEN=a\n\n[staging]\nTOKEN=b\nBASE_URL=http://x:8000\n")
    config = UserConfig()
    config.from_inifile("staging")
    assert (config.token, config.base_url) == ("b", "http://x:8000/")


# -- validation of every key -------------------------------------------------------------------

GOOD: list[tuple[type[Config], str, str, Any]] = [
    (UserConfig, "TOKEN", "abc", "abc"),
    (UserConfig, "LOGGING_LEVEL", "debug", "DEBUG"),
    (UserConfig, "LOGGING_LEVEL", "Warning", "WARNING"),
    (UserConfig, "LOGGING_LEVEL", "NOTSET", "NOTSET"),
    (UserConfig, "LOG_FILE_PATH", "/var/log/q.log", "/var/log/q.log"),
    (UserConfig, "MSG_BLACKOUTSECONDS", "1", 1),
    (UserConfig, "MAX_RETRY_500", " 7 ", 7),
    (UserConfig, "FACTORY_PACK_DIR", "/srv/pack", "/srv/pack"),
    (UserConfig, "DOWNLOAD_DIR", "/srv/dl", "/srv/dl"),
    (UserConfig, "REGION", "eu-west-1", "eu-west-1"),
    (UserConfig, "BASE_URL", "https://api.qalx.net", "https://api.qalx.net/"),
    (UserConfig, "BASE_URL", "http://127.0.0.1:8000/", "http://127.0.0.1:8000/"),
    (UserConfig, "CONNECT_TIMEOUT", "2.5", 2.5),
    (UserConfig, "READ_TIMEOUT", "60", 60.0),
    (BotConfig, "CONNECT_TIMEOUT", "0.1", 0.1),
    (BotConfig, "WORKER_LOG_FILE_DIR", "/srv/logs", "/srv/logs"),
    (BotConfig, "SAVE_INTERMITTENT", "on", True),
    (BotConfig, "SAVE_INTERMITTENT", "off", False),
    (BotConfig, "SAVE_INTERMITTENT", "Yes", True),
    (BotConfig, "SKIP_FINAL_SAVE", "no", False),
    (BotConfig, "SKIP_FINAL_SAVE", "true", True),
    (BotConfig, "SKIP_FINAL_SAVE", "0", False),
    (BotConfig, "SKIP_FINAL_SAVE", "1", True),
    (BotConfig, "SKIP_FINAL_SAVE", "FALSE", False),
    (BotConfig, "KILL_AFTER", "3", 3),
    (BotConfig, "Q_WAITTIMESECONDS", "1", 1),
    (BotConfig, "Q_MSGBATCHSIZE", "10", 10),
    (BotConfig, "Q_WAITTIMEMAXSPREADING", "2", 2),
    (BotConfig, "MSG_WAITTIMESECONDS", "20", 20),
]

BAD: list[tuple[type[Config], str, str, str]] = [
    (UserConfig, "LOGGING_LEVEL", "LOUD", "one of CRITICAL"),
    (UserConfig, "LOGGING_LEVEL", "", "one of CRITICAL"),
    (UserConfig, "LOG_FILE_PATH", "", "a path"),
    (UserConfig, "MSG_BLACKOUTSECONDS", "0", "at least 1"),
    (UserConfig, "MAX_RETRY_500", "two", "at least 1"),
    (UserConfig, "MAX_RETRY_500", "2.5", "at least 1"),
    (UserConfig, "FACTORY_PACK_DIR", " ", "a path"),
    (UserConfig, "DOWNLOAD_DIR", "", "a path"),
    (UserConfig, "KEYFILE", "/no/such/key", "existing file"),
    (UserConfig, "BASE_URL", "api.qalx.net", "http"),
    (UserConfig, "BASE_URL", "https://", "http"),
    (UserConfig, "CONNECT_TIMEOUT", "0", "greater than 0"),
    (UserConfig, "CONNECT_TIMEOUT", "soon", "greater than 0"),
    (UserConfig, "READ_TIMEOUT", "-1", "greater than 0"),
    (UserConfig, "READ_TIMEOUT", "inf", "greater than 0"),
    (BotConfig, "WORKER_LOG_FILE_DIR", "", "a path"),
    (BotConfig, "SAVE_INTERMITTENT", "maybe", "true/false"),
    (BotConfig, "SKIP_FINAL_SAVE", "2", "true/false"),
    (BotConfig, "KILL_AFTER", "0", "at least 1"),
    (BotConfig, "Q_WAITTIMESECONDS", "-3", "at least 1"),
    (BotConfig, "Q_MSGBATCHSIZE", "x", "at least 1"),
    (BotConfig, "Q_WAITTIMEMAXSPREADING", "0", "at least 1"),
    (BotConfig, "MSG_WAITTIMESECONDS", "1.5", "at least 1"),
]


@pytest.mark.parametrize(("cls", "key", "raw", "parsed"), GOOD)
def test_good_values_are_parsed_from_env_and_ini(
    cls: type[Config],
    key: str,
    raw: str,
    parsed: Any,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(f"{cls.key_prefix}{key}", raw)
    from_env = cls()
    assert from_env[key] == parsed and type(from_env[key]) is type(parsed)
    monkeypatch.delenv(f"{cls.key_prefix}{key}")
    write(home / cls.filename, f"[default]\n{key}={raw}\n")
    from_ini = cls()
    from_ini.from_inifile()
    assert from_ini[key] == parsed and type(from_ini[key]) is type(parsed)


@pytest.mark.parametrize(("cls", "key", "raw", "expected"), BAD)
def test_bad_values_are_refused_naming_key_value_and_expectation(
    cls: type[Config],
    key: str,
    raw: str,
    expected: str,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(f"{cls.key_prefix}{key}", raw)
    with pytest.raises(QalxConfigError) as from_env:
        cls()
    monkeypatch.delenv(f"{cls.key_prefix}{key}")
    write(home / cls.filename, f"[default]\n{key}={raw}\n")
    config = cls()
    with pytest.raises(QalxConfigError) as from_ini:
        config.from_inifile()
    with pytest.raises(QalxConfigError) as from_configure:
        cls.configure("other", {key: raw})
    for error in (from_env, from_ini, from_configure):
        message = str(error.value)
        assert key in message and expected in message
        if raw.strip():  # (an INI file strips blanks around values)
            assert repr(raw) in message


def test_non_string_values_are_validated_too() -> None:
    assert BotConfig.validate({"KILL_AFTER": 4, "SAVE_INTERMITTENT": True}) == {
        "KILL_AFTER": 4,
        "SAVE_INTERMITTENT": True,
    }
    assert UserConfig.validate({"READ_TIMEOUT": 5})["READ_TIMEOUT"] == 5.0
    for bad in ({"KILL_AFTER": True}, {"KILL_AFTER": 2.0}, {"READ_TIMEOUT": False}):
        with pytest.raises(QalxConfigError):
            BotConfig.validate(bad)
    assert UserConfig.validate({"LOG_FILE_PATH": Path("/a/b")}) == {"LOG_FILE_PATH": "/a/b"}


def test_none_values_skip_validation() -> None:
    assert BotConfig.validate({"KILL_AFTER": None, "KEYFILE": None}) == {
        "KILL_AFTER": None,
        "KEYFILE": None,
    }


def test_validate_returns_a_copy() -> None:
    items = {"MAX_RETRY_500": "3"}
    assert UserConfig.validate(items) == {"MAX_RETRY_500": 3}
    assert items == {"MAX_RETRY_500": "3"}


def test_keyfile_must_be_an_existing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "qalx.key"
    key.write_bytes(b"k")
    monkeypatch.setenv("QALX_USER_KEYFILE", str(key))
    assert UserConfig().keyfile == str(key)
    monkeypatch.setenv("QALX_USER_KEYFILE", str(tmp_path))  # a directory
    with pytest.raises(QalxConfigError, match="KEYFILE"):
        UserConfig()


def test_region_cannot_be_set_in_a_bot_config(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QALX_BOT_REGION", "eu-west-1")
    with pytest.raises(QalxConfigError, match="REGION"):
        BotConfig()
    monkeypatch.delenv("QALX_BOT_REGION")
    write(home / ".bots", "[default]\nREGION=eu-west-1\n")
    config = BotConfig()
    with pytest.raises(QalxConfigError, match="REGION"):
        config.from_inifile()
    with pytest.raises(QalxConfigError, match="REGION"):
        BotConfig.configure("default", {"REGION": "eu-west-1"})
    UserConfig.configure("default", {"REGION": "eu-west-1"})  # fine for a user


# -- reading profiles: errors ------------------------------------------------------------------


def test_missing_file_names_the_path(home: Path) -> None:
    with pytest.raises(QalxConfigFileNotFound) as error:
        UserConfig().from_inifile()
    assert str(home / ".qalx") in str(error.value)
    assert isinstance(error.value, QalxConfigError)


def test_missing_profile_names_profile_file_and_profiles_found(home: Path) -> None:
    write(home / ".bots", "[default]\nKILL_AFTER=1\n\n[fast]\n")
    with pytest.raises(QalxConfigProfileNotFound) as error:
        BotConfig().from_inifile("slow")
    message = str(error.value)
    assert "'slow'" in message and str(home / ".bots") in message
    assert "default" in message and "fast" in message and "DEFAULT" in message


def test_unreadable_file_is_a_config_error(home: Path) -> None:
    write(home / ".qalx", "TOKEN=outside any section\n")
    with pytest.raises(QalxConfigError, match=r"\.qalx"):
        UserConfig().from_inifile()


def test_duplicate_sections_read_with_the_later_values(home: Path) -> None:
    write(home / ".qalx", "[default]\nTOKEN=old\n[default]\nTOKEN=new\n")
    config = UserConfig()
    config.from_inifile()
    assert config.token == "new"


# -- configure ---------------------------------------------------------------------------------


def test_configure_creates_a_private_file_that_reads_back(home: Path) -> None:
    UserConfig.configure("default", {"TOKEN": "secret", "LOGGING_LEVEL": "info", "KEYFILE": None})
    path = home / ".qalx"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == "[default]\nTOKEN=secret\nLOGGING_LEVEL=INFO\n"
    config = UserConfig()
    config.from_inifile()
    assert (config.token, config.logging_level) == ("secret", "INFO")
    assert "KEYFILE" not in config
    assert os.listdir(home) == [".qalx"]  # no temporary file left behind


def test_configure_with_no_items_writes_an_empty_profile(home: Path) -> None:
    BotConfig.configure("default")
    assert (home / ".bots").read_text() == "[default]\n"
    BotConfig().from_inifile()


def test_configure_replaces_the_profile_and_keeps_the_rest(home: Path) -> None:
    before = "# my settings\n[first]\nTOKEN=one\n\n[default]\nTOKEN=old\nEXTRA=x\n\n[last]\nA=1\n"
    write(home / ".qalx", before)
    os.chmod(home / ".qalx", 0o644)
    UserConfig.configure("default", {"TOKEN": "new"})
    text = (home / ".qalx").read_text()
    assert text == "# my settings\n[first]\nTOKEN=one\n\n[last]\nA=1\n\n[default]\nTOKEN=new\n"
    assert stat.S_IMODE((home / ".qalx").stat().st_mode) == 0o600
    strict = configparser.ConfigParser(interpolation=None, strict=True)
    strict.optionxform = str  # type: ignore[assignment,method-assign]
    strict.read_string(text)
    assert strict.sections() == ["first", "last", "default"]
    assert dict(strict["default"]) == {"TOKEN": "new"}


def test_configure_cleans_up_duplicate_sections(home: Path) -> None:
    write(home / ".qalx", "[default]\nTOKEN=a\n[other]\nB=2\n[default]\nTOKEN=b\n")
    UserConfig.configure("default", {"TOKEN": "c"})
    assert (home / ".qalx").read_text() == "[other]\nB=2\n\n[default]\nTOKEN=c\n"


def test_configure_writes_validated_values(home: Path) -> None:
    BotConfig.configure("b", {"SAVE_INTERMITTENT": "on", "KILL_AFTER": "4"})
    assert (home / ".bots").read_text() == "[b]\nSAVE_INTERMITTENT=True\nKILL_AFTER=4\n"
    config = BotConfig()
    config.from_inifile("b")
    assert config.save_intermittent is True and config.kill_after == 4


def test_configure_refuses_what_would_not_read_back(home: Path) -> None:
    write(home / ".qalx", "[default]\nTOKEN=keep\n")
    for name, items in [
        ("default", {"TOKEN": "a\nb"}),
        ("default", {"A=B": "c"}),
        ("default", {"#A": "c"}),
        ("bad]name", {}),
        ("", {}),
        ("default", {"MAX_RETRY_500": "0"}),
    ]:
        with pytest.raises(QalxConfigError):
            UserConfig.configure(name, items)
    assert (home / ".qalx").read_text() == "[default]\nTOKEN=keep\n"


def test_configure_follows_a_symlinked_file(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "real.ini"
    write(target, "[x]\nA=1\n")
    (home / ".qalx").symlink_to(target)
    UserConfig.configure("default", {"TOKEN": "t"})
    assert (home / ".qalx").is_symlink()
    assert target.read_text() == "[x]\nA=1\n\n[default]\nTOKEN=t\n"


# -- typed reads -------------------------------------------------------------------------------


def test_typed_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QALX_USER_TOKEN", "t")
    monkeypatch.setenv("QALX_USER_BASE_URL", "http://localhost:8000")
    config = UserConfig()
    assert config.token == "t"
    assert config.base_url == "http://localhost:8000/"
    assert config.max_retry_500 == 2
    assert config.connect_timeout == 10.0 and config.read_timeout == 300.0
    assert config.keyfile is None
    assert config.logging_level == "ERROR" and config.logging_level_number == 40
    assert config.region == "eu-west-2"
    assert config.msg_blackoutseconds == 30
    assert config.log_file_path.endswith(".qalx.log")
    assert config.download_dir == config.factory_pack_dir
    # Values set after loading are parsed when read, and a bad one is still refused.
    config["MAX_RETRY_500"] = "9"
    config["LOGGING_LEVEL"] = "info"
    assert config.max_retry_500 == 9 and config.logging_level == "INFO"
    config["READ_TIMEOUT"] = "never"
    with pytest.raises(QalxConfigError, match="READ_TIMEOUT"):
        _ = config.read_timeout
    config["BASE_URL"] = None
    assert config.base_url == DEFAULT_BASE_URL


def test_bot_typed_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QALX_BOT_KILL_AFTER", "2")
    config = BotConfig()
    assert config.kill_after == 2
    assert config.save_intermittent is False and config.skip_final_save is False
    assert (config.q_waittimeseconds, config.q_msgbatchsize) == (20, 1)
    assert (config.q_waittimemaxspreading, config.msg_waittimeseconds) == (12, 20)
    assert config.worker_log_file_dir
    assert config.region == "eu-west-2"  # until Bot.start copies the user's REGION in
    config["REGION"] = "eu-west-1"
    assert config.region == "eu-west-1"
    del config["KILL_AFTER"]
    assert config.kill_after is None


def test_repr_hides_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QALX_USER_TOKEN", "very-secret")
    text = repr(UserConfig())
    assert text.startswith("<UserConfig {") and "very-secret" not in text and "'***'" in text


def test_bare_config_takes_nothing_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOMETHING_ELSE", "x")
    assert "SOMETHING_ELSE" not in Config()


# -- log directories ---------------------------------------------------------------------------


def test_user_config_creates_the_log_file_s_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QALX_USER_LOG_FILE_PATH", str(tmp_path / "a/b/q.log"))
    UserConfig().create_log_directories()
    assert (tmp_path / "a/b").is_dir() and not (tmp_path / "a/b/q.log").exists()


def test_bot_config_creates_the_worker_log_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QALX_BOT_WORKER_LOG_FILE_DIR", str(tmp_path / "w/logs"))
    BotConfig()._create_log_directories()
    assert (tmp_path / "w/logs").is_dir()


def test_log_path_of_the_wrong_kind_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QALX_USER_LOG_FILE_PATH", str(tmp_path))  # a directory, not a file
    with pytest.raises(QalxConfigError, match="LOG_FILE_PATH"):
        UserConfig().create_log_directories()
    a_file = tmp_path / "f"
    a_file.write_text("")
    monkeypatch.setenv("QALX_BOT_WORKER_LOG_FILE_DIR", str(a_file))
    with pytest.raises(QalxConfigError, match="WORKER_LOG_FILE_DIR"):
        BotConfig().create_log_directories()


def test_log_directory_that_cannot_be_created_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "f"
    blocker.write_text("")
    monkeypatch.setenv("QALX_USER_LOG_FILE_PATH", str(blocker / "sub/q.log"))
    with pytest.raises(QalxConfigError, match=r"LOG_FILE_PATH.*cannot be created"):
        UserConfig().create_log_directories()
    monkeypatch.setenv("QALX_BOT_WORKER_LOG_FILE_DIR", str(blocker / "sub"))
    with pytest.raises(QalxConfigError, match=r"WORKER_LOG_FILE_DIR.*cannot be created"):
        BotConfig().create_log_directories()


def test_bare_config_has_no_log_directories() -> None:
    with pytest.raises(QalxConfigError):
        Config().create_log_directories()


# -- the queue CLI's loading -------------------------------------------------------------------


def test_cli_default_profile_may_be_absent(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QALX_USER_TOKEN", "t")
    assert load_user_config("default").token == "t"  # no file at all
    write(home / ".qalx", "[other]\nTOKEN=o\n")
    assert load_user_config("default").token == "t"  # file, but no [default]
    assert load_user_config("other").token == "o"
    with pytest.raises(QalxConfigProfileNotFound):
        load_user_config("missing")
    (home / ".qalx").unlink()
    with pytest.raises(QalxConfigFileNotFound):
        load_user_config("other")
