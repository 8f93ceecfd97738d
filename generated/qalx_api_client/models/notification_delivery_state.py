from enum import StrEnum


class NotificationDeliveryState(StrEnum):
    FAILED = "failed"
    OUTBOX = "outbox"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"

    def __str__(self) -> str:
        return str(self.value)
