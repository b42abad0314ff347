"""Which (conversation, person) pairs are due an email about unread messages."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q

from messaging.models import (
    ChatConnection,
    Conversation,
    Message,
    ReadState,
    UnreadEmail,
)
from messaging.offline.members import conversation_member_ids
from messaging.presence import CONNECTION_STALE_AFTER, connected_user_ids
from organizations.models import Organization
from organizations.scope import organization_scope

# Conversations read per scan step: each step costs the same fixed number of queries.
SCAN_BATCH = 200
# (conversation, person) pairs per email task: one SMTP connection each.
EMAIL_BATCH = 200
# How far back a scan looks for activity (at least two periods, see look_back()).
LOOK_BACK = timedelta(days=2)

Item = tuple[int, int]  # (conversation id, user id)


@dataclass(frozen=True)
class UnreadMessage:
    pk: int
    sequence: int
    sender_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class UnreadDigest:
    """What one person has not read in one conversation: its unread messages, oldest first."""

    conversation: Conversation
    user_id: int
    messages: tuple[UnreadMessage, ...]

    @property
    def count(self) -> int:
        return len(self.messages)

    @property
    def through_sequence(self) -> int:
        return self.messages[-1].sequence


def email_period_start(now: datetime) -> datetime:
    """The start of the period `now` falls in: periods are counted from the epoch, in UTC, so
    every worker and every scan agrees on them."""
    length = settings.MESSAGE_EMAIL_PERIOD_MINUTES * 60
    return datetime.fromtimestamp(int(now.timestamp()) // length * length, tz=UTC)


def look_back() -> timedelta:
    return max(LOOK_BACK, timedelta(minutes=2 * settings.MESSAGE_EMAIL_PERIOD_MINUTES))


class _RecentMessages:
    """A conversation's messages of the look-back window that may be unread (not deleted), in
    sequence order, so each person's unread ones are found by bisection."""

    def __init__(self, messages: list[UnreadMessage]) -> None:
        self.messages = sorted(messages, key=lambda m: m.sequence)
        self.sequences = [m.sequence for m in self.messages]

    def unread_by(self, user_id: int, after: int) -> tuple[UnreadMessage, ...]:
        start = bisect.bisect_right(self.sequences, after)
        return tuple(m for m in self.messages[start:] if m.sender_id != user_id)


def unread_digests(
    *,
    organization: Organization,
    conversations: list[Conversation],
    now: datetime,
    wanted: set[Item] | None = None,
) -> list[UnreadDigest]:
    """The (conversation, person) pairs due an email now, limited to `wanted` when given. Due:
    messages after both the person's read position and their last sent email, neither theirs
    nor deleted, the oldest at least MESSAGE_EMAIL_DELAY_MINUTES old; no live chat socket;
    no email (sent or claimed) in this period. A fixed number of queries."""
    if not conversations:
        return []
    members = conversation_member_ids(organization=organization, conversations=conversations)
    if wanted is not None:
        members = {
            pk: {user_id for user_id in people if (pk, user_id) in wanted}
            for pk, people in members.items()
        }
    ids = [pk for pk, people in members.items() if people]
    if not ids:
        return []
    since = now - look_back()
    period_start = email_period_start(now)
    with organization_scope(organization):
        read = {
            (conversation_id, user_id): sequence
            for conversation_id, user_id, sequence in ReadState.objects.filter(
                conversation_id__in=ids
            ).values_list("conversation_id", "user_id", "last_read_sequence")
        }
        # Emails older than the window told about messages older than it: they cannot matter.
        emailed = {}
        this_period = set()
        for row in (
            UnreadEmail.objects.filter(conversation_id__in=ids, created_at__gte=since)
            .values("conversation_id", "user_id")
            .annotate(
                through=Max("through_sequence", filter=Q(sent_at__isnull=False)),
                in_period=Count("pk", filter=Q(period_start=period_start)),
            )
        ):
            key = (row["conversation_id"], row["user_id"])
            emailed[key] = row["through"] or 0
            if row["in_period"]:
                this_period.add(key)
        recent: dict[int, list[UnreadMessage]] = defaultdict(list)
        for pk, conversation_id, sequence, sender_id, created_at in (
            Message.objects.filter(
                conversation_id__in=ids, created_at__gte=since, deleted_at__isnull=True
            )
            .order_by()
            .values_list("pk", "conversation_id", "sequence", "sender_id", "created_at")
        ):
            recent[conversation_id].append(UnreadMessage(pk, sequence, sender_id, created_at))
    by_id = {c.pk: c for c in conversations}
    oldest_allowed = now - timedelta(minutes=settings.MESSAGE_EMAIL_DELAY_MINUTES)
    candidates = []
    for conversation_id in ids:
        messages = _RecentMessages(recent[conversation_id])
        for user_id in sorted(members[conversation_id]):
            key = (conversation_id, user_id)
            if key in this_period:
                continue
            after = max(read.get(key, 0), emailed.get(key, 0))
            unread = messages.unread_by(user_id, after)
            if unread and unread[0].created_at <= oldest_allowed:
                candidates.append(UnreadDigest(by_id[conversation_id], user_id, unread))
    if not candidates:
        return []
    connected = connected_user_ids(organization, {d.user_id for d in candidates})
    return [d for d in candidates if d.user_id not in connected]


# The scan --------------------------------------------------------------------------------------


def unread_email_batches(*, organization: Organization, now: datetime) -> Iterator[list[list[int]]]:
    """Scan the organisation's recently active conversations, SCAN_BATCH at a time, and yield
    the due pairs in batches of up to EMAIL_BATCH, as JSON-able [conversation id, user id]
    lists for email_unread_batch. Drops stale chat connections on the way: a server that died
    without closing its sockets must not keep its people 'in chat' (and so never emailed)."""
    since = now - look_back()
    items: list[list[int]] = []
    after = 0
    with organization_scope(organization):
        ChatConnection.objects.filter(seen_at__lt=now - CONNECTION_STALE_AFTER).delete()
    while True:
        with organization_scope(organization):
            conversations = list(
                Conversation.objects.filter(last_message_at__gte=since, pk__gt=after).order_by(
                    "pk"
                )[:SCAN_BATCH]
            )
        if not conversations:
            break
        for digest in unread_digests(
            organization=organization, conversations=conversations, now=now
        ):
            items.append([digest.conversation.pk, digest.user_id])
            if len(items) == EMAIL_BATCH:
                yield items
                items = []
        if len(conversations) < SCAN_BATCH:
            break
        after = conversations[-1].pk
    if items:
        yield items
