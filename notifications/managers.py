"""What program managers and admins do with notifications: a program's nudge settings, a
mentorship's nudge log and the notes they send its pair, and the organisation's failed emails.

Services check who may act and validate everything before anything is written: a refusal is a
ValidationError with each field's message and saves nothing. Selectors read a fixed number of
queries whatever the number of rows.

Privacy: the log shows what the platform and the managers wrote (titles of reminders and the
managers' own notes), never the pair's words. The titles of the kinds below can carry them (a
meeting's or a milestone's title), so managers read the kind instead.
"""

from __future__ import annotations

import datetime
import itertools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from notifications.delivery import Draft, notify
from notifications.kinds import KINDS
from notifications.models import EmailState, Notification, ProgramNudgeSettings
from notifications.preferences import choices_of
from notifications.program_settings import PROGRAM_KINDS, NudgeSettings, nudge_settings_for
from notifications.tasks import deliver_notification_emails
from organizations.models import Membership
from organizations.scope import organization_scope
from programs.access import can_manage_program
from programs.models import OPEN_MENTORSHIP_STATES, Enrolment, Mentorship, Program

# Inactivity reminders: how many, and the range of each (days without contact).
INACTIVE_DAYS_MAX_COUNT = 5
INACTIVE_DAYS_RANGE = (1, 120)
# The other timings: (lowest, highest, what the number counts).
TIMING_RANGES: dict[str, tuple[int, int, str]] = {
    "milestone_due_days": (0, 30, "days"),
    "agreement_after_days": (1, 60, "days"),
    "request_expiry_hours": (1, 168, "hours"),
}
NUDGE_MAX_LENGTH = 1000
MANUAL_NUDGES_PER_DAY = 5
LOG_PAGE_SIZE = 50
FAILED_STATES = (EmailState.FAILED, EmailState.BOUNCED)
# Kinds whose titles may quote the pair (a meeting's title, a goal's milestone).
PAIR_WORDED_KINDS = {
    "meeting_reminder": "(Its title names the pair's meeting, so it is not shown.)",
    "milestone_due": "(Its title names the pair's milestone, so it is not shown.)",
}


class Recipients(models.TextChoices):
    BOTH = "both", "Both the mentor and the mentee"
    MENTOR = "mentor", "The mentor"
    MENTEES = "mentees", "The mentee"


def _require_manager(actor: Membership, program: Program) -> None:
    if not can_manage_program(actor, program):
        raise PermissionDenied("You do not run this program.")


def _require_admin(actor: Membership) -> None:
    if not actor.can_manage_members:
        raise PermissionDenied("Only owners and admins see the organisation's failed emails.")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# A program's nudge settings -------------------------------------------------------------------


def nudge_settings_of(program: Program) -> NudgeSettings:
    """The program's settings as the scans read them (the defaults until it saves its own)."""
    return nudge_settings_for(program.organization, [program.pk])[program.pk]


def clean_inactive_days(days: Any) -> list[int]:
    low, high = INACTIVE_DAYS_RANGE
    if not isinstance(days, list | tuple) or not all(_is_int(d) for d in days):
        raise ValidationError(
            {"inactive_days": "Write whole numbers of days separated by commas, like 7, 14, 21."}
        )
    days = list(days)
    if not days:
        message = ("Give at least one number of days. To stop these reminders, untick "
                   f"“{KINDS['pair_inactive'].label}”.")  # fmt: skip
    elif len(days) > INACTIVE_DAYS_MAX_COUNT:
        message = f"Give at most {INACTIVE_DAYS_MAX_COUNT} numbers of days."
    elif any(not low <= d <= high for d in days):
        message = f"Each number of days is from {low} to {high}."
    elif any(later <= earlier for earlier, later in itertools.pairwise(days)):
        message = "Give each number larger than the one before, like 7, 14, 21."
    else:
        return days
    raise ValidationError({"inactive_days": message})


