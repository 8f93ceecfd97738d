"""`Factory`: a plan's validate → pack (→ build → demolish) steps, runtime-contract §6.2."""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qalx.errors import (
    QalxAPIResponseError,
    QalxError,
    QalxFactoryBuildError,
    QalxFactoryDemolishError,
    QalxFactoryPackError,
    QalxFactoryValidationError,
)
from qalx.factories._code import code_hash, zip_code
from qalx.factories._launch import FACTORY_CLASS, bot_query, factory_meta
from qalx.factories._pack import PackedBot, pack_bot
from qalx.factories._plan import Plan, plan_problems, read_plan, stage_bots, stage_sectors
from qalx.factories._provider import Context, Sector, SectorBot, provider_for
from qalx.factories._tree import breadth_first, stage_tree

if TYPE_CHECKING:
    from qalx.entities import Bot as BotEntity
    from qalx.entities import Factory as FactoryEntity
    from qalx.session import QalxSession

logger = logging.getLogger("qalx.factories")

#: Bots fetched at once while packing (as pyqalx has it).
PACK_WORKERS = 5
PlanPath = str | os.PathLike[str]
DEPLOYED = "deployed"
DELETING = "deleting"
RECORD_KEY = "qalx"
"""The factory meta key under which each provider's record is kept (`qalx.local`, ...)."""
STOP_TIMEOUT = 60.0
"""How long demolish waits for one workflow level's bots to end after a warm terminate."""


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
        return self._pack(self.checked_plan(plan_path), stage, delete, on_bot)

    def _pack(
        self,
        plan: Plan,
        stage: str | None,
        delete: bool,
        on_bot: Callable[[PackedBot], None] | None,
    ) -> tuple[Path, list[PackedBot]]:
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

    # -- build ---------------------------------------------------------------------------------
    def build(
        self,
        plan_path: PlanPath,
        stage: str,
        *,
        shared_environment: bool = False,
        venv_root: PlanPath | None = None,
        on_progress: Callable[[str], None] | None = None,
    ) -> FactoryEntity:
        """Deploy `stage` of a plan (runtime-contract §6.2): pack its bots (keeping the build
        dir), add the plan's tags to the session, create the factory entity (the plan file
        uploaded) and a code item per bot, start the sectors' bots stopped through their
        providers, then record the bots on the entity, resume them all and mark it
        `deployed`.

        :param shared_environment: install the bots into this environment, as pyqalx does,
            instead of a virtualenv per bot's code (under `venv_root`, by default the user
            cache dir's `bot-venvs`)
        :param on_progress: called with a line for each step (for progress)
        :returns: the deployed factory entity
        :raises QalxFactoryBuildError: naming what failed; what was made is demolished
            first, unless the plan's `debug.demolish_on_failure` is false
        """
        progress = on_progress or _quiet
        plan = self.checked_plan(plan_path)
        if stage not in plan.factory["stages"]:
            known = ", ".join(map(repr, plan.factory["stages"]))
            raise QalxFactoryBuildError(f"no stage {stage!r} in the plan (it has {known})")
        build_dir, packed = self._pack(
            plan, stage, False, lambda bot: progress(f"packed {bot.name}")
        )
        factory = plan.factory
        debug = factory.get("debug") or {}
        demolish_on_failure = debug.get("demolish_on_failure", True) is not False
        try:
            for name, value in (factory.get("tags") or {}).items():
                self.session.tags.add(str(name), str(value))
            meta = {**(factory.get("meta") or {}), "pyqalx": {"build_path": build_dir.name}}
            entity = self.session.factory.add(
                str(factory["name"]),
                source=os.fspath(plan_path),
                meta=meta,
                stage=stage,
                data={},
                encrypt=False,
                file_key="plan",
            )
        except BaseException as exc:
            shutil.rmtree(build_dir, ignore_errors=True)
            if isinstance(exc, QalxError):
                raise QalxFactoryBuildError(f"creating the factory failed: {exc}") from exc
            raise
        progress(f"factory {entity.guid} created")
        context = self._context(entity, stage, build_dir, progress)
        context.shared_environment = shared_environment
        context.plan = plan.data
        context.venv_root = Path(venv_root) if venv_root is not None else None
        try:
            return self._deploy(plan, stage, packed, context)
        except BaseException as exc:
            cause = str(exc) if isinstance(exc, QalxError) else f"{type(exc).__name__}: {exc}"
            if demolish_on_failure:
                progress("build failed: demolishing what was made")
                try:
                    self._demolish(entity, context)
                except Exception as again:
                    cause += f"\n(and demolishing it failed: {again})"
            else:
                cause += f"\n(kept for debugging: factory {entity.guid}, build dir {build_dir})"
            if isinstance(exc, Exception):
                raise QalxFactoryBuildError(
                    f"building {factory['name']!r} failed: {cause}"
                ) from exc
            raise

    def _context(
        self, entity: FactoryEntity, stage: str, build_dir: Path, progress: Callable[[str], None]
    ) -> Context:
        def record(kind: str, found: Mapping[str, Any]) -> None:
            """Each provider's record goes onto the entity at once (demolish reads it)."""
            meta = dict(entity.get("meta") or {})
            meta[RECORD_KEY] = {**(meta.get(RECORD_KEY) or {}), kind: dict(found)}
            entity["meta"] = meta
            saved = self.session.factory.save(entity)
            entity["meta"] = saved.get("meta", meta)

        return Context(
            session=self.session,
            factory=entity,
            stage=stage,
            build_dir=build_dir,
            user_profile=self.user_profile,
            bot_profile=self.bot_profile,
            aws_profile=self.aws_profile,
            progress=progress,
            record=record,
        )

    def _deploy(
        self, plan: Plan, stage: str, packed: list[PackedBot], context: Context
    ) -> FactoryEntity:
        entity = context.factory
        code = self._code_items(plan, stage, packed, context)
        _roots, children = stage_tree(plan, stage)
        by_kind: dict[str, list[Sector]] = {}
        for name, sector in stage_sectors(plan, stage).items():
            bots = tuple(
                SectorBot(
                    name=bot,
                    options=dict(options or {}),
                    bot_path=str(plan.factory["bots"][bot]["bot_path"]),
                    requirements_path=plan.factory["bots"][bot].get("requirements_path"),
                    workflow=tuple(children.get(bot, [])),
                    packed=code[bot][0],
                    code_item=code[bot][1],
                    code_hash=code[bot][2],
                )
                for bot, options in (sector.get("bots") or {}).items()
            )
            kind = str(sector.get("type"))
            by_kind.setdefault(kind, []).append(Sector(name, kind, sector, bots))
        providers = {kind: provider_for(kind) for kind in by_kind}  # aws missing: fail first
        for kind, sectors in by_kind.items():
            context.progress(f"starting the {kind} sectors: {', '.join(s.name for s in sectors)}")
            providers[kind].build(context, sectors)
        records = []
        for name, (_, item, _) in code.items():
            for bot in self._bots(context.factory_guid, name):
                records.append({"code": item, "bot": bot.guid})
                self.session.bot.resume(bot)
        entity["bots"] = records
        entity["status"] = DEPLOYED
        saved = self.session.factory.save(entity)
        context.progress(f"factory {entity.guid} deployed: {len(records)} bot(s) resumed")
        return saved

    def _code_items(
        self, plan: Plan, stage: str, packed: list[PackedBot], context: Context
    ) -> dict[str, tuple[PackedBot, Any, str | None]]:
        """A code item per bot: the zip of its code (with its md5 hash), or no file for a
        pypi bot; each with the factory meta."""
        specs: list[dict[str, Any]] = []
        hashes: list[str | None] = []
        for bot in packed:
            meta: dict[str, Any] = {
                "_class": FACTORY_CLASS,
                "pyqalx": factory_meta(stage, context.factory_guid, bot.name),
            }
            spec: dict[str, Any] = {"data": {"source": bot.source}, "meta": meta}
            digest = None
            if bot.directory is not None:
                digest = code_hash(bot.directory)
                target = zip_code(bot.directory, context.build_dir / f"{bot.name}.zip")
                spec["source"] = str(target)
            else:
                spec["data"]["requirement"] = bot.requirement
            meta["md5_hash"] = digest
            hashes.append(digest)
            specs.append(spec)
        made = self.session.item.add_many(specs, encrypt=False)
        if made["errors"]:
            raise QalxFactoryBuildError(f"storing the bots' code failed: {made['errors']}")
        context.progress(f"{len(packed)} code item(s) stored")
        return {
            bot.name: (bot, item.guid, digest)
            for bot, item, digest in zip(packed, made.data, hashes, strict=True)
        }

    def _bots(self, factory_guid: str, plan_bot_name: str | None = None) -> list[BotEntity]:
        return list(
            self.session.bot.find_all(
                bot_query(factory_guid, plan_bot_name), include_session_tags=False
            )
        )

    # -- demolish ------------------------------------------------------------------------------
    def demolish(
        self, factory_guid: Any, *, on_progress: Callable[[str], None] | None = None
    ) -> None:
        """Take a factory down (runtime-contract §6.2): status `deleting`; warm-terminate its
        bots breadth-first along the stage's workflow, waiting (at most `STOP_TIMEOUT` s a
        level) for them to end; stop what the providers made; delete the factory's bots and
        code items, the entity and the local build dir. Bot venvs stay cached for the next
        build of the same code.

        :raises QalxFactoryDemolishError: no such factory, or a step that failed
        """
        progress = on_progress or _quiet
        try:
            entity = self.session.factory.get(factory_guid)
        except QalxError as exc:
            raise QalxFactoryDemolishError(f"no factory {factory_guid}: {exc}") from exc
        build_dir = Path(self.session.config.factory_pack_dir) / str(
            ((entity.get("meta") or {}).get("pyqalx") or {}).get("build_path") or "-"
        )
        context = self._context(entity, str(entity.get("stage")), build_dir, progress)
        try:
            self._demolish(entity, context)
        except QalxFactoryDemolishError:
            raise
        except QalxError as exc:
            raise QalxFactoryDemolishError(f"demolishing {entity.guid} failed: {exc}") from exc

    def _demolish(self, entity: FactoryEntity, context: Context) -> None:
        guid = context.factory_guid
        progress = context.progress
        entity["status"] = DELETING
        self.session.factory.save(entity)
        records: Mapping[str, Any] = (entity.get("meta") or {}).get(RECORD_KEY) or {}
        providers = {kind: (provider_for(kind), record) for kind, record in records.items()}
        names = list(dict.fromkeys(
            str(((b.get("meta") or {}).get("pyqalx") or {}).get("plan_bot_name"))
            for b in self._bots(guid)
        ))  # fmt: skip
        roots, children = self._tree(entity)
        for level in breadth_first(roots, children, names):
            level = [name for name in level if name in names]
            if not level:
                continue
            for name in level:
                for bot in self._bots(guid, name):
                    if bot.workers:
                        self.session.bot.terminate(bot, warm=True)
            progress(f"terminated {', '.join(level)}")
            for provider, record in providers.values():
                left = provider.wait_stopped(context, record, level, STOP_TIMEOUT)
                if left:
                    progress(f"still running after {STOP_TIMEOUT:.0f} s: {', '.join(left)}")
        for kind, (provider, record) in providers.items():
            provider.demolish(context, record)
            progress(f"{kind} sectors taken down")
        for bot in self._bots(guid):
            self.session.bot.delete(bot)
        items = list(self.session.item.find_all(bot_query(guid), include_session_tags=False))
        for item in items:
            self.session.item.delete(item)
        self.session.factory.delete(entity)
        shutil.rmtree(context.build_dir, ignore_errors=True)
        progress(f"factory {guid} demolished ({len(names)} bot(s), {len(items)} code item(s))")

    def _tree(self, entity: FactoryEntity) -> tuple[list[str], dict[str, list[str]]]:
        """The stage's workflow, from the plan stored on the entity (flat when unreadable)."""
        import yaml

        try:
            data = yaml.safe_load(self.session.files.read(entity["plan"]))
            plan = Plan(Path("plan"), data, {})
            return stage_tree(plan, str(entity.get("stage")))
        except Exception as exc:
            logger.warning("factory %s: the stored plan cannot be read (%s)", entity.guid, exc)
            return [], {}

    # -- info ----------------------------------------------------------------------------------
    def info(self, name: str | None = None) -> list[FactoryEntity]:
        """The factories (called `name`), oldest first; session tags apply."""
        query = {"name": name} if name is not None else None
        return list(self.session.factory.find_all(query, sort="info.created.on"))


def _quiet(line: str) -> None:
    """Progress nobody asked for."""


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
