"""What the `qalx` commands share: the global profiles, user sessions, SDK errors shown as
messages, `key=value` arguments and `module:attribute` import paths.

Kept light (click and the already-imported `qalx` config only), so `qalx --help` stays fast;
sessions, rich and the bot runtime are imported by the commands that use them.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from qalx.config import BotConfig, UserConfig
from qalx.errors import QalxConfigFileNotFound, QalxConfigProfileNotFound, QalxError

if TYPE_CHECKING:
    from qalx.session import QalxSession


@dataclasses.dataclass(frozen=True)
class Profiles:
    """The group options `-u/--user-profile` and `-b/--bot-profile`, kept on the context."""

    user: str = UserConfig.default
    bot: str = BotConfig.default


def profiles(ctx: click.Context) -> Profiles:
    found = ctx.find_object(Profiles)
    return found if found is not None else Profiles()


@contextmanager
def sdk_errors(what: str | None = None) -> Iterator[None]:
    """A `QalxError` raised inside becomes a `ClickException` with its message (exit 1, no
    traceback), prefixed with `what` when given."""
    try:
        yield
    except QalxError as exc:
        message = str(exc) or type(exc).__name__
        raise click.ClickException(f"{what}: {message}" if what else message) from None


@contextmanager
def user_session(ctx: click.Context) -> Iterator[QalxSession]:
    """A user session on the `-u` profile of ~/.qalx, closed afterwards. As with `qalx queue`,
    the default profile (and the file itself) may be missing when `QALX_USER_*` variables
    configure everything; a named profile must exist."""
    from qalx.session import QalxSession

    profile = profiles(ctx).user
    with sdk_errors():
        try:
            session = QalxSession(profile_name=profile)
        except (QalxConfigFileNotFound, QalxConfigProfileNotFound):
            if profile != UserConfig.default:
                raise
            session = QalxSession(profile_name=profile, skip_ini=True)
    with session:
        if not session.config.token:
            raise click.ClickException(
                f"no TOKEN in the user profile [{profile}]: run `qalx configure` or set"
                " QALX_USER_TOKEN"
            )
        with sdk_errors():
            yield session


def parse_key_value(text: str) -> tuple[str, Any]:
    """`key=value` → (key, value): the key is trimmed, the value JSON-parsed when it parses
    (`n=3` gives 3, `x={"a": 1}` a dict) and kept as the trimmed text otherwise. The value may
    hold `=` itself. Raises ValueError with a message."""
    key, sep, value = text.partition("=")
    key, value = key.strip(), value.strip()
    if not sep or not key:
        raise ValueError(f"{text!r} is not in the form key=value")
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


class KeyValue(click.ParamType[tuple[str, Any]]):
    """A `key=value` argument, parsed by `parse_key_value`."""

    name = "key=value"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, Any]:
        if isinstance(value, tuple):
            return value
        try:
            return parse_key_value(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


KEY_VALUE = KeyValue()


def import_path(value: str) -> Any:
    """The object that `dotted.module:attribute` names, importing the module (the current
    directory is on `sys.path` first, as pyqalx has it). Raises ValueError with a message."""
    expected = "expected the form dotted.module:attribute (for example my_bots.calc:bot)"
    module_name, sep, attribute = value.partition(":")
    if not sep or not module_name or not attribute or ":" in attribute:
        raise ValueError(f"{value!r}: {expected}")
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.append(cwd)
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"cannot import {module_name!r} ({exc}); {expected}") from None
    except Exception as exc:  # the module's own top-level code failed
        raise ValueError(f"importing {module_name!r} failed: {type(exc).__name__}: {exc}") from None
    obj: Any = module
    for part in attribute.split("."):
        if not hasattr(obj, part):
            raise ValueError(f"{attribute!r} not found in module {module_name!r}")
        obj = getattr(obj, part)
    return obj


class ImportPath(click.ParamType[Any]):
    """`dotted.module:attribute` naming a subclass of `base` (a class option), or, with
    `instance`, an instance of it (a bot TARGET). `base` is given as `module:Name` and imported
    only when an argument is converted, so heavy modules stay unloaded for `--help`."""

    name = "module:attribute"

    def __init__(self, base: str, *, instance: bool = False) -> None:
        self.base = base
        self.instance = instance

    def _base(self) -> type[Any]:
        module_name, _, name = self.base.partition(":")
        try:
            cls: type[Any] = getattr(importlib.import_module(module_name), name)
        except (ImportError, AttributeError) as exc:
            raise click.ClickException(
                f"{module_name}.{name} is not available in this installation ({exc})"
            ) from None
        return cls

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        base = self._base()
        if not isinstance(value, str):
            if isinstance(value, base) if self.instance else _subclass(value, base):
                return value
            self.fail(f"{value!r} is not {self._kind()}", param, ctx)
        try:
            found = import_path(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        ok = isinstance(found, base) if self.instance else _subclass(found, base)
        if not ok:
            what = type(found).__name__ if self.instance or not isinstance(found, type) else ""
            got = f"a {what}" if what else f"the class {found.__name__}"
            self.fail(f"{value!r} is {got}, not {self._kind()}", param, ctx)
        return found

    def _kind(self) -> str:
        name = self.base.replace(":", ".")
        return f"an instance of {name}" if self.instance else f"a subclass of {name}"


def _subclass(found: Any, base: type[Any]) -> bool:
    return isinstance(found, type) and issubclass(found, base)