def _clean_settings(
    disabled: Any, inactive_days: Any, timings: dict[str, Any]
) -> tuple[list[str], list[int], dict[str, int]]:
    errors: dict[str, str] = {}
    if not isinstance(disabled, list | tuple | set | frozenset) or not all(
        isinstance(kind, str) for kind in disabled
    ):
        errors["disabled"] = "List the nudges the program does not run, by name."
        disabled = []
    unknown = sorted(set(disabled) - set(PROGRAM_KINDS))
    if unknown:
        errors["disabled"] = (
            f"No such nudge: {', '.join(unknown)}. Known: {', '.join(PROGRAM_KINDS)}."
        )
    days: list[int] = []
    try:
        days = clean_inactive_days(inactive_days)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    for name, (low, high, unit) in TIMING_RANGES.items():
        if not _is_int(timings[name]) or not low <= timings[name] <= high:
            errors[name] = f"Give a whole number of {unit} from {low} to {high}."
    if errors:
        raise ValidationError(errors)
    # Kept in the order of PROGRAM_KINDS, so the saved row reads the same for the same choice.
    return [k for k in PROGRAM_KINDS if k in set(disabled)], days, timings


@transaction.atomic
def nudge_settings_update(
    *, actor: Membership, program: Program, disabled: Any, inactive_days: Any,
    milestone_due_days: Any, agreement_after_days: Any, request_expiry_hours: Any,
) -> NudgeSettings:  # fmt: skip
    """Save which nudges the program runs and when. The row is made on the first save."""
    _require_manager(actor, program)
    disabled, days, timings = _clean_settings(
        disabled,
        inactive_days,
        {
            "milestone_due_days": milestone_due_days,
            "agreement_after_days": agreement_after_days,
            "request_expiry_hours": request_expiry_hours,
        },
    )
    with organization_scope(program.organization):
        ProgramNudgeSettings.objects.update_or_create(
            program=program,
            defaults={"disabled": disabled, "inactive_days": days, **timings},
            create_defaults={
                "organization": program.organization,
                "disabled": disabled,
                "inactive_days": days,
                **timings,
            },
        )
    return NudgeSettings(disabled=frozenset(disabled), inactive_days=tuple(days), **timings)


# A mentorship's nudge log ---------------------------------------------------------------------


def require_manages_mentorship(membership: Membership, mentorship: Mentorship) -> None:
    """The log is the managers' view of a pair: for anyone else (the pair too) it is missing."""
    if not can_manage_program(membership, mentorship.cohort.program):
        raise Http404("No such mentorship.")


@dataclass(frozen=True)
class EmailStatus:
    text: str
    # A badge's modifier: ok (sent), warn (waiting to retry), at_risk (not sent), "" (neutral).
    tone: str
    # Why it failed, in the mail server's words.
    detail: str = ""


def email_status(row: Notification, now: datetime.datetime | None = None) -> EmailStatus:
    """How the row's email went, in words an admin understands."""
    now = now or timezone.now()
    state = row.email_state
    if state == EmailState.SENT:
        return EmailStatus("Emailed", "ok")
    if state == EmailState.DIGESTED:
        return EmailStatus("Emailed in their daily digest", "ok")
    if state == EmailState.DIGEST:
        return EmailStatus("Email waits for their daily digest", "")
    if state == EmailState.PENDING and row.email_attempts:
        return EmailStatus("Email failed, trying again", "warn", row.email_error)
    if state == EmailState.PENDING and row.email_due_at and row.email_due_at > now:
        return EmailStatus("Email waits for their quiet hours to end", "")
    if state == EmailState.PENDING:
        return EmailStatus("Email being sent", "")
    if state == EmailState.FAILED:
        return EmailStatus("Email failed", "at_risk", row.email_error)
    if state == EmailState.BOUNCED:
        return EmailStatus("Not emailed: their address bounces", "at_risk")
    # Email off for this kind in their settings, or it would have arrived too late to matter.
    return EmailStatus("Not emailed", "")


def shown_title(row: Notification) -> str:
    """The title a manager or admin may read (see PAIR_WORDED_KINDS)."""
    return PAIR_WORDED_KINDS.get(row.kind, row.title)


# Each kind as one notification of it, in a manager's words (the kinds' own labels name them
# in the recipient's preferences: "Messages from your program managers").
LOG_LABELS = {
    "mentorship_started": "Match announced",
    "meeting_reminder": "Meeting reminder",
    "milestone_due": "Milestone due",
    "check_in_due": "Check-in due",
    "agreement_pending": "Agreement not confirmed",
    "request_expiring": "Request about to expire",
    "pair_inactive": "No contact for a while",
    "manual_nudge": "Note from a program manager",
    "weekly_digest": "Weekly summary",
    "pair_escalation": "Pair out of contact (to the managers)",
    "manager_digest": "Weekly pairs needing attention",
    "invitation_reminder": "Invitation reminder",
}


