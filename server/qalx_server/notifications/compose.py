"""A notification as an e-mail message.

The body: pyqalx users send HTML (the report examples put links in `<a>` tags), others plain
text, and the API has no field saying which. So a message that contains an HTML tag (one of
the common elements: `<p>`, `<br>`, `<a ...>`, `<table>`, `<html>`, ...; `a < b` or `<me>`
does not count) is sent as `multipart/alternative`: a `text/plain` part made from it (tags
removed, blocks on their own lines, links written out) and the HTML itself as `text/html`.
Anything else goes as `text/plain` alone. Both are UTF-8.

Bcc recipients are envelope recipients only (RCPT TO); no header names them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html.parser import HTMLParser
from typing import Any

from .addresses import RECIPIENT_FIELDS, split_recipient

_ELEMENTS = (
    "html|head|body|p|div|span|br|hr|table|thead|tbody|tfoot|tr|td|th|caption|h[1-6]|ul|ol|li|"
    "dl|dt|dd|a|b|i|u|s|em|strong|small|big|sub|sup|pre|code|tt|kbd|img|blockquote|q|cite|font|"
    "center|style|section|article|header|footer|main|nav|figure|figcaption|mark|abbr"
)
_HTML_TAG = re.compile(rf"<(?:!doctype\s+html|/?(?:{_ELEMENTS})(?:\s[^<>]*)?/?)>", re.IGNORECASE)
_BLOCKS = frozenset(
    {"p", "div", "table", "ul", "ol", "dl", "pre", "blockquote", "hr"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "caption", "figure", "figcaption"}
    | {"section", "article", "header", "footer", "main", "nav"}
)
"""Elements set off by a blank line."""
_LINES = frozenset({"li", "tr", "dt", "dd"})
"""Elements on lines of their own."""
_HIDDEN = frozenset({"head", "style", "script", "title"})

HEADER = "X-Qalx-Notification"
"""Carries the notification's guid, so a received e-mail can be traced back to it."""


def looks_like_html(message: str) -> bool:
    return _HTML_TAG.search(message) is not None


class _Text(HTMLParser):
    """HTML to readable plain text: enough for an e-mail's text alternative."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []
        self.hidden = 0
        self.pre = 0
        self.links: list[str | None] = []

    def _flush(self, *, keep_empty: bool = False) -> None:
        text = "".join(self.line)
        if not self.pre:
            text = " ".join(text.split())
        if text or keep_empty:
            self.lines.append(text)
        self.line = []

    def _paragraph(self) -> None:
        self._flush()
        if self.lines and self.lines[-1]:
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self._flush(keep_empty=True)
        elif tag in _LINES:
            self._flush()
            if tag == "li":
                self.line.append("- ")
        elif tag in _BLOCKS:
            self._paragraph()
            if tag == "pre":
                self.pre += 1
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.line.append(f"[{alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _LINES:
            self._flush()
        elif tag in _BLOCKS:
            self._paragraph()
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href and not href.startswith(("#", "javascript:")):
                self.line.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.line.append(data if self.pre else re.sub(r"\s+", " ", data))

    def text(self) -> str:
        self._flush()
        return "\n".join(self.lines).strip("\n") + "\n"


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.text()


def _header_address(entry: str) -> Address:
    name, address = split_recipient(entry)
    local, domain = address.split("@")
    return Address(display_name=name, username=local, domain=domain)


def envelope_sender(sender: str) -> str:
    return split_recipient(sender)[1]


def recipients(doc: Mapping[str, Any]) -> list[str]:
    """Every envelope recipient (to, cc and bcc), each address once, in order."""
    found: dict[str, None] = {}
    for field in RECIPIENT_FIELDS:
        for entry in doc.get(field) or []:
            found.setdefault(split_recipient(entry)[1], None)
    return list(found)


def compose(doc: Mapping[str, Any], *, sender: str, guid: str) -> EmailMessage:
    """The e-mail for notification `doc` (already checked by `check_notification`)."""
    message = EmailMessage()
    message["From"] = _header_address(sender)
    message["To"] = [_header_address(entry) for entry in doc["to"]]
    if doc.get("cc"):
        message["Cc"] = [_header_address(entry) for entry in doc["cc"]]
    message["Subject"] = doc["subject"]
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=envelope_sender(sender).split("@")[1])
    message[HEADER] = guid
    body: str = doc["message"]
    if looks_like_html(body):
        message.set_content(html_to_text(body), charset="utf-8")
        message.add_alternative(body, subtype="html", charset="utf-8")
    else:
        message.set_content(body, charset="utf-8")
    return message
