"""The demo's bot: the section properties and bending stress of one beam.

Each job is a Set of three Items: `dimensions` (a square hollow section: outer width `b` and
wall `t`, in mm), `material` (steel 316: its yield strength, in Pa) and `load` (a point force
in N at the middle of a simply supported span in m). The bot adds a `result` Item to the
Set: area, second moment of area, elastic section modulus, bending moment, the bending stress
and its ratio to the yield strength.
"""

from __future__ import annotations

from qalx import Bot, QalxJob

bot = Bot("beam bot")


@bot.process
def bending(job: QalxJob) -> None:
    dims = job.entity["items"]["dimensions"]["data"]
    material = job.entity["items"]["material"]["data"]
    load = job.entity["items"]["load"]["data"]
    b, t = float(dims["b"]) / 1000, float(dims["t"]) / 1000  # m
    inner = b - 2 * t
    if inner <= 0:
        raise ValueError(f"wall {dims['t']} mm is too thick for a {dims['b']} mm section")
    area = b**2 - inner**2
    second_moment = (b**4 - inner**4) / 12
    modulus = second_moment / (b / 2)
    moment = float(load["force"]) * float(load["span"]) / 4  # N m, central point load
    stress = moment / modulus  # Pa
    job.add_item_data(
        "result",
        data={
            "area_mm2": area * 1e6,
            "second_moment_mm4": second_moment * 1e12,
            "modulus_mm3": modulus * 1e9,
            "moment_Nm": moment,
            "stress_MPa": stress / 1e6,
            "utilisation": stress / float(material["yield_strength"]),
        },
        meta={"_class": "beams.result", "section": job.entity["meta"]["section"]},
    )
