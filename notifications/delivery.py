"""Creating notifications and delivering their emails, each exactly once.

`notify` turns drafts into rows. Each row's dedupe key (organisation, kind, object, occurrence,
person) is unique, so inserting is the dedupe: rows that exist are skipped, whoever inserted
them. It decides each row's channels from the person's preferences: in the app or not; by
email now, after their quiet hours, in tomorrow's digest, or not at all.

`deliver_emails` sends the emails of pending rows that are due (the sweep's retries and quiet
hours that ended, a manager's resend), in chunks of NOTIFICATION_EMAIL_CHUNK. A chunk is one
transaction: lock the rows still pending (SELECT ... FOR UPDATE, so a second worker with the
same rows waits for this one and then finds them sent), send them over one connection, mark
them sent, commit.

`notify_and_send` does both for the scans' batches, writing each row once: a chunk's rows are
inserted already marked sent, their emails sent, and the chunk commits. A second worker
inserting the same keys waits for the first's commit and skips them.

Either way a failure of one email is recorded on its row and the others are kept; a worker
killed before the commit leaves the whole chunk as it was (pending, or not yet created), and
the redelivered task sends it: delivery that joins the transaction (as the tests' recording
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
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as database
from django.db import transaction
from django.db.models import F, Q
from django.db.models.constants import OnConflict
from django.template.defaultfilters import linebreaksbr
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from notifications.emails import NotificationEmail
from notifications.kinds import KINDS
from notifications.models import EmailState, Notification
from notifications.preferences import Choices, choices_of, unsubscribe_token
from notifications.timing import next_digest_at, quiet_until, zone_of
from organizations.models import Organization
from organizations.realtime import group_send_now, group_sends_collected, user_group_name

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


def _planned(
    organization: Organization, drafts: Sequence[Draft], now: datetime.datetime
) -> list[Notification]:
    """The rows of these drafts (one per dedupe key), with their channels decided from each
    person's preferences: two queries, whatever the number."""
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
                email_due_at=due, expires_at=draft.expires_at,
            )
        )  # fmt: skip
    return rows


def _insert(organization: Organization, rows: list[Notification]) -> dict[str, int]:
    """Insert the rows whose dedupe key is new, in one statement that returns what it
    inserted (INSERT ... ON CONFLICT DO NOTHING RETURNING, on PostgreSQL and SQLite alike);
    once the transaction commits, push the new in-app ones live. Returns the new rows' ids by
    dedupe key, ascending."""
    batch, created_at = uuid.uuid4(), timezone.now()
    for row in rows:
        row.batch, row.created_at = batch, created_at
    created = dict(sorted(((key, pk) for pk, key in _inserted(rows)), key=lambda item: item[1]))
    live = [
        (
            user_group_name(organization.pk, row.user_id),
            {
                "type": "notification.message",
                "notification": {
                    "id": created[row.dedupe_key],
                    "kind": row.kind,
                    "title": row.title,
                    "url": row.url,
                },
            },
        )
        for row in rows
        if row.dedupe_key in created and row.in_app and row.user_id
    ]
    if live:
        live.sort(key=lambda send: send[1]["notification"]["id"])
        transaction.on_commit(lambda: group_send_now(live))
    return created


_INSERT_FIELDS = [field for field in Notification._meta.concrete_fields if not field.primary_key]


def _inserted(rows: list[Notification]) -> list[tuple[int, str]]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id, dedupe_key: (id, key) of the rows that
    were new. On PostgreSQL each column goes as one array (a batch's hot path: no per-value
    preparation, one short statement); elsewhere Django's insert, keeping the RETURNING that
    bulk_create leaves out when conflicts are ignored."""
    if database.vendor != "postgresql":
        opts = Notification._meta
        inserted = Notification.all_organizations._insert(
            rows, fields=_INSERT_FIELDS, returning_fields=[opts.pk, opts.get_field("dedupe_key")],
            on_conflict=OnConflict.IGNORE,
        )  # fmt: skip
        return [row for row in inserted if row is not None]  # one row that existed: None
    quote = database.ops.quote_name
    columns = ", ".join(quote(field.column) for field in _INSERT_FIELDS)
    arrays = ", ".join(f"%s::{field.db_type(database)}[]" for field in _INSERT_FIELDS)
    with database.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Notification._meta.db_table)} ({columns}) "  # noqa: S608 - the model's own names
            f"SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING RETURNING id, dedupe_key",
            [[getattr(row, field.attname) for row in rows] for field in _INSERT_FIELDS],
        )
        return cursor.fetchall()


def notify(
    organization: Organization, drafts: Sequence[Draft], *, now: datetime.datetime | None = None
) -> list[int]:
    """Create the notifications that do not exist yet (a fixed number of queries); once the
    transaction commits, push the new in-app ones live. Their emails wait for deliver_emails
    (or the sweep). Returns the new rows' ids, ascending."""
    rows = _planned(organization, drafts, now or timezone.now())
    return list(_insert(organization, rows).values()) if rows else []


