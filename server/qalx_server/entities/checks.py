"""The rules the server enforces on tags and factory plans (`tags/validate`,
`factory/validate`, and every write of a plan)."""

from __future__ import annotations

from typing import Any

from jsonschema import ValidationError

from qalx_server import jsonio
from qalx_server.validation import validator

from .errors import Invalid

MAX_TAG = 255


def tag_problems(tags: list[dict[str, str]]) -> list[dict[str, str]]:
    """A tag's name and value are 1-255 printable characters, lowercase and stripped (as
    pyqalx sends them); names starting with `_` are reserved for the server."""
    found = []
    for index, tag in enumerate(tags):
        for part in ("name", "value"):
            text = tag[part]
            where = f"tags.{index}.{part}"
            if not 1 <= len(text) <= MAX_TAG:
                found.append({"field": where, "detail": f"must be 1 to {MAX_TAG} characters"})
            elif text != text.strip().lower():
                found.append({"field": where, "detail": f"{text!r} must be lowercase and stripped"})
            elif not text.isprintable():
                found.append({"field": where, "detail": f"{text!r} has unprintable characters"})
        if tag["name"].startswith("_"):
            found.append(
                {"field": f"tags.{index}.name", "detail": "names starting with '_' are reserved"}
            )
    return found


def validate_tags(tags: list[dict[str, str]]) -> dict[str, Any]:
    found = tag_problems(tags)
    if found:
        raise Invalid(f"{found[0]['field']}: {found[0]['detail']}", found)
    return {"tags": tags}


_SOURCES = ("path", "url", "pypi")
_RESERVED_STAGE_KEYS = {"workflow", "user_profile", "bot_profile"}
KeyPath = tuple[Any, ...]


def plan_problems(plan: Any) -> list[dict[str, str]]:
    """Every problem of a parsed plan, each with the dotted path of the offending key: those
    of the spec's `FactoryPlan` schema, then those of the rules it cannot state.

    The SDK checks plans the same way before sending them (qalx/factories/_plan.py, against
    the copy of the schema that codegen writes); tests/factories/plan_cases.py holds the
    cases both must agree on."""
    found: list[dict[str, str]] = []
    for error in validator("FactoryPlan").iter_errors(plan):
        found += _schema_problems(error)
    found.sort(key=lambda p: p["field"])
    found += _rule_problems(plan)
    return list({(p["field"], p["detail"]): p for p in found}.values())


def _schema_problems(error: ValidationError) -> list[dict[str, str]]:
    """One error of the schema as problems naming the offending key: a missing key is named
    itself, and a tree node matching none of its forms by the deepest part that fails."""
    while error.context:
        deeper = max(error.context, key=lambda e: len(e.absolute_path))
        if len(deeper.absolute_path) <= len(error.absolute_path):
            break
        error = deeper
    path: KeyPath = tuple(error.absolute_path)
    if error.validator == "required":
        have = error.instance if isinstance(error.instance, dict) else {}
        wanted = error.validator_value if isinstance(error.validator_value, list) else []
        missing = [key for key in wanted if key not in have]
        return [_problem((*path, key), "is required") for key in missing]
    message = error.schema.get("x-message") if isinstance(error.schema, dict) else None
    return [_problem(path, f"{message}, not {error.instance!r}" if message else error.message)]


def _problem(path: KeyPath, detail: str) -> dict[str, str]:
    return {"field": ".".join(map(str, path)) or "plan", "detail": detail}


def _mapping(value: Any) -> dict[Any, Any]:
    """The rules also run on plans the schema refused, so each part is taken only if it has
    the shape they need (the schema's problems say what is wrong with the rest)."""
    return value if isinstance(value, dict) else {}


def _rule_problems(plan: Any) -> list[dict[str, str]]:
    factory = _mapping(_mapping(plan).get("factory"))
    bots = _mapping(factory.get("bots"))
    workflows = _mapping(factory.get("workflows"))
    found: list[dict[str, str]] = []
    for name, bot in bots.items():
        source = _mapping(_mapping(bot).get("source"))
        kinds = [str(k) for k in source if str(k).lower() in _SOURCES]
        if source and len(kinds) != 1:
            found.append(
                _problem(
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
                _problem((*where, "workflow"), f"no workflow {workflow!r} in factory.workflows")
            )
        for sector_name, sector in stage.items():
            if sector_name in _RESERVED_STAGE_KEYS or not isinstance(sector, dict):
                continue
            here = (*where, sector_name)
            for bot_name in _mapping(sector.get("bots")):
                if bot_name not in bots:
                    found.append(
                        _problem((*here, "bots", bot_name), "is not a bot in factory.bots")
                    )
            parameters = _mapping(sector.get("parameters"))
            if sector.get("type") == "aws" and "ImageId" not in parameters:
                found.append(_problem((*here, "parameters"), "an aws sector needs an ImageId"))
    return found


def _tree_problems(name: Any, tree: Any) -> list[dict[str, str]]:
    """A workflow is a tree under its name: no bot twice, and no bot (nor the name, the one
    root) following itself. Nodes are strings, list items or mapping keys."""
    found: list[dict[str, str]] = []
    seen: dict[Any, KeyPath] = {}

    def visit(bot: Any, path: KeyPath, above: KeyPath) -> None:
        if bot == name or bot in above:
            chain = " -> ".join(map(str, (name, *above, bot)))
            found.append(_problem(path, f"{bot!r} follows itself ({chain}): a cycle"))
        elif bot in seen:
            first = ".".join(map(str, seen[bot]))
            found.append(_problem(path, f"{bot!r} is in this workflow twice (also at {first})"))
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


def validate_plan(text: str) -> dict[str, Any]:
    try:
        plan = jsonio.loads(text.encode())
    except ValueError as exc:
        raise Invalid(f"plan: not JSON text: {exc}") from None
    found = plan_problems(plan)
    if found:
        raise Invalid.naming(found, lead="plan: ")
    return {"valid": True}
