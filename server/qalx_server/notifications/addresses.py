"""What a notification may hold, checked on every write so a bad one is a 400, not a failed
delivery later.

A recipient (in `to`, `cc` or `bcc`) is either a bare address, `local@domain`, or a name and
an address, `Display Name <local@domain>`. The address is ASCII: a local part of letters,
digits, dots (not first, last or doubled) and ``!#$%&'*+/=?^_`{|}~-``, at most 64 characters;
and a domain of dot-separated labels of letters, digits and inner hyphens, 1 to 63 characters
each, at most 253 in all (one label, like `localhost`, is fine). The display name may not
contain `<` or `>`, nor, unless it is in double quotes, `,`, `;`, `@` or `"`. No part may
contain control characters (a line break would let a value forge e-mail headers). Quoted local
parts, IP-literal domains and non-ASCII addresses (SMTPUTF8) are refused: this rule is meant to
be simple and to accept what people actually type, not all of RFC 5322.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

RECIPIENT_FIELDS = ("to", "cc", "bcc")

_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*\Z")
_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z")
_NAMED = re.compile(r"(?P<name>[^<>]*)<(?P<address>[^<>]*)>\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNQUOTED_NAME_BAD = re.compile(r'[,;@"]')


class InvalidNotification(ValueError):
    """A notification field that cannot be sent; `field` names it (`to.1`, `subject`)."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


def address_problem(address: str) -> str | None:
    """Why `address` (a bare `local@domain`) breaks the rule above, or None."""
    if address.count("@") != 1:
        return "needs exactly one '@'"
    local, domain = address.split("@")
    if not local or len(local) > 64 or not _LOCAL.match(local):
        return f"{local!r} is not a valid local part (before '@')"
    labels = domain.split(".")
    if not domain or len(domain) > 253 or not all(_LABEL.match(label) for label in labels):
        return f"{domain!r} is not a valid domain"
    return None


def split_recipient(entry: str) -> tuple[str, str]:
    """`(display name, address)` of a recipient that passed `recipient_problem`."""
    named = _NAMED.match(entry.strip())
    if named is None:
        return "", entry.strip()
    return named["name"].strip().strip('"'), named["address"].strip()


def recipient_problem(entry: str) -> str | None:
    """Why `entry` is not a recipient by the rule above, or None."""
    if _CONTROL.search(entry):
        return "contains a control character (such as a line break)"
    text = entry.strip()
    named = _NAMED.match(text)
    if named is None:
        if "<" in text or ">" in text:
            return "use 'Name <local@domain>' or a bare address"
        address = text
    else:
        name = named["name"].strip()
        quoted = len(name) >= 2 and name[0] == name[-1] == '"' and '"' not in name[1:-1]
        if name and not quoted and _UNQUOTED_NAME_BAD.search(name):
            return 'a display name with , ; @ or " must be in double quotes'
        address = named["address"].strip()
    problem = address_problem(address)
    return None if problem is None else f"{address!r} is not an e-mail address: {problem}"


def check_notification(doc: Mapping[str, Any]) -> None:
    """Raise `InvalidNotification` for the first field of `doc` that cannot be sent."""
    subject = doc.get("subject")
    if not isinstance(subject, str):
        raise InvalidNotification("subject", "must be a string")
    if _CONTROL.search(subject):
        raise InvalidNotification("subject", "may not contain line breaks or control characters")
    if not isinstance(doc.get("message"), str):
        raise InvalidNotification("message", "must be a string")
    for field in RECIPIENT_FIELDS:
        entries = doc.get(field, [])
        if not isinstance(entries, list):
            raise InvalidNotification(field, "must be a list of e-mail addresses")
        for index, entry in enumerate(entries):
            if not isinstance(entry, str):
                raise InvalidNotification(f"{field}.{index}", "must be a string")
            problem = recipient_problem(entry)
            if problem is not None:
                raise InvalidNotification(f"{field}.{index}", problem)
    if not doc.get("to"):
        raise InvalidNotification("to", "needs at least one address")
