"""`Factory`: a plan's validate → pack (→ build → demolish) steps, runtime-contract §6.2."""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qalx.errors import (
    QalxAPIResponseError,
    QalxFactoryPackError,
    QalxFactoryValidationError,
)
from qalx.factories._pack import PackedBot, pack_bot
from qalx.factories._plan import Plan, plan_problems, read_plan, stage_bots

if TYPE_CHECKING:
    from qalx.session import QalxSession

logger = logging.getLogger("qalx.factories")

#: Bots fetched at once while packing (as pyqalx has it).
PACK_WORKERS = 5
PlanPath = str | os.PathLike[str]


class Factory:
    """The steps of a factory plan, run with `session` (a user session).

    :param session: the `QalxSession` the API is reached through
    :param user_profile: the user profile the factory's bots are given (as `-u`)
    :param bot_profile: the bot profile the factory's bots are given (as `-b`)
    :param aws_profile: the AWS profile aws sectors are built with
    """

    def __init__(
        self,
        session: QalxSession,
        user_profile: str = "default",
        bot_profile: str = "default",
        aws_profile: str = "default",
    ) -> None:
        self.session = session
        self.user_profile = user_profile
        self.bot_profile = bot_profile
        self.aws_profile = aws_profile

    # -- validate ------------------------------------------------------------------------------
    def validate(self, plan_path: PlanPath) -> None:
        """Check a plan here (so problems come with their line), then with the API.

        :raises QalxFactoryValidationError: no plan file, or a plan with problems, each
            named by its key path (`factory.bots.solver.source: ... (line 12)`)
        :raises QalxFactoryError: the file is not YAML
        """
        self.checked_plan(plan_path)

    def checked_plan(self, plan_path: PlanPath) -> Plan:
        """`validate`, answering the parsed plan (pack and build start from it)."""
        plan = read_plan(plan_path)
        where = os.fspath(plan_path)
        problems = plan_problems(plan.data)
        if problems:
            heading = f"the plan {where!r} is not valid:"
            raise QalxFactoryValidationError(
                plan.message(heading, [(p.field, p.detail) for p in problems])
            )
        try:
            self.session.factory.validate_plan(plan.data)
        except QalxAPIResponseError as exc:
            raise QalxFactoryValidationError(_refusal(plan, where, exc)) from exc
        return plan

    # -- pack ----------------------------------------------------------------------------------
    def pack(
        self,
        plan_path: PlanPath,
        stage: str | None = None,
        delete: bool = True,
        *,
        on_bot: Callable[[PackedBot], None] | None = None,
    ) -> Path:
        """Validate the plan, then fetch the code of the bots of `stage` (or of every bot)
        into `<FACTORY_PACK_DIR>/builds_<uuid4>/<plan bot name>/`, a few at a time, and check
        that each `bot_path` imports as a `qalx.bot.Bot` (pypi bots are only recorded). The
        build directory is removed at the end unless `delete` is false, and always on failure.

        :param on_bot: called with each bot once it is packed (for progress)
        :returns: the build directory (gone by then when `delete`)
        :raises QalxFactoryPackError: an unknown stage, or a bot that could not be packed
        """
        return self.pack_bots(plan_path, stage, delete, on_bot=on_bot)[0]

    def pack_bots(
        self,
        plan_path: PlanPath,
        stage: str | None = None,
        delete: bool = True,
        *,
        on_bot: Callable[[PackedBot], None] | None = None,
    ) -> tuple[Path, list[PackedBot]]:
        """`pack`, answering the packed bots too (what build needs of them)."""
        plan = self.checked_plan(plan_path)
        stages = plan.factory["stages"]
        if stage is not None and stage not in stages:
            known = ", ".join(map(repr, stages))
            raise QalxFactoryPackError(f"no stage {stage!r} in the plan (it has {known})")
        names = stage_bots(plan, stage)
        build_dir = Path(self.session.config.factory_pack_dir) / f"builds_{uuid.uuid4()}"
        try:
            build_dir.mkdir(parents=True)
        except OSError as exc:
            raise QalxFactoryPackError(f"cannot make the build directory: {exc}") from None
        try:
            packed = self._fetch(plan, names, build_dir, on_bot)
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        if delete:
            shutil.rmtree(build_dir, ignore_errors=True)
        return build_dir, packed

    def _fetch(
        self,
        plan: Plan,
        names: list[str],
        build_dir: Path,
        on_bot: Callable[[PackedBot], None] | None,
    ) -> list[PackedBot]:
        """Every bot is tried, so one failure reports every bot that failed."""
        bots = plan.factory["bots"]
        packed: dict[str, PackedBot] = {}
        failures: list[str] = []
        with ThreadPoolExecutor(PACK_WORKERS, thread_name_prefix="qalx-pack") as pool:
            futures = {pool.submit(pack_bot, name, bots[name], build_dir): name for name in names}
            for future in as_completed(futures):
                name = futures[future]
                try:
                    done = future.result()
                except QalxFactoryPackError as exc:
                    failures.append(str(exc))
                    continue
                except Exception as exc:
                    failures.append(f"bot {name!r}: {type(exc).__name__}: {exc}")
                    continue
                if done.warning:
                    logger.warning("bot %r: %s", name, done.warning)
                packed[name] = done
                if on_bot is not None:
                    on_bot(done)
        if failures:
            raise QalxFactoryPackError("\n".join(["packing failed:", *sorted(failures)]))
        return [packed[name] for name in names]

    # -- build, demolish: not yet ----------------------------------------------------------------
    def build(self, plan_path: PlanPath, stage: str) -> Any:
        """Not built yet: building (code items, stacks, starting the bots) comes next."""
        raise NotImplementedError("Factory.build is not implemented yet (issue 9)")

    def demolish(self, factory_guid: Any) -> None:
        """Not built yet: demolishing comes with build."""
        raise NotImplementedError("Factory.demolish is not implemented yet (issue 9)")


def _refusal(plan: Plan, where: str, exc: QalxAPIResponseError) -> str:
    """The API's refusal, each problem with its line when the answer lists them by field."""
    answer = exc.errors
    listed = answer.get("errors") if isinstance(answer, dict) else None
    heading = f"the API refused the plan {where!r}:"
    if isinstance(listed, list) and listed:
        rows = [(str(e.get("field", "plan")), str(e.get("detail", ""))) for e in listed]
        return plan.message(heading, rows)
    detail = answer.get("detail") if isinstance(answer, dict) else None
    return f"{heading} {detail or exc}"
