"""The seam between a build and the places bots run: one `Provider` per sector type.

`Factory.build` packs the code, creates the factory entity and the code items, then hands each
provider the stage's sectors of its type (`local` here; `aws` from `qalx.factories._aws`, which
ships separately). A provider starts every bot of its sectors **stopped** and returns once
they are up; whatever demolish needs later (a supervisor's pid, stack ids) it hands to
`Context.record` as soon as it exists, so a build that fails halfway can still be cleaned up.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from qalx.errors import QalxFactoryBuildError
from qalx.factories._pack import PackedBot

if TYPE_CHECKING:
    from qalx.entities import Factory as FactoryEntity
    from qalx.session import QalxSession

AWS_PROVIDER = "qalx.factories._aws"
"""Where the AWS provider lives once it is installed (its class: `AwsProvider`)."""


@dataclasses.dataclass(frozen=True)
class SectorBot:
    """One bot of a sector: its plan name, the sector's bot-start options for it, the next
    bots of the stage's workflow, and its packed code and code item."""

    name: str
    options: Mapping[str, Any]
    bot_path: str
    requirements_path: str | None
    workflow: tuple[str, ...]
    packed: PackedBot
    code_item: Any
    code_hash: str | None


@dataclasses.dataclass(frozen=True)
class Sector:
    """A named group of bots that run together on one machine; `settings` is the sector's
    plan mapping (type, region_name, parameters, ...)."""

    name: str
    kind: str
    settings: Mapping[str, Any]
    bots: tuple[SectorBot, ...]


@dataclasses.dataclass
class Context:
    """What a provider is given: the session, the factory entity, the stage and build dir,
    the profiles the bots run with, and where progress and records go. `plan` is the parsed
    plan at build (empty at demolish, which works from the records alone)."""

    session: QalxSession
    factory: FactoryEntity
    stage: str
    build_dir: Path
    user_profile: str = "default"
    bot_profile: str = "default"
    aws_profile: str = "default"
    shared_environment: bool = False
    venv_root: Path | None = None
    progress: Callable[[str], None] = lambda _: None
    record: Callable[[str, Mapping[str, Any]], None] = lambda _k, _r: None
    plan: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def factory_guid(self) -> str:
        return str(self.factory["guid"])


class Provider(Protocol):
    """Builds and demolishes the sectors of one type."""

    kind: str

    def build(self, context: Context, sectors: Sequence[Sector]) -> None:
        """Start every bot of `sectors` stopped, `context.record` what demolish needs, and
        return once they are up; `QalxFactoryBuildError` names what failed."""

    def wait_stopped(
        self, context: Context, record: Mapping[str, Any], names: Sequence[str], timeout: float
    ) -> list[str]:
        """Wait (up to `timeout` s) until the bots `names` have ended after a warm terminate;
        answer those still running."""

    def demolish(self, context: Context, record: Mapping[str, Any]) -> None:
        """Take down what `build` made from its record (after the bots were terminated)."""


def provider_for(kind: str) -> Provider:
    """The provider of sector type `kind`."""
    if kind == "local":
        from qalx.factories._local import LocalProvider

        return LocalProvider()
    if kind == "aws":
        try:
            module = importlib.import_module(AWS_PROVIDER)
        except ImportError:
            raise QalxFactoryBuildError("aws sectors need the AWS provider") from None
        return cast(Provider, module.AwsProvider())
    raise QalxFactoryBuildError(f"no provider for sectors of type {kind!r}")
