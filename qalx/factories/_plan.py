"""Reading a factory plan and checking it before the API does, so each problem can be shown
with the line of the plan file it is on.

The plan's shape is the spec's `FactoryPlan` schema, which codegen copies to
`qalx_api_client/schemas/factory_plan.json`; the rules JSON Schema cannot state are checked
here and, the same way, in the server's qalx_server/entities/checks.py (the two cannot share code;
tests/factories/plan_cases.py is the table of cases both must agree on).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qalx.errors import QalxFactoryError, QalxFactoryValidationError

if TYPE_CHECKING:
    import yaml
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

KeyPath = tuple[Any, ...]
SOURCES = ("path", "url", "pypi")
RESERVED_STAGE_KEYS = frozenset({"workflow", "user_profile", "bot_profile"})


@dataclasses.dataclass(frozen=True)
class Problem:
    """What is wrong, and where: the keys leading to it from the top of the plan."""

    path: KeyPath
    detail: str

    @property
    def field(self) -> str:
        """The dotted path, as the API's error answers name it (`factory.bots.x.source`)."""
        return ".".join(map(str, self.path)) or "plan"


@dataclasses.dataclass(frozen=True)
class Plan:
    """A parsed plan file and the line each of its keys and list items starts on."""

    path: Path
    data: Any
    lines: dict[tuple[str, ...], int]

    @property
    def factory(self) -> dict[str, Any]:
        found: dict[str, Any] = self.data["factory"]
        return found

    def line(self, field: str | KeyPath) -> int | None:
        """The line of `field`, or of the nearest enclosing key that is in the file (a
        missing key is reported on the mapping that lacks it)."""
        parts = tuple(field.split(".")) if isinstance(field, str) else tuple(map(str, field))
        while parts not in self.lines and parts:
            parts = parts[:-1]
        return self.lines.get(parts)

    def message(self, heading: str, problems: list[tuple[str, str]]) -> str:
        """`heading`, then one line per (field, detail), with the field's line in the file."""
        shown = []
        for field, detail in problems:
            line = self.line(field)
            shown.append(f"  {field}: {detail}" + (f" (line {line})" if line else ""))
        return "\n".join([heading, *shown])


