"""`tags/validate` and `factory/validate`: rules the server enforces on tags and plans."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from qalx_server import jsonio
from qalx_server.api.errors import bad_request

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
        raise bad_request(f"{found[0]['field']}: {found[0]['detail']}", found)
    return {"tags": tags}


_NAME = {"type": "string", "minLength": 1}
PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["factory"],
    "properties": {
        "factory": {
            "type": "object",
            "required": ["name", "bots", "stages"],
            "properties": {
                "name": _NAME,
                "meta": {"type": "object"},
                "tags": {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
                "debug": {"type": "object"},
                "bots": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": {
                        "type": "object",
                        "required": ["source", "bot_path"],
                        "properties": {
                            "source": {"type": "object", "minProperties": 1},
                            "bot_path": {"type": "string", "pattern": r"^[\w.]+:\w+$"},
                            "requirements_path": {"type": "string"},
                        },
                    },
                },
                "workflows": {"type": "object"},
                "alarms": {"type": "object"},
                "stages": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": {"type": "object"},
                },
            },
        }
    },
}
_RESERVED_STAGE_KEYS = {"workflow", "user_profile", "bot_profile"}
_SOURCES = {"path", "url", "pypi"}


def plan_problems(plan: Any) -> list[dict[str, str]]:
    found = [
        {"field": ".".join(map(str, e.absolute_path)) or "plan", "detail": e.message}
        for e in Draft202012Validator(PLAN_SCHEMA).iter_errors(plan)
    ]
    if found:
        return found
    factory = plan["factory"]
    bots = factory["bots"]
    for name, bot in bots.items():
        if not {k.lower() for k in bot["source"]} & _SOURCES:
            found.append(
                {"field": f"factory.bots.{name}.source", "detail": "needs one of path, url, pypi"}
            )
    workflows = factory.get("workflows", {})
    for stage_name, stage in factory["stages"].items():
        where = f"factory.stages.{stage_name}"
        if "workflow" in stage and stage["workflow"] not in workflows:
            found.append(
                {"field": f"{where}.workflow", "detail": f"no workflow named {stage['workflow']!r}"}
            )
        for sector_name, sector in stage.items():
            if sector_name in _RESERVED_STAGE_KEYS:
                continue
            here = f"{where}.{sector_name}"
            if not isinstance(sector, dict):
                found.append({"field": here, "detail": "a sector must be a mapping"})
                continue
            if sector.get("type") not in ("local", "aws"):
                found.append({"field": f"{here}.type", "detail": "must be 'local' or 'aws'"})
            for bot_name in sector.get("bots") or {}:
                if bot_name not in bots:
                    found.append(
                        {"field": f"{here}.bots.{bot_name}", "detail": "not a bot of this plan"}
                    )
            if sector.get("type") == "aws" and "ImageId" not in (sector.get("parameters") or {}):
                found.append(
                    {"field": f"{here}.parameters", "detail": "aws sectors need an ImageId"}
                )
    return found


def validate_plan(text: str) -> dict[str, Any]:
    try:
        plan = jsonio.loads(text.encode())
    except ValueError as exc:
        raise bad_request(f"plan: not JSON text: {exc}") from None
    found = plan_problems(plan)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise bad_request(f"plan: {found[0]['field']}: {found[0]['detail']}{more}", found)
    return {"valid": True}