def notify_and_send(
    organization: Organization, drafts: Sequence[Draft], *, now: datetime.datetime | None = None
) -> int:
    """Create the notifications that do not exist yet and send the emails of those due now,
    each row written once: a chunk of rows (NOTIFICATION_EMAIL_CHUNK) is inserted as sent, its
    emails are sent, and the transaction commits. Rows that existed are left alone (told
    already, or their email waits for the sweep). A worker killed before the commit leaves no
    row, so the redelivered task inserts and sends them again; a second worker inserting the
    same keys waits for this one's commit and then skips them. An email that fails goes back
    to waiting (to be retried) or is marked failed; when the server is down, the rest of the
    batch is created waiting. Returns how many emails were sent."""
    now = now or timezone.now()
    rows = _planned(organization, drafts, now)
    if not rows:
        return 0
    sent = 0
    server_down = False
    templates = _Templates()
    size = settings.NOTIFICATION_EMAIL_CHUNK
    # Each chunk's live pushes are gathered as it commits and sent together at the end.
    with get_connection() as connection, group_sends_collected() as live:
        for start in range(0, len(rows), size):
            done, server_down = _create_and_send(
                organization, rows[start : start + size], templates, connection, now,
                send=not server_down,
            )  # fmt: skip
            sent += done
    group_send_now(live)
    return sent


@transaction.atomic
def _create_and_send(
    organization, rows, templates, connection, now, *, send: bool
) -> tuple[int, bool]:
    """One chunk of notify_and_send, in one transaction. Returns (sent, whether the server
    failed)."""
    emailed = []
    if send:
        emailed = [
            row for row in rows if row.email_state == EmailState.PENDING and row.email_due_at <= now
        ]
        for row in emailed:
            row.email_state, row.email_sent_at, row.email_attempts = EmailState.SENT, now, 1
    created = _insert(organization, rows)
    sent = 0
    untried = []
    stop = False
    for row in emailed:
        pk = created.get(row.dedupe_key)
        if pk is None:
            continue  # it existed: not this task's to send
        if stop:
            untried.append(pk)
            continue
        went = _send_one(connection, build_email(row, templates, organization), pk, 1, now)
        sent += bool(went)
        stop = went is None
    if untried:
        Notification.all_organizations.filter(pk__in=untried).update(
            email_state=EmailState.PENDING, email_sent_at=None, email_attempts=0
        )
    return sent, stop


# Emails ----------------------------------------------------------------------------------------


def message_id(notification_key: str) -> str:
    digest = hashlib.sha256(notification_key.encode()).hexdigest()[:32]
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
    return f"<n-{digest}@{domain}>"


# Where a person's own words go in an email rendered once for many: characters of Unicode's
# private use area, which no title or body of ours holds (one that does is rendered alone).
_MARK = "\ue000"
_FIELDS = ("title", "body", "url", "action", "unsubscribe_url")
_FIELD = re.compile(f"{_MARK}([a-z_]+){_MARK}")


class _Merged:
    """One template rendered once with a mark in place of each person's value, split at the
    marks: filling it in is joining strings."""

    def __init__(self, template, context: dict) -> None:
        marked = {name: f"{_MARK}{name}{_MARK}" for name in _FIELDS if context[name]}
        self.parts = _FIELD.split(template.render({**context, **marked}))

    def fill(self, values: dict[str, str]) -> str:
        parts = self.parts.copy()
        parts[1::2] = [values[name] for name in parts[1::2]]
        return "".join(parts)


class _Templates:
    """The email's templates, loaded once per batch; rendered once per organisation, kind and
    shape (with or without a body, a link, an unsubscribe link) and filled in per person: the
    same text as rendering each email, without rendering each email."""

    def __init__(self) -> None:
        self.text = get_template("notifications/email/notification.txt")
        self.html = get_template("notifications/email/notification.html")
        self.site = settings.SITE_URL.rstrip("/")
        self.preferences_url = self.site + reverse("notifications:preferences")
        # The unsubscribe address around its token (a signed token is URL-safe as it is).
        marker = "0TOKEN0"
        around = reverse("notifications:unsubscribe", kwargs={"token": marker}).split(marker)
        self.unsubscribe_around = (self.site + around[0], around[1])
        self.merged: dict[tuple, tuple[_Merged, _Merged]] = {}

    def unsubscribe_url(self, user_id: int | None, kind: str) -> str:
        if not user_id:
            return ""
        before, after = self.unsubscribe_around
        return before + unsubscribe_token(user_id, kind) + after

    def render(self, context: dict) -> tuple[str, str]:
        """(text, HTML) of one email."""
        if any(_MARK in context[name] for name in _FIELDS):
            return self.text.render(context), self.html.render(context)
        shape = (
            context["organization"], context["kind"].key,
            *(bool(context[name]) for name in _FIELDS),
        )  # fmt: skip
        merged = self.merged.get(shape)
        if merged is None:
            merged = self.merged[shape] = (_Merged(self.text, context), _Merged(self.html, context))
        text, html = merged
        values = {name: context[name] for name in _FIELDS}
        escaped = {name: escape(value) for name, value in values.items()}
        escaped["body"] = linebreaksbr(values["body"], autoescape=True)
        return text.fill(values), html.fill(escaped)