def kind_label(kind: str) -> str:
    return LOG_LABELS.get(kind) or (KINDS[kind].label if kind in KINDS else kind)


@dataclass(frozen=True)
class LogEntry:
    notification: Notification
    kind_label: str
    title: str
    recipient: str
    role: str
    email: EmailStatus
    in_app: bool
    read_at: datetime.datetime | None
    sent_by: str
    # The manager's own words of a manual nudge; never anything the pair wrote.
    message: str


def _roles(mentorship: Mentorship) -> dict[int, str]:
    roles = {m.mentee.user_id: "mentee" for m in mentorship.members.all() if m.mentee.user_id}
    if mentorship.mentor.user_id:
        roles[mentorship.mentor.user_id] = "mentor"
    return roles


def _name(user, email: str) -> str:
    if user is None:
        return email
    return user.full_name or user.email


def mentorship_nudges(mentorship: Mentorship) -> QuerySet[Notification]:
    """Every notification about this mentorship, newest first: to its pair (reminders, nudges)
    and to its managers (escalations)."""
    return (
        Notification.objects.filter(mentorship_id=mentorship.pk)
        .select_related("user", "sent_by")
        .order_by("-created_at", "-pk")
    )


def log_entries(
    mentorship: Mentorship, rows: Iterable[Notification], now: datetime.datetime | None = None
) -> list[LogEntry]:
    """The log's rows in words (no query: the mentorship's people are loaded with it)."""
    now = now or timezone.now()
    roles = _roles(mentorship)
    return [
        LogEntry(
            notification=row,
            kind_label=kind_label(row.kind),
            title=shown_title(row),
            recipient=_name(row.user, row.email),
            role=roles.get(row.user_id, "program manager" if row.user_id else "invitee"),
            email=email_status(row, now),
            in_app=row.in_app,
            read_at=row.read_at,
            sent_by=_name(row.sent_by, "") if row.sent_by_id else "",
            message=row.body if row.kind == "manual_nudge" else "",
        )
        for row in rows
    ]


# Manual nudges --------------------------------------------------------------------------------


def recipients_of(mentorship: Mentorship, to: str) -> list[Enrolment]:
    mentees = [m.mentee for m in mentorship.members.all()]
    if to == Recipients.MENTOR:
        return [mentorship.mentor]
    if to == Recipients.MENTEES:
        return mentees
    return [mentorship.mentor, *mentees]


def manual_nudges_since(mentorship: Mentorship, since: datetime.datetime) -> int:
    """How many notes were sent to the pair since then (one per send, whoever received it)."""
    return (
        Notification.objects.filter(
            mentorship_id=mentorship.pk, kind="manual_nudge", created_at__gte=since
        )
        .values("batch")
        .distinct()
        .count()
    )


def _clean_nudge(message: Any, to: Any) -> str:
    errors: dict[str, str] = {}
    text = message.strip() if isinstance(message, str) else ""
    if not text:
        errors["message"] = "Write the note you want to send."
    elif len(text) > NUDGE_MAX_LENGTH:
        errors["message"] = f"Keep the note to {NUDGE_MAX_LENGTH} characters (it has {len(text)})."
    if to not in Recipients.values:
        errors["to"] = "Choose who gets the note: both, the mentor or the mentee."
    if errors:
        raise ValidationError(errors)
    return text


