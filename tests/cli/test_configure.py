"""`qalx configure` and `qalx generate-encryption`: the files a user ends up with."""

from __future__ import annotations

import configparser
import os
import stat
from pathlib import Path

from cryptography.fernet import Fernet

from qalx import BotConfig, UserConfig

from .conftest import qalx

# Answers to the prompts: token, region (default), no key file, don't generate one.
PLAIN = "tok-123\n\nn\nn\n"


def sections(path: Path) -> dict[str, dict[str, str]]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return {name: dict(parser[name]) for name in parser.sections()}


def test_new_profiles(home: Path) -> None:
    result = qalx("configure", "base_url=http://localhost:8000", "retries=3", input=PLAIN)
    assert result.exit_code == 0, result.output
    assert "tok-123" not in result.output  # typed hidden
    assert sections(home / ".qalx") == {
        "default": {
            "BASE_URL": "http://localhost:8000/",
            "RETRIES": "3",
            "TOKEN": "tok-123",
            "REGION": "eu-west-2",
        }
    }
    assert sections(home / ".bots") == {"default": {}}
    assert f"Wrote profile [default] to {home / '.qalx'}" in result.output
    assert stat.S_IMODE(os.stat(home / ".qalx").st_mode) == 0o600
    # the sessions read what was written
    config = UserConfig()
    config.from_inifile("default")
    assert config.token == "tok-123" and config.base_url == "http://localhost:8000/"


def test_named_profiles_and_one_file_only(home: Path) -> None:
    result = qalx("-u", "dev", "configure", "--no-bot", input=PLAIN)
    assert result.exit_code == 0, result.output
    assert list(sections(home / ".qalx")) == ["dev"]
    assert not (home / ".bots").exists()
    result = qalx("-b", "night", "configure", "--no-user")
    assert result.exit_code == 0, result.output
    assert sections(home / ".bots") == {"night": {}}
    assert list(sections(home / ".qalx")) == ["dev"]
    BotConfig().from_inifile("night")  # readable
    result = qalx("configure", "--no-user", "--no-bot")
    assert result.exit_code == 2 and "nothing to configure" in result.output


def test_existing_profile_is_replaced_only_when_confirmed(home: Path) -> None:
    UserConfig.configure("default", {"TOKEN": "old", "LOGGING_LEVEL": "DEBUG"})
    UserConfig.configure("other", {"TOKEN": "keep"})
    before = (home / ".qalx").read_text()

    refused = qalx("configure", "--no-bot", input="n\n")
    assert refused.exit_code == 1
    assert "Profile [default] exists" in refused.output and "Aborted" in refused.output
    assert (home / ".qalx").read_text() == before

    # no answer at all (no terminal) is no
    assert qalx("configure", "--no-bot").exit_code == 1
    assert (home / ".qalx").read_text() == before

    accepted = qalx("configure", "--no-bot", input="y\n" + PLAIN)
    assert accepted.exit_code == 0, accepted.output
    found = sections(home / ".qalx")
    assert found["default"] == {"TOKEN": "tok-123", "REGION": "eu-west-2"}
    assert found["other"] == {"TOKEN": "keep"}


def test_yes_skips_the_confirmation(home: Path) -> None:
    UserConfig.configure("default", {"TOKEN": "old"})
    BotConfig.configure("default", {"KILL_AFTER": 3})
    result = qalx("configure", "--yes", input=PLAIN)
    assert result.exit_code == 0, result.output
    assert "replace it?" not in result.output
    assert sections(home / ".qalx")["default"]["TOKEN"] == "tok-123"
    assert sections(home / ".bots") == {"default": {}}


def test_bot_profile_overwrite_asks_too(home: Path) -> None:
    BotConfig.configure("default", {"KILL_AFTER": 3})
    result = qalx("configure", "--no-user", input="n\n")
    assert result.exit_code == 1 and f"exists in {home / '.bots'}" in result.output
    assert sections(home / ".bots") == {"default": {"KILL_AFTER": "3"}}


def test_given_items_are_not_asked_for(home: Path, tmp_path: Path) -> None:
    key = tmp_path / "my.key"
    key.write_bytes(Fernet.generate_key())
    result = qalx("configure", "--no-bot", "token=abc", "region=london", f"keyfile={key}", input="")
    assert result.exit_code == 0, result.output
    assert sections(home / ".qalx")["default"] == {
        "TOKEN": "abc",
        "REGION": "eu-west-2",
        "KEYFILE": str(key),
    }
    bad = qalx("configure", "--no-bot", "=x")
    assert bad.exit_code == 2 and "not in the form key=value" in bad.output


def test_existing_key_file(home: Path, tmp_path: Path) -> None:
    key = tmp_path / "mine.key"
    key.write_bytes(Fernet.generate_key())
    # a path that does not exist is asked again
    answers = f"tok\n\ny\n{tmp_path / 'nope.key'}\n{key}\n"
    result = qalx("configure", "--no-bot", input=answers)
    assert result.exit_code == 0, result.output
    assert "does not exist" in result.output
    assert sections(home / ".qalx")["default"]["KEYFILE"] == str(key)


def test_generated_key_file(home: Path, tmp_path: Path) -> None:
    key = tmp_path / "keys" / "new.key"
    result = qalx("configure", "--no-bot", input=f"tok\n\nn\ny\n{key}\n")
    assert result.exit_code == 0, result.output
    assert sections(home / ".qalx")["default"]["KEYFILE"] == str(key)
    Fernet(key.read_bytes())  # a real key
    # configure refuses to replace a key file
    UserConfig.configure("default", {"TOKEN": "x"})
    before = key.read_bytes()
    again = qalx("configure", "--no-bot", "--yes", input=f"tok\n\nn\ny\n{key}\n")
    assert again.exit_code == 1 and "exists already" in again.output
    assert key.read_bytes() == before


def test_invalid_values_are_refused(home: Path) -> None:
    result = qalx("configure", "--no-bot", "base_url=ftp://x", input=PLAIN)
    assert result.exit_code == 1
    assert "BASE_URL" in result.output and "Traceback" not in result.output
    assert not (home / ".qalx").exists()


# -- generate-encryption ---------------------------------------------------------------------
def test_generate_encryption_to_a_path(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "qalx.key"
    result = qalx("generate-encryption", "--path", str(path))
    assert result.exit_code == 0, result.output
    assert f"KEYFILE={path}" in result.output
    Fernet(path.read_bytes())
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    before = path.read_bytes()
    again = qalx("generate-encryption", "--path", str(path))
    assert again.exit_code == 1 and f"{path} exists already" in again.output
    assert path.read_bytes() == before


def test_generate_encryption_default_path(home: Path) -> None:
    result = qalx("generate-encryption", input="\n")
    expected = home / ".local" / "share" / "qalx" / "qalx.key"
    assert result.exit_code == 0, result.output
    assert str(expected) in result.output  # offered as the default, then written
    Fernet(expected.read_bytes())
    # the key written is one the SDK reads
    UserConfig.configure("default", {"KEYFILE": str(expected)})
    config = UserConfig()
    config.from_inifile()
    assert config.keyfile == str(expected)
