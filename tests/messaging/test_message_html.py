"""Message text in a page: escaped, with line breaks and safe links (XSS payloads included)."""

from __future__ import annotations

import re

import pytest

from messaging.templatetags.messaging import message_html


def test_line_breaks_and_links():
    html = message_html("See https://example.com/guide?a=1&b=2\nand www.example.org")
    assert (
        '<a href="https://example.com/guide?a=1&amp;b=2" rel="nofollow noopener noreferrer" target="_blank">'
        in html
    )
    assert "<br>" in html
    assert 'href="http://www.example.org"' in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        '<a href="javascript:alert(1)">click</a>',
        "javascript:alert(1)",
        'https://example.com/"onmouseover="alert(1)',
        "<svg/onload=alert(1)>",
        "&lt;script&gt;",
    ],
)
def test_markup_in_a_message_is_shown_as_text(payload):
    html = message_html(payload)
    # The only tags are the links the filter makes (to http(s) addresses) and line breaks.
    for tag in re.findall(r"<[^>]*>", html):
        assert tag in ("</a>", "<br>") or re.fullmatch(
            r'<a href="https?://[^"<>]*" rel="nofollow noopener noreferrer" target="_blank">', tag
        ), tag
    assert 'onmouseover="' not in html
