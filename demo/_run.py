"""The demo's work, through the public SDK, against a running server (see `__main__`)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from qalx import Blueprint, Group, QalxSession, Queue
from qalx.errors import QalxError
from qalx.factories import Factory

from . import BLUEPRINT, DRAIN_SECONDS, LOAD, PLAN, PROFILE, QUEUE, ROOT, YIELD_STRENGTH, sections

console = Console()


def run(base_url: str, workdir: Path, count: int) -> int:
    started = time.monotonic()
    console.print(f"[bold]qalx demo[/]: an embedded server at {base_url} (SQLite, local files)")
    console.print(f"working in {workdir}", highlight=False)
    session = QalxSession(profile_name=PROFILE)

    # A material with its datasheet, a load case, and a Blueprint for the dimensions.
    datasheet = workdir / "316_datasheet.txt"
    datasheet.write_text("Stainless steel 316: density 8000 kg/m3, E 193 GPa, yield 205 MPa\n")
    material = session.item.add(
        input_file=str(datasheet),
        data={"rho": 8000, "E": 193e9, "yield_strength": YIELD_STRENGTH},
        meta={"library": "materials", "family": "steel", "grade": "316"},
    )
    load = session.item.add(data=LOAD, meta={"_class": "beams.load"})
    blueprint = Blueprint.item()
    blueprint.add_data("b", {"type": "number", "minimum": 10, "maximum": 1000}, required=True)
    blueprint.add_data("t", {"type": "number", "exclusiveMinimum": 0, "maximum": 50}, required=True)
    session.blueprint.add(name=BLUEPRINT, schema=blueprint)
    try:
        session.item.add(data={"b": 50, "t": -1}, blueprint_name=BLUEPRINT)
    except Exception as refused:  # jsonschema.ValidationError, as the user docs promise
        console.print(f"blueprint refuses a wall of -1 mm: [italic]{refused.args[0]}[/]")

    # The sections, checked against the Blueprint, a Set each, all in one Group.
    shapes = sections(count)
    dims = session.item.add_many(
        [
            {"data": s, "meta": {"_class": "beams.dimensions"}, "blueprint_name": BLUEPRINT}
            for s in shapes
        ]
    )
    if dims.errors:
        console.print(f"[red]{len(dims.errors)} sections were not stored: {dims.errors}[/]")
        return 1
    sets = {}
    for index, item in enumerate(dims.items_):
        name = f"SHS {shapes[index]['b']}x{shapes[index]['t']} #{index:03d}"
        sets[name] = session.set.add(
            items={"dimensions": item, "material": material, "load": load},
            meta={"_class": "beams.section", "section": name},
        )
    group = session.group.add(sets=sets, meta={"_class": "beams.batch"})
    console.print(
        f"stored material 316 (with its datasheet), a load case, {count} sections checked "
        f"against the blueprint, {count} sets and a group ({time.monotonic() - started:.1f} s)"
    )

    # The bot, from the factory plan, then the group's sets onto its queue.
    queue = session.queue.get_or_create(QUEUE)
    factory = Factory(session, user_profile=PROFILE, bot_profile=PROFILE)
    built = factory.build(str(PLAN), "demo", on_progress=lambda line: None)
    try:
        console.print(f"factory {built['name']!r} built: the beam bot runs with 2 processes")
        Group.add_to_queue(group, queue, children=True)
        console.print(f"queued {count} sets on {QUEUE!r}")
        if not _follow(session, queue, count):
            return 1
        _summary(session, count)
        _dead_letters(session, queue)
    finally:
        factory.demolish(built.guid)
        console.print("factory demolished: its bots have exited")
    console.print(f"[bold]done[/] in {time.monotonic() - started:.1f} s")
    return 0


def _follow(session: QalxSession, queue: Queue, count: int) -> bool:
    """A progress bar on the queue until every job is finished or dead-lettered."""
    columns = (
        TextColumn("[bold]computing beams"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("in flight {task.fields[in_flight]}, dead letters {task.fields[dead]}"),
        TimeElapsedColumn(),
    )
    deadline = time.monotonic() + DRAIN_SECONDS
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("beams", total=count, in_flight=0, dead=0)
        while True:
            stats = session.queue.stats(queue)
            left = stats["depth"] + stats["in_flight"]
            progress.update(
                task,
                completed=count - left,
                in_flight=stats["in_flight"],
                dead=stats["dead_letters"],
            )
            if left == 0:
                return True
            if time.monotonic() > deadline:
                console.print(f"[red]the queue did not drain in {DRAIN_SECONDS:.0f} s[/]")
                return False
            time.sleep(0.2)


def _summary(session: QalxSession, count: int) -> None:
    """Count, min and max stress by an aggregation; the worst section by a sorted find."""
    stats = session.item.aggregate(
        [
            {"$match": {"meta._class": "beams.result"}},
            {
                "$group": {
                    "_id": None,
                    "count": {"$sum": 1},
                    "min_stress": {"$min": "$data.stress_MPa"},
                    "max_stress": {"$max": "$data.stress_MPa"},
                }
            },
        ]
    ).data[0]
    over_yield = session.item.find(
        query={"meta._class": "beams.result", "data.utilisation": {"$gt": 1}}, limit=1
    ).query["count"]
    worst = session.item.find(
        query={"meta._class": "beams.result"}, sort="-data__stress_MPa", limit=1
    ).data[0]
    load = f"{LOAD['force'] / 1000:.0f} kN at the middle of a {LOAD['span']} m span"
    table = Table(title=f"{count} beams, {load}")
    table.add_column("")
    table.add_column("value", justify="right")
    table.add_row("results", str(stats["count"]))
    table.add_row("min bending stress", f"{stats['min_stress']:.1f} MPa")
    table.add_row("max bending stress", f"{stats['max_stress']:.1f} MPa")
    table.add_row(f"sections over yield ({YIELD_STRENGTH / 1e6:.0f} MPa)", str(over_yield))
    table.add_row("worst section", str(worst["meta"]["section"]))
    table.add_row("its utilisation", f"{worst['data']['utilisation']:.2f}")
    console.print(table)


def _dead_letters(session: QalxSession, queue: Queue) -> None:
    """The job that failed every attempt, through the SDK, then where an operator would look:
    `qalx queue dead-letters`."""
    for letter in session.queue.dead_letters(queue):
        failure = letter.get("last_failure") or {}
        section = session.set.get(json.loads(letter["body"])["entity_guid"])["meta"]["section"]
        console.print(
            f"dead letter: {section}, received {letter['receive_count']} times, failed "
            f"{letter.get('failures', 0)} times: {failure.get('error', '?')}",
            highlight=False,
            soft_wrap=True,
        )
    shown = subprocess.run(
        [sys.executable, "-m", "qalx", "queue", "dead-letters", QUEUE, "--profile", PROFILE],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    console.print("[bold]qalx queue dead-letters beam-calcs[/]")
    console.print(shown.stdout.rstrip() or shown.stderr.rstrip(), markup=False, highlight=False)
    if shown.returncode != 0:
        raise QalxError(f"listing the dead letters failed: {shown.stderr.strip()}")
