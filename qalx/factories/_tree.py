"""A stage's workflow as a tree (runtime-contract §6.1): the workflow's name is the root; a
string is a leaf, a mapping maps nodes to their successors, a list holds siblings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from qalx.factories._plan import Plan


def successors(tree: Any) -> dict[str, list[str]]:
    """Each node's children, in plan order (nodes without children map to [])."""
    found: dict[str, list[str]] = {}

    def tops(node: Any) -> list[str]:
        if isinstance(node, str):
            found.setdefault(node, [])
            return [node]
        if isinstance(node, list):
            return [name for child in node for name in tops(child)]
        if isinstance(node, Mapping):
            names = []
            for name, below in node.items():
                found.setdefault(str(name), [])
                found[str(name)] += tops(below)
                names.append(str(name))
            return names
        return []

    tops(tree)
    return found


def stage_tree(plan: Plan, stage: str) -> tuple[list[str], dict[str, list[str]]]:
    """The root's children and every node's children for `stage`'s workflow ([] and {}
    without one)."""
    factory = plan.factory
    name = factory["stages"][stage].get("workflow")
    if not isinstance(name, str):
        return [], {}
    tree = (factory.get("workflows") or {}).get(name)
    children = successors(tree)
    below = {child for kids in children.values() for child in kids}
    return [node for node in children if node not in below], children


def breadth_first(
    roots: Iterable[str], children: Mapping[str, list[str]], every: Iterable[str]
) -> list[list[str]]:
    """The bots level by level from the root, those of `every` not in the tree hanging off
    the root (so they come first), as demolish terminates them."""
    everyone = list(dict.fromkeys(every))
    in_tree = set(children)
    level = [*[b for b in everyone if b not in in_tree], *roots]
    levels: list[list[str]] = []
    seen: set[str] = set()
    while level:
        level = [b for b in dict.fromkeys(level) if b not in seen]
        if not level:
            break
        seen.update(level)
        levels.append(level)
        level = [child for bot in level for child in children.get(bot, [])]
    return levels
