"""Creating notifications and delivering their emails, each exactly once.

`notify` turns drafts into rows. Each row's dedupe key (organisation, kind, object, occurrence,
person) is unique, so inserting is the dedupe: rows that exist are skipped, whoever inserted
them. It decides each row's channels from the person's preferences: in the app or not; by
email now, after their quiet hours, in tomorrow's digest, or not at all.

`deliver_emails` sends the emails of pending rows that are due, in chunks of
NOTIFICATION_EMAIL_CHUNK. A chunk is one transaction: claim the rows still pending (an UPDATE,
so a second worker with the same rows waits for this one and then finds them sent), send them
over one connection, mark them sent, commit. A failure of one email is recorded on its row and
the others are kept; a worker killed before the commit leaves the whole chunk pending, and the
redelivered task sends it: delivery that joins the transaction (as the tests' recording
backend does) is exactly once. An SMTP server accepts messages outside our transaction, so a
worker killed hard (SIGKILL, out of memory; a warm shutdown finishes its task) in the middle
of a chunk may repeat the emails of that chunk it had already handed over: each carries its
row's Message-ID, so mail clients show one. NOTIFICATION_EMAIL_CHUNK=1 narrows that to one
email, at the price of a commit per email.

A failed send is retried later with a growing delay (the beat sweep picks it up; no long
countdowns in the broker) and, after the last attempt, shown to the organisation's admins.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.kinds import KINDS
from notifications.models import EmailState, Notification
from notifications.preferences import Choices, choices_of, unsubscribe_token
from notifications.timing import next_digest_at, quiet_until, zone_of
from organizations.models import Organization
from organizations.realtime import group_send_now, user_group_name
from organizations.scope import organization_scope

# Rows per email task: one SMTP connection each.
EMAIL_BATCH = 500
MAX_ATTEMPTS = 5
# Attempt n waits RETRY_BASE * 2**(n-1): 2, 4, 8, 16 minutes.
RETRY_BASE = datetime.timedelta(minutes=2)
LIVE_FIELDS = ("pk", "user_id", "kind", "title", "url", "created_at")


@dataclass(frozen=True)
class Draft:
    """A notification to create. `occurrence` names the object and moment it is about
    (e.g. "meeting:12:24h"); with the kind and the person it is the dedupe key."""

    kind: str
    occurrence: str
    title: str
    user_id: int | None = None
    email: str = ""  # for someone without an account (an invitee); else the user's address
    body: str = ""
    url: str = ""
    action: str = ""
    mentorship_id: int | None = None
    program_id: int | None = None
    expires_at: datetime.datetime | None = None
    sent_by_id: int | None = None


def dedupe_key(organization_id: int, draft: Draft) -> str:
    person = f"u{draft.user_id}" if draft.user_id else "e" + draft.email.lower()
    key = f"{organization_id}:{draft.kind}:{draft.occurrence}:{person}"
    if len(key) > 200:  # long emails or occurrences: keep it unique and within the column
        key = key[:150] + ":" + hashlib.sha256(key.encode()).hexdigest()[:40]
    return key


@dataclass(frozen=True)
class _Person:
    email: str
    zone_name: str
    active: bool


def _email_plan(
    draft: Draft, person: _Person | None, choices: Choices | None, now: datetime.datetime
) -> tuple[bool, str, datetime.datetime | None]:
    """(in the app?, email state, email due at) for one draft."""
    kind = KINDS[draft.kind]
    if draft.user_id is None:  # an invitee: email only, no preferences yet
        return False, EmailState.PENDING, now
    if person is None or choices is None or not person.active:
        return False, EmailState.NONE, None
    in_app = choices.wants(draft.kind, "in_app")
    if not choices.wants(draft.kind, "email"):
        return in_app, EmailState.NONE, None
    if choices.bounced:
        return in_app, EmailState.BOUNCED, None
    zone, _ = zone_of(person.zone_name)
    if choices.digest == "daily" and not kind.urgent:
        return in_app, EmailState.DIGEST, next_digest_at(now, zone, choices.digest_hour)
    due = quiet_until(now, zone, choices.quiet_start, choices.quiet_end) or now
    if draft.expires_at is not None and due >= draft.expires_at:
        return in_app, EmailState.NONE, None  # it would arrive too late to matter
    return in_app, EmailState.PENDING, due


def notify(
    organization: Organization, drafts: Sequence[Draft], *, now: datetime.datetime | None = None
) -> list[int]:
    """Create the notifications that do not exist yet (a fixed number of queries); once the
    transaction commits, push the new in-app ones live. Returns the new rows' ids, ascending."""
    now = now or timezone.now()
    drafts = [d for d in drafts if d.kind in KINDS]
    if not drafts:
        return []
    user_ids = {d.user_id for d in drafts if d.user_id}
    people = {
        pk: _Person(email, zone_name, active)
        for pk, email, zone_name, active in User.objects.filter(pk__in=user_ids).values_list(
            "pk", "email", "timezone", "is_active"
        )
    }
    choices = choices_of(user_ids)
    batch = uuid.uuid4()
    rows = []
    seen = set()
    for draft in drafts:
        key = dedupe_key(organization.pk, draft)
        if key in seen:
            continue
        seen.add(key)
        person = people.get(draft.user_id) if draft.user_id else None
        in_app, state, due = _email_plan(draft, person, choices.get(draft.user_id), now)
        rows.append(
            Notification(
                organization=organization, user_id=draft.user_id,
                email=person.email if person else draft.email, kind=draft.kind,
                dedupe_key=key, title=draft.title[:200], body=draft.body[:4000],
                url=draft.url[:500], action=draft.action[:60],
                mentorship_id=draft.mentorship_id, program_id=draft.program_id,
                sent_by_id=draft.sent_by_id, in_app=in_app, email_state=state,
                email_due_at=due, expires_at=draft.expires_at, batch=batch,
            )
        )  # fmt: skip
    with organization_scope(organization):
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        created = list(
            Notification.objects.filter(batch=batch)
            .order_by("pk")
            .values_list("pk", "user_id", "kind", "title", "url", "in_app")
        )
    live = [
        (
            user_group_name(organization.pk, user_id),
            {
                "type": "notification.message",
                "notification": {"id": pk, "kind": kind, "title": title, "url": url},
            },
        )
        for pk, user_id, kind, title, url, in_app in created
        if in_app and user_id
    ]
    if live:
        transaction.on_commit(lambda: group_send_now(live))
    return [row[0] for row in created]


