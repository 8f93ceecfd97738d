"""Notifications, delivered: each notification entity becomes an e-mail, sent through the
configured SMTP server by a background sender, with its delivery state kept beside it.

`addresses` checks what a notification may hold; `compose` makes the e-mail; `smtp` hands it
over; `deliveries` keeps the state rows; `sender` is the thread that ties them together.
"""

from .addresses import InvalidNotification, check_notification
from .sender import Notifier

__all__ = ["InvalidNotification", "Notifier", "check_notification"]