@transaction.atomic
def nudge_send(*, actor: Membership, mentorship: Mentorship, message: Any, to: Any) -> list[int]:
    """Send the pair (or one side) a note from a program manager: in the app and by email, as
    each person chose for "Messages from your program managers". Returns the new rows' ids;
    their emails are handed to a worker once this commits."""
    organization = actor.organization
    _require_manager(actor, mentorship.cohort.program)
    text = _clean_nudge(message, to)
    now = timezone.now()
    with organization_scope(organization):
        # One send at a time per mentorship, so the daily limit holds under double clicks.
        status = (
            Mentorship.objects.select_for_update()
            .filter(pk=mentorship.pk)
            .values_list("status", flat=True)
            .first()
        )
        if status not in OPEN_MENTORSHIP_STATES:
            raise ValidationError(
                "This mentorship has ended: notes go to active or paused pairs only."
            )
        if manual_nudges_since(mentorship, now - datetime.timedelta(days=1)) >= (
            MANUAL_NUDGES_PER_DAY
        ):
            raise ValidationError(
                f"This pair already got {MANUAL_NUDGES_PER_DAY} notes in the last 24 hours. "
                "Try again tomorrow, or write to them directly."
            )
    sender = actor.user.full_name or actor.user.email
    occurrence = f"manual:{uuid.uuid4().hex}"
    path = reverse(
        "relationships:mentorship",
        kwargs={"org_slug": organization.slug, "mentorship_id": mentorship.pk},
    )
    drafts = [
        Draft(
            kind="manual_nudge",
            occurrence=occurrence,
            title=f"A note from {sender} about your mentorship",
            user_id=person.user_id,
            email="" if person.user_id else person.email,
            body=text,
            url=path,
            action="Open your mentorship",
            mentorship_id=mentorship.pk,
            program_id=mentorship.cohort.program_id,
            sent_by_id=actor.user_id,
        )
        for person in recipients_of(mentorship, to)
    ]
    ids = notify(organization, drafts, now=now)
    if ids:
        transaction.on_commit(lambda: deliver_notification_emails.delay(ids))
    return ids


# Failed emails (owners and admins) --------------------------------------------------------------


def failed_emails(actor: Membership) -> QuerySet[Notification]:
    """The organisation's emails that could not be sent, newest first."""
    _require_admin(actor)
    with organization_scope(actor.organization):
        return (
            Notification.objects.filter(email_state__in=FAILED_STATES)
            .select_related("user")
            .order_by("-created_at", "-pk")
        )


def get_failed_email_for(actor: Membership, notification_id: int) -> Notification:
    _require_admin(actor)
    with organization_scope(actor.organization):
        row = (
            Notification.objects.filter(pk=notification_id, email_state__in=FAILED_STATES)
            .select_related("user")
            .first()
        )
    if row is None:
        raise Http404("No such failed email.")
    return row


@dataclass(frozen=True)
class FailedEmail:
    notification: Notification
    kind_label: str
    title: str
    recipient: str
    address: str
    email: EmailStatus
    # The person's address still bounces: they must confirm it before a retry can work.
    waits_for_address: bool


def failed_entries(rows: Sequence[Notification]) -> list[FailedEmail]:
    """The rows in words, with whether each can be tried again now (one query)."""
    bounced = {
        user_id
        for user_id, choices in choices_of(r.user_id for r in rows if r.user_id).items()
        if choices.bounced
    }
    return [
        FailedEmail(
            notification=row,
            kind_label=kind_label(row.kind),
            title=shown_title(row),
            recipient=_name(row.user, row.email),
            address=row.user.email if row.user else row.email,
            email=email_status(row),
            waits_for_address=row.user_id in bounced,
        )
        for row in rows
    ]


@transaction.atomic
def failed_email_retry(*, actor: Membership, notification: Notification) -> Notification:
    """Send a failed email again, now, to the person's current address."""
    _require_admin(actor)
    now = timezone.now()
    if notification.email_state not in FAILED_STATES:
        raise ValidationError("This email did not fail: there is nothing to try again.")
    if notification.expires_at is not None and notification.expires_at <= now:
        raise ValidationError("This reminder is out of date: sending it now would not help.")
    user = notification.user
    if user is not None:
        if not user.is_active:
            raise ValidationError(f"{_name(user, '')}'s account is closed: nothing is sent.")
        if choices_of([user.pk])[user.pk].bounced:
            raise ValidationError(
                f"{_name(user, '')}'s address ({user.email}) bounces. They must confirm it on "
                "their notification settings page first; then try again."
            )
    address = user.email if user is not None else notification.email
    with organization_scope(actor.organization):
        updated = Notification.objects.filter(
            pk=notification.pk, email_state__in=FAILED_STATES
        ).update(
            email_state=EmailState.PENDING, email_due_at=now, email_attempts=0, email_error="",
            email=address,
        )  # fmt: skip
    if not updated:
        raise ValidationError("Someone else already tried this email again.")
    transaction.on_commit(lambda: deliver_notification_emails.delay([notification.pk]))
    notification.email_state, notification.email = EmailState.PENDING, address
    notification.email_attempts, notification.email_error = 0, ""
    return notification
