"""Claiming, rendering and sending the emails of a batch, once each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator

from accounts.models import User
from messaging.models import (
    Conversation,
    ConversationKind,
    Message,
    UnreadEmail,
)
from messaging.offline.due import UnreadDigest, email_period_start, unread_digests
from messaging.selectors import announcements_title, cohort_chat_title
from organizations.models import Organization
from organizations.scope import organization_scope

# A mentorship email quotes the first lines of its newest unread messages.
PREVIEW_MESSAGES = 3
PREVIEW_LINES = 3
PREVIEW_CHARS = 300

Item = tuple[int, int]  # (conversation id, user id)


def unread_emails_send(
    *, organization: Organization, items: Iterable[Sequence[int]], now: datetime
) -> int:
    """Email each pair that is still due, at most once per period: check, claim (the
    UnreadEmail row), send every claimed email over one connection, then mark them sent. If
    sending fails, the claims not sent are deleted and the error raised, so a retry (or the
    next scan) sends them. Returns how many were sent. A fixed number of queries, however many
    items."""
    wanted = {(int(conversation_id), int(user_id)) for conversation_id, user_id in items}
    with organization_scope(organization):
        # Another organisation's ids find nothing here: the scope filters them out.
        conversations = list(
            Conversation.objects.filter(pk__in={pk for pk, _ in wanted}).select_related(
                "cohort", "program"
            )
        )
    digests = unread_digests(
        organization=organization, conversations=conversations, now=now, wanted=wanted
    )
    if not digests:
        return 0
    emails = _render(organization, digests)
    period_start = email_period_start(now)
    with organization_scope(organization):
        claims = _claim(organization, period_start, digests)
        if not claims:
            return 0
        sent: list[int] = []
        # A refused address would be refused by a retry too: its claim stays, unsent, so the
        # address is tried once a period rather than holding up the rest of every batch.
        refused: list[int] = []
        try:
            # One connection for the whole batch; one message at a time, so that when the
            # server fails mid-batch the emails it took are known and kept.
            with get_connection() as connection:
                for digest, claim in claims:
                    try:
                        connection.send_messages([emails[digest.conversation.pk, digest.user_id]])
                    except SMTPRecipientsRefused:
                        refused.append(claim.pk)
                    else:
                        sent.append(claim.pk)
        except OSError:  # smtplib's errors are OSErrors
            done = {*sent, *refused}
            unsent = [claim.pk for _, claim in claims if claim.pk not in done]
            UnreadEmail.objects.filter(pk__in=unsent).delete()
            raise
        finally:
            if sent:
                UnreadEmail.objects.filter(pk__in=sent).update(sent_at=now)
    return len(sent)


def _claim(
    organization: Organization, period_start: datetime, digests: list[UnreadDigest]
) -> list[tuple[UnreadDigest, UnreadEmail]]:
    """Create the UnreadEmail rows; the unique (conversation, user, period) constraint decides
    who sends. One insert for the batch; only if another worker won some of the rows since the
    check are they claimed one by one, each in its own savepoint, leaving the others' alone."""

    def claim_of(digest: UnreadDigest) -> UnreadEmail:
        return UnreadEmail(
            organization=organization,
            conversation=digest.conversation,
            user_id=digest.user_id,
            period_start=period_start,
            through_sequence=digest.through_sequence,
            unread_count=digest.count,
        )

    claims = [claim_of(digest) for digest in digests]
    try:
        with transaction.atomic():
            UnreadEmail.objects.bulk_create(claims)
        return list(zip(digests, claims, strict=True))
    except IntegrityError:
        pass
    won = []
    for digest in digests:
        claim = claim_of(digest)
        try:
            with transaction.atomic():
                claim.save(force_insert=True)
        except IntegrityError:
            continue
        won.append((digest, claim))
    return won


def _render(
    organization: Organization, digests: list[UnreadDigest]
) -> dict[Item, EmailMultiAlternatives]:
    """Every digest's email, from two queries: the people (recipients and writers) and the
    quoted messages of mentorship conversations (their members may read them)."""
    people_ids = {d.user_id for d in digests} | {
        m.sender_id for d in digests for m in d.messages if m.sender_id
    }
    people = {user.pk: user for user in User.objects.filter(pk__in=people_ids)}
    quoted_ids = [
        m.pk
        for d in digests
        if d.conversation.kind == ConversationKind.MENTORSHIP
        for m in d.messages[-PREVIEW_MESSAGES:]
    ]
    with organization_scope(organization):
        bodies = dict(Message.objects.filter(pk__in=quoted_ids).values_list("pk", "body"))
    emails = {}
    for digest in digests:
        recipient = people[digest.user_id]
        context = _context(organization, digest, recipient, people, bodies)
        message = EmailMultiAlternatives(
            subject=context["subject"],
            body=render_to_string("messaging/email/unread_messages.txt", context),
            to=[recipient.email],
        )
        message.attach_alternative(
            render_to_string("messaging/email/unread_messages.html", context), "text/html"
        )
        emails[digest.conversation.pk, digest.user_id] = message
    return emails


def _context(
    organization: Organization,
    digest: UnreadDigest,
    recipient: User,
    people: dict[int, User],
    bodies: dict[int, str],
) -> dict:
    conversation = digest.conversation

    def name(user_id: int | None) -> str:
        user = people.get(user_id)
        return (user.full_name or user.email) if user else "A former member"

    writers = []
    for message in reversed(digest.messages):
        if name(message.sender_id) not in writers:
            writers.append(name(message.sender_id))
    who = _names_in_words(writers)
    count = f"{digest.count} unread message{'s' if digest.count != 1 else ''}"
    if conversation.kind == ConversationKind.MENTORSHIP:
        title = ""
        subject = f"{count} from {who}"
    else:
        if conversation.kind == ConversationKind.COHORT:
            title = cohort_chat_title(conversation.cohort)
        else:
            title = announcements_title(conversation.program)
        subject = f"{count} in {title}"
    path = reverse(
        "messaging:thread",
        kwargs={"org_slug": organization.slug, "conversation_id": conversation.pk},
    )
    previews = [
        {"name": name(m.sender_id), "text": _first_lines(bodies[m.pk])}
        for m in digest.messages[-PREVIEW_MESSAGES:]
        if m.pk in bodies
    ]
    return {
        # A header: names are single-line, but a stray line break must not reach it.
        "subject": " ".join(subject.split()),
        "recipient_name": recipient.full_name or recipient.email,
        "writers": who,
        "count": digest.count,
        "title": title,
        "previews": previews,
        "more": digest.count - len(previews) if previews else 0,
        "url": settings.SITE_URL.rstrip("/") + path,
        "period": _period_in_words(settings.MESSAGE_EMAIL_PERIOD_MINUTES),
        "organization": organization,
    }


def _names_in_words(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    if len(names) <= 3:
        return f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{', '.join(names[:2])} and {len(names) - 2} others"


def _first_lines(body: str) -> str:
    lines = [line.strip() for line in body.strip().splitlines() if line.strip()]
    text = "\n".join(lines[:PREVIEW_LINES])
    shortened = Truncator(text).chars(PREVIEW_CHARS)
    if len(lines) > PREVIEW_LINES and shortened == text:
        shortened += " …"
    return shortened


def _period_in_words(minutes: int) -> str:
    if minutes % 60:
        return "minute" if minutes == 1 else f"{minutes} minutes"
    hours = minutes // 60
    return "hour" if hours == 1 else f"{hours} hours"
