"""The address rule, and how a notification becomes an e-mail (no server needed)."""

from __future__ import annotations

import pytest

from qalx_server.notifications.addresses import (
    InvalidNotification,
    check_notification,
    recipient_problem,
)
from qalx_server.notifications.compose import compose, html_to_text, looks_like_html, recipients


@pytest.mark.parametrize(
    "entry",
    [
        "eng@example.com",
        "first.last+tag@sub.example.co.uk",
        "ops@localhost",
        "Lead Engineer <lead@example.com>",
        '"Lead, Eng" <lead@example.com>',
        "Zoë Ångström <zoe@example.com>",
        "  padded@example.com  ",
    ],
)
def test_addresses_people_type_are_accepted(entry: str) -> None:
    assert recipient_problem(entry) is None


@pytest.mark.parametrize(
    "entry",
    [
        "plain",
        "two@@example.com",
        "a@b@example.com",
        ".lead@example.com",
        "lead.@example.com",
        "le..ad@example.com",
        "a b@example.com",
        "eng@exa_mple.com",
        "eng@-example.com",
        "eng@example..com",
        "eng@",
        "@example.com",
        "zoë@example.com",
        "Lead, Eng <lead@example.com>",
        "Lead <lead@example.com",
        "<>",
        "eng@example.com\nBcc: x@evil.example",
        "eng@example.com, other@example.com",
        "x" * 65 + "@example.com",
    ],
)
def test_anything_else_is_refused(entry: str) -> None:
    assert recipient_problem(entry) is not None


def test_check_names_the_field() -> None:
    base = {"subject": "s", "message": "m", "to": ["eng@example.com"], "cc": [], "bcc": []}
    check_notification(base)
    with pytest.raises(InvalidNotification) as caught:
        check_notification({**base, "bcc": ["eng@example.com", "nope"]})
    assert caught.value.field == "bcc.1"
    with pytest.raises(InvalidNotification) as caught:
        check_notification({**base, "to": []})
    assert caught.value.field == "to"


def test_html_is_told_from_text() -> None:
    assert looks_like_html("<p>done</p>")
    assert looks_like_html("Done.<br>12 beams")
    assert looks_like_html('see <a href="https://x.example">the report</a>')
    assert looks_like_html("<!DOCTYPE html><html></html>")
    assert not looks_like_html("0.5 < x < 0.9")
    assert not looks_like_html("Reply to <eng@example.com>")
    assert not looks_like_html("a <me> tag that is no HTML element")


def test_html_to_text_keeps_what_a_reader_needs() -> None:
    html = (
        "<html><head><style>p {color: red}</style><title>t</title></head><body>"
        "<h1>Report</h1><p>Beams:&nbsp;12 &amp; all <b>fine</b></p>"
        "<ul><li>one</li><li>two</li></ul>"
        '<p>Get it <a href="https://files.example.com/r">here</a>.<br>Thanks</p>'
        "<pre>  x = 1\n  y = 2</pre></body></html>"
    )
    assert html_to_text(html) == (
        "Report\n\nBeams: 12 & all fine\n\n- one\n- two\n\n"
        "Get it here (https://files.example.com/r).\nThanks\n\n  x = 1\n  y = 2\n"
    )


def test_recipients_are_every_address_once_and_bcc_is_no_header() -> None:
    doc = {
        "subject": "s",
        "message": "m",
        "to": ["A <a@example.com>", "b@example.com"],
        "cc": ["b@example.com"],
        "bcc": ["c@example.com"],
    }
    assert recipients(doc) == ["a@example.com", "b@example.com", "c@example.com"]
    message = compose(doc, sender="qalx@example.com", guid="0" * 32)
    assert message["To"] == "A <a@example.com>, b@example.com"
    assert "Bcc" not in message and "c@example.com" not in message.as_string()
