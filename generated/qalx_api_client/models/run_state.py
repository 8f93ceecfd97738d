from enum import StrEnum


class RunState(StrEnum):
    ACTIVE = "active"
    IDLE = "idle"
    STOPPED = "stopped"
    TERMINATED = "terminated"

    def __str__(self) -> str:
        return str(self.value)
