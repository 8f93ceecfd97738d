"""Factories: deploy a plan's bots together (runtime-contract §6).

`Factory(session).validate(plan)` checks a factory-plan.yml here and with the API;
`pack(plan, stage)` fetches the bots' code into `FACTORY_PACK_DIR`. Build and demolish, and
the local and AWS providers, come next.
"""

from ._factory import Factory
from ._pack import PackedBot

__all__ = ["Factory", "PackedBot"]