# Emails ----------------------------------------------------------------------------------------


def _unsubscribe_url(user_id: int | None, kind: str) -> str:
    if not user_id:
        return ""
    path = reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user_id, kind)})
    return settings.SITE_URL.rstrip("/") + path


def message_id(notification_key: str) -> str:
    digest = hashlib.sha256(notification_key.encode()).hexdigest()[:32]
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
    return f"<n-{digest}@{domain}>"


class _Templates:
    """The email's templates, loaded once per batch."""

    def __init__(self) -> None:
        self.text = get_template("notifications/email/notification.txt")
        self.html = get_template("notifications/email/notification.html")
        self.preferences_url = settings.SITE_URL.rstrip("/") + reverse("notifications:preferences")


def build_email(row, templates: _Templates, organization: Organization, connection=None):
    """The email of one notification: text and HTML, a one-click unsubscribe for its kind."""
    site = settings.SITE_URL.rstrip("/")
    unsubscribe = _unsubscribe_url(row.user_id, row.kind)
    context = {
        "title": row.title,
        "body": row.body,
        # Only the platform's own pages: a link elsewhere is left out, as the centre does.
        "url": site + row.url if row.url.startswith("/") and not row.url.startswith("//") else "",
        "action": row.action or "Open",
        "organization": organization.name,
        "kind": KINDS[row.kind],
        "unsubscribe_url": unsubscribe,
        "preferences_url": templates.preferences_url,
    }
    headers = {"Message-ID": message_id(row.dedupe_key)}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=row.title, body=templates.text.render(context), to=[row.email],
        headers=headers, connection=connection,
    )  # fmt: skip
    email.attach_alternative(templates.html.render(context), "text/html")
    return email