def build_email(row, templates: _Templates, organization: Organization):
    """The email of one notification: text and HTML, a one-click unsubscribe for its kind."""
    unsubscribe = templates.unsubscribe_url(row.user_id, row.kind)
    context = {
        "title": row.title,
        "body": row.body,
        # Only the platform's own pages: a link elsewhere is left out, as the centre does.
        "url": (
            templates.site + row.url
            if row.url.startswith("/") and not row.url.startswith("//")
            else ""
        ),
        "action": row.action or "Open",
        "organization": organization.name,
        "kind": KINDS[row.kind],
        "unsubscribe_url": unsubscribe,
        "preferences_url": templates.preferences_url,
    }
    text, html = templates.render(context)
    headers = {"Message-ID": message_id(row.dedupe_key)}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = NotificationEmail(subject=row.title, body=text, to=[row.email], headers=headers)
    email.attach_alternative(html, "text/html")
    return email


def _due(now: datetime.datetime):
    """Pending rows due by now."""
    return Notification.all_organizations.filter(
        email_state=EmailState.PENDING, email_due_at__lte=now
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def due_rows(ids: Iterable[int], now: datetime.datetime):
    """These rows' that are pending and due by now, with what their email needs (as tuples
    with named fields: a batch builds thousands)."""
    return (
        _due(now)
        .filter(pk__in=list(ids))
        .values_list(
            "pk", "organization_id", "user_id", "email", "kind", "dedupe_key", "title", "body",
            "url", "action", "email_attempts", named=True,
        )
        .order_by("pk")
    )  # fmt: skip


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
    """Lock the chunk's rows that are still pending, send them, mark them sent: one
    transaction. Another worker locking the same rows waits for it and then finds them sent
    (PostgreSQL checks the condition again on the row it waited for; SQLite runs one such
    transaction at a time); a worker killed before it commits leaves them pending for the
    redelivered task. The lock writes nothing, so a row is written once, when it is marked.
    Returns (sent, whether to stop: the server failed)."""
    claimed = set(
        Notification.all_organizations.select_for_update()
        .filter(pk__in=[r.pk for r in rows], email_state=EmailState.PENDING)
        .values_list("pk", flat=True)
    )
    sent: list[int] = []
    stop = False
    for row in rows:
        if row.pk not in claimed:
            continue  # sent by another worker
        email = build_email(row, templates, organizations[row.organization_id])
        went = _send_one(connection, email, row.pk, row.email_attempts + 1, now)
        if went is None:
            stop = True  # what was not tried stays pending, for the retry
            break
        if went:
            sent.append(row.pk)
    if sent:
        Notification.all_organizations.filter(pk__in=sent).update(
            email_state=EmailState.SENT, email_sent_at=timezone.now(), email_error="",
            email_attempts=F("email_attempts") + 1,
        )  # fmt: skip
    return len(sent), stop


def _send_one(connection, email, pk: int, attempts: int, now: datetime.datetime) -> bool | None:
    """Send one email, the row's `attempts`-th try. True: it went. False: the address was
    refused (the row failed for good). None: the server failed (the row waits for its retry,
    and so should the emails after it)."""
    try:
        connection.send_messages([email])
    except SMTPRecipientsRefused as error:
        _failed(pk, attempts, now, f"The address was refused: {error}"[:300], final=True)
        return False
    except OSError as error:  # smtplib's errors are OSErrors
        _failed(pk, attempts, now, f"{type(error).__name__}: {error}"[:300])
        return None
    return True


def _failed(
    pk: int, attempts: int, now: datetime.datetime, reason: str, *, final: bool = False
) -> None:
    """Record a failed send, the row's `attempts`-th: retried later, or failed for good."""
    final = final or attempts >= MAX_ATTEMPTS
    Notification.all_organizations.filter(pk=pk).update(
        email_attempts=attempts,
        email_error=reason,
        email_state=EmailState.FAILED if final else EmailState.PENDING,
        email_due_at=None if final else now + RETRY_BASE * 2 ** (attempts - 1),
        email_sent_at=None,
    )


def due_email_ids(now: datetime.datetime, limit: int = 50_000) -> list[int]:
    """Ids of pending emails due by now (quiet hours over, a retry's wait done), oldest first."""
    return list(_due(now).order_by("pk").values_list("pk", flat=True)[:limit])


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
                    email = NotificationEmail(
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
