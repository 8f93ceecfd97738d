"""The `make demo` package: qalx doing its real job on this machine (see `__main__`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PLAN = Path(__file__).resolve().parent / "factory-plan.yml"
QUEUE = "beam-calcs"
PROFILE = "demo"
BLUEPRINT = "square-hollow-section"
LOAD = {"force": 20_000.0, "span": 2.0}
"""A 20 kN point load at the middle of a 2 m simply supported span."""
YIELD_STRENGTH = 205e6
"""Steel 316, in Pa."""
STARTUP_SECONDS = 30.0
DRAIN_SECONDS = 300.0
"""Bounds on a hung server or bot: the demo fails with a message rather than waiting forever."""


def sections(count: int) -> list[dict[str, Any]]:
    """Square hollow sections, outer width `b` and wall `t` in mm; the middle one has a wall
    too thick for its width, which the Blueprint cannot see and the bot cannot compute."""
    widths = [40, 50, 60, 70, 80, 90, 100, 120, 140, 150, 160, 180, 200]
    walls = [2.5, 3.0, 4.0, 5.0, 6.3, 8.0, 10.0]
    made = [{"b": widths[i % len(widths)], "t": walls[(i // 3) % len(walls)]} for i in range(count)]
    made[count // 2] = {"b": 20, "t": 12.5}
    return made