def read_plan(plan_path: str | os.PathLike[str]) -> Plan:
    """The plan file parsed: a missing file is a `QalxFactoryValidationError` and bad YAML a
    `QalxFactoryError`, as pyqalx has them."""
    import yaml

    path = Path(plan_path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise QalxFactoryValidationError(f"no plan file at {os.fspath(path)!r}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QalxFactoryValidationError(
            f"cannot read the plan {os.fspath(path)!r}: {exc}"
        ) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise QalxFactoryError(f"the plan {os.fspath(path)!r} is not YAML: {exc}") from None
    finally:
        loader.dispose()
    lines: dict[tuple[str, ...], int] = {}
    if node is not None:
        lines[()] = node.start_mark.line + 1
        _record_lines(node, (), lines)
    return Plan(path, data, lines)


def _record_lines(
    node: yaml.Node, path: tuple[str, ...], lines: dict[tuple[str, ...], int]
) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = (*path, str(key.value))
            lines.setdefault(here, key.start_mark.line + 1)
            _record_lines(value, here, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            here = (*path, str(index))
            lines.setdefault(here, item.start_mark.line + 1)
            _record_lines(item, here, lines)


@functools.cache
def _validator() -> Validator:
    from jsonschema import Draft202012Validator

    text = resources.files("qalx_api_client").joinpath("schemas/factory_plan.json").read_text()
    validator: Validator = Draft202012Validator(json.loads(text))
    return validator


def plan_problems(plan: Any) -> list[Problem]:
    """Every problem of a parsed plan: the schema's, sorted by field, then the rules'."""
    found: list[Problem] = []
    for error in _validator().iter_errors(plan):
        found += _schema_problems(error)
    found.sort(key=lambda p: p.field)
    found += _rule_problems(plan)
    return list(dict.fromkeys(found))


def _schema_problems(error: ValidationError) -> list[Problem]:
    """A missing key is named itself; a value matching none of several forms is reported by
    its deepest failing part; a schema's `x-message` words the problem when it has one."""
    while error.context:
        deeper = max(error.context, key=lambda e: len(e.absolute_path))
        if len(deeper.absolute_path) <= len(error.absolute_path):
            break
        error = deeper
    path: KeyPath = tuple(error.absolute_path)
    if error.validator == "required":
        have = error.instance if isinstance(error.instance, dict) else {}
        wanted = error.validator_value if isinstance(error.validator_value, list) else []
        return [Problem((*path, key), "is required") for key in wanted if key not in have]
    message = error.schema.get("x-message") if isinstance(error.schema, dict) else None
    return [Problem(path, f"{message}, not {error.instance!r}" if message else error.message)]


def _mapping(value: Any) -> dict[Any, Any]:
    """Rules also run on plans the schema refused; each takes only parts of the shape it needs."""
    return value if isinstance(value, dict) else {}


def source_kinds(source: Any) -> list[str]:
    """The keys of a bot's `source` that name a kind of source, as written (any case)."""
    return [str(key) for key in _mapping(source) if str(key).lower() in SOURCES]


def _rule_problems(plan: Any) -> list[Problem]:
    factory = _mapping(_mapping(plan).get("factory"))
    bots = _mapping(factory.get("bots"))
    workflows = _mapping(factory.get("workflows"))
    found: list[Problem] = []
    for name, bot in bots.items():
        source = _mapping(bot).get("source")
        kinds = source_kinds(source)
        if _mapping(source) and len(kinds) != 1:
            found.append(
                Problem(
                    ("factory", "bots", name, "source"),
                    f"needs exactly one of path, url, pypi (found {', '.join(kinds) or 'none'})",
                )
            )
    for name, tree in workflows.items():
        found += _tree_problems(name, tree)
    for stage_name, stage in _mapping(factory.get("stages")).items():
        where: KeyPath = ("factory", "stages", stage_name)
        stage = _mapping(stage)
        workflow = stage.get("workflow")
        if isinstance(workflow, str) and workflow not in workflows:
            found.append(
                Problem((*where, "workflow"), f"no workflow {workflow!r} in factory.workflows")
            )
        for sector_name, sector in stage.items():
            if sector_name in RESERVED_STAGE_KEYS or not isinstance(sector, dict):
                continue
            here = (*where, sector_name)
            for bot_name in _mapping(sector.get("bots")):
                if bot_name not in bots:
                    found.append(Problem((*here, "bots", bot_name), "is not a bot in factory.bots"))
            parameters = _mapping(sector.get("parameters"))
            if sector.get("type") == "aws" and "ImageId" not in parameters:
                found.append(Problem((*here, "parameters"), "an aws sector needs an ImageId"))
    return found


def _tree_problems(name: Any, tree: Any) -> list[Problem]:
    """A workflow is a tree under its name, its one root: no bot in it twice, and no bot (nor
    the name) following itself. Nodes are strings, list items' nodes, or mapping keys."""
    found: list[Problem] = []
    seen: dict[Any, KeyPath] = {}

    def visit(bot: Any, path: KeyPath, above: KeyPath) -> None:
        if bot == name or bot in above:
            chain = " -> ".join(map(str, (name, *above, bot)))
            found.append(Problem(path, f"{bot!r} follows itself ({chain}): a cycle"))
        elif bot in seen:
            first = ".".join(map(str, seen[bot]))
            found.append(Problem(path, f"{bot!r} is in this workflow twice (also at {first})"))
        else:
            seen[bot] = path

    def walk(node: Any, path: KeyPath, above: KeyPath) -> None:
        if isinstance(node, str):
            visit(node, path, above)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, (*path, index), above)
        elif isinstance(node, dict):
            for bot, below in node.items():
                visit(bot, (*path, bot), above)
                walk(below, (*path, bot), (*above, bot))

    walk(tree, ("factory", "workflows", name), ())
    return found


def stage_sectors(plan: Plan, stage: str) -> dict[str, dict[str, Any]]:
    """A stage's sectors by name (its keys but the reserved ones)."""
    return {
        str(key): sector
        for key, sector in plan.factory["stages"][stage].items()
        if key not in RESERVED_STAGE_KEYS and isinstance(sector, dict)
    }


def stage_bots(plan: Plan, stage: str | None) -> list[str]:
    """The plan bots a stage runs (in the order its sectors name them), or every plan bot."""
    factory = plan.factory
    if stage is None:
        return list(factory["bots"])
    names: dict[str, None] = {}
    for sector in stage_sectors(plan, stage).values():
        names.update(dict.fromkeys(sector.get("bots") or {}))
    return list(names)
