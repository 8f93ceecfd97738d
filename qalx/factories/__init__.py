"""Factories: deploy a plan's bots together (runtime-contract §6).

`Factory(session).validate(plan)` checks a factory-plan.yml here and with the API;
`pack(plan, stage)` fetches the bots' code into `FACTORY_PACK_DIR`; `build(plan, stage)`
deploys a stage through the provider of each sector type (`_provider`: local here, AWS from
`qalx.factories._aws` when installed) and `demolish(guid)` takes it down.
"""

from ._factory import Factory
from ._pack import PackedBot

__all__ = ["Factory", "PackedBot"]
