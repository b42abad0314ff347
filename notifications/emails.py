"""The notification email: Django's EmailMultiAlternatives (text, and HTML as the alternative),
with its MIME message assembled faster.

A batch sends hundreds of emails, and Django builds each one's two text parts from nothing:
every part parses its own Content-Type to set its charset. Here each part is a copy of one
built once with the same content type and transfer encoding, with the person's text put in
as Django would have put it; and a short plain subject, which Django's folding would leave as
it is, is not folded. The bytes that leave are the same as Django's
(tests/notifications/test_emails.py compares them); anything this does not cover (another
charset, attachments, a line too long for SMTP, which Django then encodes quoted-printable)
goes through Django's own code.
"""

from __future__ import annotations

import copy
from email.mime.multipart import MIMEMultipart
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import (
    RFC5322_EMAIL_LINE_LENGTH_LIMIT,
    SafeMIMEMultipart,
    SafeMIMEText,
)
from django.core.mail.utils import DNS_NAME

# (subtype, all ASCII) -> a part built by Django, to copy.
_PROTOTYPES: dict[tuple[str, bool], SafeMIMEText] = {}


def _fits_a_line(text: str) -> bool:
    """Whether every line is within SMTP's limit (bytes, as Django counts): a text of at most
    a quarter of the limit in characters cannot hold a longer line."""
    if len(text) * 4 <= RFC5322_EMAIL_LINE_LENGTH_LIMIT:
        return True
    return all(
        len(line.encode(errors="surrogateescape")) <= RFC5322_EMAIL_LINE_LENGTH_LIMIT
        for line in text.splitlines()
    )


def text_part(text: str, subtype: str) -> SafeMIMEText:
    """SafeMIMEText(text, subtype, "utf-8"), copied from a prototype where that gives the
    same part: the same headers (7bit for ASCII, 8bit otherwise), and the text as the
    payload Django stores (UTF-8 bytes held as surrogate-escaped ASCII)."""
    if not _fits_a_line(text):
        return SafeMIMEText(text, subtype, "utf-8")
    ascii_only = text.isascii()
    prototype = _PROTOTYPES.get((subtype, ascii_only))
    if prototype is None:
        prototype = _PROTOTYPES[subtype, ascii_only] = SafeMIMEText(
            "-" if ascii_only else "\u2014", subtype, "utf-8"
        )
    part = copy.copy(prototype)
    part._headers = prototype._headers.copy()
    part.defects = []
    part._payload = text if ascii_only else text.encode().decode("ascii", "surrogateescape")
    return part


def _unfolded(subject: str) -> bool:
    """Whether the Subject header is the subject as it is: ASCII, printable (no line breaks,
    tabs or controls), no space at either end, and short enough that folding at 76
    characters (email.header.Header, which Django uses) leaves it whole."""
    return (
        len(subject) <= 76
        and subject.isascii()
        and subject.isprintable()
        and subject[:1] != " "
        and subject[-1:] != " "
    )


class NotificationEmail(EmailMultiAlternatives):
    """A text email with one HTML alternative, in UTF-8."""

    def message(self):
        encoding = self.encoding or settings.DEFAULT_CHARSET
        if (
            encoding != "utf-8"
            or not self.body
            or self.attachments
            or [alternative.mimetype for alternative in self.alternatives] != ["text/html"]
        ):
            return super().message()
        # As EmailMessage.message() and EmailMultiAlternatives._create_alternatives() do.
        msg = SafeMIMEMultipart(_subtype=self.alternative_subtype, encoding=encoding)
        msg.attach(text_part(self.body, self.content_subtype))
        msg.attach(text_part(self.alternatives[0].content, "html"))
        if _unfolded(self.subject):
            # What Django's header check and folding would give: the subject as it is.
            MIMEMultipart.__setitem__(msg, "Subject", self.subject)
        else:
            msg["Subject"] = self.subject
        msg["From"] = self.extra_headers.get("From", self.from_email)
        self._set_list_header_if_not_empty(msg, "To", self.to)
        self._set_list_header_if_not_empty(msg, "Cc", self.cc)
        self._set_list_header_if_not_empty(msg, "Reply-To", self.reply_to)
        header_names = [key.lower() for key in self.extra_headers]
        if "date" not in header_names:
            msg["Date"] = formatdate(localtime=settings.EMAIL_USE_LOCALTIME)
        if "message-id" not in header_names:
            msg["Message-ID"] = make_msgid(domain=DNS_NAME)
        for name, value in self.extra_headers.items():
            if name.lower() not in {"from", "to", "cc", "reply-to"}:
                msg[name] = value
        return msg
