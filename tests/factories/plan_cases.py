"""The plans both halves must judge alike: the SDK's check (qalx/factories/_plan.py) and the
server's (qalx_server/entities/checks.py) each run every case, so neither can drift from the
other."""

# ruff: noqa: E501 - one case a line reads best as a table

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import attrs

#: A valid plan with a bot of each source and a stage with a workflow (paths are not read).
GOOD: dict[str, Any] = {
    "factory": {
        "name": "beams",
        "bots": {
            "solver": {"source": {"path": "bots/solver"}, "bot_path": "beam_solver:bot"},
            "reporter": {
                "source": {"url": "https://example.com/r.git", "branch": "dev"},
                "bot_path": "reports.bots:reporter",
            },
            "batcher": {
                "source": {"pypi": "qalx-orcaflex", "version": "1.2.0"},
                "bot_path": "qalx_orcaflex.bots:batch_bot",
            },
        },
        "workflows": {"flow_1": {"solver": ["reporter"]}},
        "stages": {
            "stage-1": {
                "local_sector": {"type": "local", "bots": {"solver": {"queue-name": "solve"}}}
            },
            "stage-2": {
                "workflow": "flow_1",
                "local_sector": {
                    "type": "local",
                    "bots": {"solver": {"queue-name": "solve"}, "reporter": {"processes": 2}},
                },
            },
        },
    }
}


@attrs.frozen
class Case:
    """`edit` turns GOOD into the case; `field` is the key the problem must name (None: the
    plan is valid) and `words` what its detail must say."""

    id: str
    edit: Callable[[dict[str, Any]], Any]
    field: str | None
    words: str = ""

    def plan(self) -> Any:
        plan = copy.deepcopy(GOOD)
        replaced = self.edit(plan)
        return plan if replaced is None else replaced


def _factory(plan: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = plan["factory"]
    return found


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(plan: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node = plan
        for key in parents:
            node = node[key]
        node[last] = value

    return edit


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def edit(plan: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node = plan
        for key in parents:
            node = node[key]
        del node[last]

    return edit


BOTS = "factory/bots"
STAGE_1 = "factory/stages/stage-1"
FLOW = "factory/workflows/flow_1"
CASES = [
    Case("valid", lambda plan: None, None),
    Case("source-keys-any-case", _set(f"{BOTS}/batcher/source", {"PyPI": "x"}), None),
    Case("aws-with-image", _set(f"{STAGE_1}/ec2", {"type": "aws", "parameters": {"ImageId": "ami-1"}}), None),
    Case("not-a-mapping", lambda plan: [], "plan", "not of type 'object'"),
    Case("no-name", _delete("factory/name"), "factory.name", "is required"),
    Case("no-stages", _delete("factory/stages"), "factory.stages", "is required"),
    Case("no-bot-path", _delete(f"{BOTS}/solver/bot_path"), "factory.bots.solver.bot_path", "is required"),
    Case("no-source", _delete(f"{BOTS}/solver/source"), "factory.bots.solver.source", "is required"),
    Case("unknown-source", _set(f"{BOTS}/solver/source", {"ftp": "x"}), "factory.bots.solver.source", "exactly one of path, url, pypi (found none)"),
    Case("two-sources", _set(f"{BOTS}/solver/source", {"Path": "a", "URL": "b"}), "factory.bots.solver.source", "(found Path, URL)"),
    Case("bot-path-no-colon", _set(f"{BOTS}/solver/bot_path", "beam_solver"), "factory.bots.solver.bot_path", "dotted.module:variable"),
    Case("bot-path-two-colons", _set(f"{BOTS}/solver/bot_path", "a:b:c"), "factory.bots.solver.bot_path", "dotted.module:variable"),
    Case("stage-unknown-bot", _set(f"{STAGE_1}/local_sector/bots/ghost", {}), "factory.stages.stage-1.local_sector.bots.ghost", "not a bot in factory.bots"),
    Case("stage-unknown-workflow", _set("factory/stages/stage-2/workflow", "flow_9"), "factory.stages.stage-2.workflow", "no workflow 'flow_9'"),
    Case("sector-type", _set(f"{STAGE_1}/local_sector/type", "docker"), "factory.stages.stage-1.local_sector.type", "'docker' is not one of"),
    Case("sector-no-type", _delete(f"{STAGE_1}/local_sector/type"), "factory.stages.stage-1.local_sector.type", "is required"),
    Case("aws-no-image", _set(f"{STAGE_1}/ec2", {"type": "aws"}), "factory.stages.stage-1.ec2.parameters", "ImageId"),
    Case("bot-twice", _set(FLOW, {"solver": ["reporter"], "reporter": ["batcher"]}), "factory.workflows.flow_1.reporter", "twice"),
    Case("bot-twice-in-lists", _set(FLOW, ["solver", {"reporter": "solver"}]), "factory.workflows.flow_1.1.reporter", "twice"),
    Case("cycle", _set(FLOW, {"solver": {"reporter": ["solver"]}}), "factory.workflows.flow_1.solver.reporter.0", "cycle"),
    Case("root-inside-tree", _set(FLOW, {"solver": ["flow_1"]}), "factory.workflows.flow_1.solver.0", "(flow_1 -> solver -> flow_1): a cycle"),
    Case("tree-node-not-a-name", _set(FLOW, {"solver": [3]}), "factory.workflows.flow_1.solver.0", "must be a bot name"),
]  # fmt: skip
