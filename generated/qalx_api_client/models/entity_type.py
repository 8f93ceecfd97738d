from enum import StrEnum


class EntityType(StrEnum):
    BLUEPRINT = "blueprint"
    BOT = "bot"
    FACTORY = "factory"
    GROUP = "group"
    ITEM = "item"
    NOTIFICATION = "notification"
    QUEUE = "queue"
    SET = "set"

    def __str__(self) -> str:
        return str(self.value)
