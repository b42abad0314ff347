"""Emails about unread messages for people away from chat.

A beat task scans each organisation's recently active conversations for (conversation, person)
pairs that are due, and hands them to batch tasks that claim, render and send the emails. The
UnreadEmail row of a (conversation, person, period) is the dedupe key: one email per
conversation per period, whatever the number of scans, workers or redeliveries.

Rules decided here:
- Only messages of the look-back window count. Older unread ones were either told about by an
  earlier email or arrived while the person was in chat; leaving them out keeps every scan's
  rows bounded by recent activity, not by a conversation's history.
- An email's `through_sequence` moves the next email's starting point only once it was sent:
  a claim whose send failed or never happened blocks its own period, never a later email.
- A batch checks that each pair is still due *before* claiming it: someone who read the
  conversation or connected meanwhile gets no claim, so nothing blocks their next email.
"""

from messaging.offline.due import (
    UnreadDigest,
    UnreadMessage,
    email_period_start,
    look_back,
    unread_digests,
    unread_email_batches,
)
from messaging.offline.emails import unread_emails_send
from messaging.offline.members import conversation_member_ids

__all__ = [
    "UnreadDigest",
    "UnreadMessage",
    "conversation_member_ids",
    "email_period_start",
    "look_back",
    "unread_digests",
    "unread_email_batches",
    "unread_emails_send",
]
