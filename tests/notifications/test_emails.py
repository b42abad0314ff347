"""The notification email's MIME message is byte for byte the one Django builds."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMultiAlternatives

from notifications.emails import NotificationEmail

TEXT = "It has been 8 days since you were in touch with Mentee 1\n\nOpen: http://x/o/a/\n"
HTML = "<p>You and “Mentee 1” have not written · since Tuesday</p>\n<p>Stop</p>\n"
HEADERS = {
    "Message-ID": "<n-1@example.com>",
    "Date": "Wed, 25 Nov 2026 12:00:00 -0000",
    "List-Unsubscribe": "<http://x/unsubscribe/abc/>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}


def _bytes(email_class, subject, text, html, to, headers=HEADERS):
    email = email_class(subject=subject, body=text, to=to, headers=dict(headers))
    if html is not None:
        email.attach_alternative(html, "text/html")
    message = email.message()
    if message.is_multipart():
        message.set_boundary("===============boundary==")
    return message.as_bytes(linesep="\r\n")


@pytest.mark.parametrize(
    ("subject", "text", "html", "to"),
    [
        ("It has been 8 days", TEXT, HTML, ["mentor1@example.com"]),
        ("ASCII both", TEXT, "<p>plain</p>", ["a@example.com"]),
        ("Non-ASCII both: José", "Ça va, José?\n", HTML, ["José <jose@example.com>"]),
        ("A long subject " * 12, TEXT, HTML, ["a@example.com", "b@example.com"]),
        ("Long lines", "x" * 2000 + "\n", "<p>" + "é" * 600 + "</p>", ["a@example.com"]),
        ("Just under", "y" * 998, "<p>" + "z" * 990 + "</p>", ["a@example.com"]),
        ("Text only", TEXT, None, ["a@example.com"]),
        ("Empty body", "", HTML, ["a@example.com"]),
    ],
)
def test_the_message_is_the_one_django_builds(subject, text, html, to):
    assert _bytes(NotificationEmail, subject, text, html, to) == _bytes(
        EmailMultiAlternatives, subject, text, html, to
    )


def test_a_message_built_again_is_the_same_and_parts_are_not_shared():
    first = NotificationEmail(subject="One", body=TEXT, to=["a@example.com"], headers=HEADERS)
    first.attach_alternative(HTML, "text/html")
    second = NotificationEmail(subject="Two", body="Other\n", to=["b@example.com"], headers=HEADERS)
    second.attach_alternative("<p>Other</p>", "text/html")
    one, two = first.message(), second.message()
    one.get_payload()[0]["X-Test"] = "only here"
    assert "X-Test" not in two.get_payload()[0]
    assert two.get_payload()[0].get_payload() == "Other\n"
    assert one.get_payload()[1].get_payload(decode=True).decode() == HTML
    assert first.message().as_bytes() != second.message().as_bytes()


def test_without_a_date_or_message_id_they_are_made_as_django_makes_them():
    email = NotificationEmail(subject="S", body=TEXT, to=["a@example.com"])
    email.attach_alternative(HTML, "text/html")
    message = email.message()
    assert message["Date"] and message["Message-ID"].startswith("<")


def test_a_subject_left_unfolded_is_what_django_folding_gives():
    """Every subject the fast path keeps as it is, Header().encode() keeps as it is too."""
    import random
    import string
    from email.header import Header

    from notifications.emails import _unfolded

    chance = random.Random(8)
    alphabet = string.ascii_letters + string.digits + string.punctuation + "    "
    kept = 0
    for _ in range(3000):
        subject = "".join(chance.choices(alphabet, k=chance.randint(0, 90)))
        if _unfolded(subject):
            kept += 1
            assert Header(subject).encode() == subject, subject
    assert kept > 1000
    assert not _unfolded("x" * 77)
    assert not _unfolded("Tab\there")
    assert not _unfolded("Jos\u00e9")
    assert not _unfolded("ends with a space ")
