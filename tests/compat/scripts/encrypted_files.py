"""A file encrypted client-side with a KEYFILE (set by the test as QALX_USER_KEYFILE): the
server stores only the Fernet token, and pyqalx decrypts it on the way down."""

from __future__ import annotations

import io
import json
import os
import urllib.request

from pyqalx import QalxSession  # type: ignore[import-not-found]

qalx = QalxSession(skip_ini=True)
secret = b"top secret \x00\xff" * 10

sealed = qalx.item.add(source=io.BytesIO(secret), file_name="secret.bin")
clear = qalx.item.add(source=io.BytesIO(secret), file_name="clear.bin", encrypt=False)


def raw(url: str) -> bytes:
    with urllib.request.urlopen(url) as response:
        body: bytes = response.read()
        return body


got = qalx.item.get(sealed.guid)
stored = raw(got["file"]["url"])
got_clear = qalx.item.get(clear.guid)

print(
    json.dumps(
        {
            "keyfile": got["file"].get("keyfile"),
            "expected_keyfile": os.path.basename(os.environ["QALX_USER_KEYFILE"]),
            "stored_is_fernet": stored.startswith(b"gAAAAA"),
            "stored_differs": stored != secret,
            "decrypted_equal": got.read_file() == secret,
            "clear_keyfile": got_clear["file"].get("keyfile"),
            "clear_stored_equal": raw(got_clear["file"]["url"]) == secret,
            "clear_read_equal": got_clear.read_file() == secret,
        }
    )
)
