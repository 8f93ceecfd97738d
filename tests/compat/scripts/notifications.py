"""`session.notification.add(...)` as pyqalx users call it (a report bot's e-mail)."""

from __future__ import annotations

import json
import sys

from pyqalx import QalxSession  # type: ignore[import-not-found]

session = QalxSession(skip_ini=True)
subject = sys.argv[1]
added = session.notification.add(
    subject=subject,
    message='<p>Your report is ready: <a href="https://files.example.com/r.docx">r.docx</a></p>',
    to=["eng@example.com"],
    cc=["pm@example.com"],
    bcc=["audit@example.com"],
)
again = session.notification.get(added.guid)
print(
    json.dumps(
        {
            "type": type(added).__name__,
            "guid": str(added.guid),
            "subject": again.subject,
            "state_on_add": added.info["delivery"]["state"],
        }
    )
)