def due_rows(ids: Iterable[int] | None, now: datetime.datetime):
    """Pending rows due by now (of `ids`, or any), with what their email needs."""
    rows = Notification.all_organizations.filter(
        email_state=EmailState.PENDING, email_due_at__lte=now
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.only(
        "pk", "organization_id", "user_id", "email", "kind", "dedupe_key", "title", "body",
        "url", "action", "email_attempts",
    ).order_by("pk")  # fmt: skip


def deliver_emails(ids: Iterable[int], *, now: datetime.datetime | None = None) -> int:
    """Send the due emails of these rows, each once, in chunks. Returns how many were sent."""
    now = now or timezone.now()
    ids = list(ids)
    # A reminder whose moment passed before it could go is not sent late.
    Notification.all_organizations.filter(
        pk__in=ids, email_state=EmailState.PENDING, expires_at__lte=now
    ).update(email_state=EmailState.NONE)
    rows = list(due_rows(ids, now))
    if not rows:
        return 0
    organizations = {
        org.pk: org for org in Organization.objects.filter(pk__in={r.organization_id for r in rows})
    }
    templates = _Templates()
    sent = 0
    size = settings.NOTIFICATION_EMAIL_CHUNK
    with get_connection() as connection:
        for start in range(0, len(rows), size):
            done, stop = _deliver_chunk(
                rows[start : start + size], templates, organizations, connection, now
            )
            sent += done
            if stop:  # the mail server is down: the rest waits for the retry
                break
    return sent


@transaction.atomic
def _deliver_chunk(rows, templates, organizations, connection, now) -> tuple[int, bool]:
    """Claim the chunk's rows that are still pending, send them, mark them: one transaction.
    Another worker claiming the same rows waits for it and then finds them sent; a worker
    killed before it commits leaves them pending for the redelivered task. Returns (sent,
    whether to stop: the server failed)."""
    token = uuid.uuid4().hex
    Notification.all_organizations.filter(
        pk__in=[r.pk for r in rows], email_state=EmailState.PENDING
    ).update(email_state=EmailState.SENDING, claimed_by=token, claimed_at=timezone.now())
    claimed = set(
        Notification.all_organizations.filter(
            pk__in=[r.pk for r in rows], email_state=EmailState.SENDING, claimed_by=token
        ).values_list("pk", flat=True)
    )
    sent: list[int] = []
    stop = False
    for row in rows:
        if row.pk not in claimed:
            continue  # sent (or being sent) by another worker
        email = build_email(row, templates, organizations[row.organization_id], connection)
        try:
            email.send()
        except SMTPRecipientsRefused as error:
            _failed(row, now, f"The address was refused: {error}"[:300], final=True)
        except OSError as error:  # smtplib's errors are OSErrors
            _failed(row, now, f"{type(error).__name__}: {error}"[:300])
            stop = True
            break
        else:
            sent.append(row.pk)
    Notification.all_organizations.filter(pk__in=sent).update(
        email_state=EmailState.SENT, email_sent_at=timezone.now(), email_error="",
        email_attempts=F("email_attempts") + 1,
    )  # fmt: skip
    # What was claimed and not sent (after a failure) goes back to waiting.
    Notification.all_organizations.filter(claimed_by=token, email_state=EmailState.SENDING).update(
        email_state=EmailState.PENDING
    )
    return len(sent), stop


def _failed(row, now: datetime.datetime, reason: str, *, final: bool = False) -> None:
    attempts = row.email_attempts + 1
    final = final or attempts >= MAX_ATTEMPTS
    Notification.all_organizations.filter(pk=row.pk).update(
        email_attempts=attempts,
        email_error=reason,
        email_state=EmailState.FAILED if final else EmailState.PENDING,
        email_due_at=None if final else now + RETRY_BASE * 2 ** (attempts - 1),
    )


def due_email_ids(now: datetime.datetime, limit: int = 50_000) -> list[int]:
    """Ids of pending emails due by now (quiet hours over, a retry's wait done), oldest first."""
    return list(due_rows(None, now).values_list("pk", flat=True)[:limit])


def batches(ids: Sequence[int], size: int = EMAIL_BATCH) -> list[list[int]]:
    return [list(ids[start : start + size]) for start in range(0, len(ids), size)]


# The daily digest -------------------------------------------------------------------------------


def send_digests(*, now: datetime.datetime | None = None, limit: int = 5_000) -> int:
    """One email per person and organisation with what waited for their digest hour (set as
    each row's due time when it was created). Claiming the rows and sending happen in one
    transaction, as for single emails. Returns how many digests were sent."""
    now = now or timezone.now()
    waiting = (
        Notification.all_organizations.filter(email_state=EmailState.DIGEST, email_due_at__lte=now)
        .values_list("organization_id", "user_id")
        .distinct()
        .order_by("organization_id", "user_id")[:limit]
    )
    groups = list(waiting)
    if not groups:
        return 0
    organizations = {
        org.pk: org for org in Organization.objects.filter(pk__in={g[0] for g in groups})
    }
    addresses = dict(User.objects.filter(pk__in={g[1] for g in groups}).values_list("pk", "email"))
    text = get_template("notifications/email/digest.txt")
    html = get_template("notifications/email/digest.html")
    site = settings.SITE_URL.rstrip("/")
    sent = 0
    with get_connection() as connection:
        for organization_id, user_id in groups:
            try:
                with transaction.atomic():
                    rows = list(
                        Notification.all_organizations.select_for_update()
                        .filter(
                            organization_id=organization_id, user_id=user_id,
                            email_state=EmailState.DIGEST, email_due_at__lte=now,
                        )
                        .order_by("created_at", "pk")
                    )  # fmt: skip
                    if not rows:
                        continue
                    Notification.all_organizations.filter(pk__in=[r.pk for r in rows]).update(
                        email_state=EmailState.DIGESTED, email_sent_at=timezone.now()
                    )
                    context = {
                        "rows": rows, "site": site,
                        "organization": organizations[organization_id].name,
                        "preferences_url": site + reverse("notifications:preferences"),
                    }  # fmt: skip
                    email = EmailMultiAlternatives(
                        subject=f"Your day on Mentorship: {len(rows)} update"
                        + ("s" if len(rows) != 1 else ""),
                        body=text.render(context), to=[addresses[user_id]],
                        headers={"Message-ID": message_id(f"digest:{rows[0].dedupe_key}")},
                        connection=connection,
                    )  # fmt: skip
                    email.attach_alternative(html.render(context), "text/html")
                    email.send()
            except OSError:
                continue  # the rows stay waiting: the next run tries again
            sent += 1
    return sent
