"""Scheduled reports: owners, admins and report viewers subscribe, program by program, to the
progress workbook by email, every Monday or on the first of each month.

Sending is once per subscription and day: the beat task runs daily, and a subscription is
claimed by one UPDATE (last_sent_on set to today where it was earlier), so a second worker, a
redelivered task or a second tick the same day sends nothing. A failed send gives the claim
back for the retry. Whether the person may still read the program is checked again when the
report is sent (a report viewer who became a member, or left, gets nothing).

The report covers the period just ended: the previous seven days for a weekly report, the
previous calendar month for a monthly one (the mentorships active at some time in it).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from organizations.models import Membership, Organization, Role
from organizations.scope import organization_scope
from programs.models import Program
from programs.selectors import programs_visible_to
from reports.audit import audit
from reports.exports.xlsx_writer import XLSX_CONTENT_TYPE, progress_workbook_file
from reports.filters import ReportFilters, parse_filters
from reports.models import Frequency, ReportAction, ScheduledReport

SUBSCRIBER_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.REPORT_VIEWER})


def can_subscribe(membership: Membership) -> bool:
    return membership.role in SUBSCRIBER_ROLES


def _require_subscriber(membership: Membership) -> None:
    if not can_subscribe(membership):
        raise PermissionDenied("Only owners, admins and report viewers receive scheduled reports.")


def scheduled_reports_of(membership: Membership) -> list[ScheduledReport]:
    """The member's own subscriptions, by program name."""
    _require_subscriber(membership)
    with organization_scope(membership.organization):
        return list(
            ScheduledReport.objects.filter(user_id=membership.user_id)
            .select_related("program")
            .order_by("program__name", "pk")
        )


def programs_to_subscribe(membership: Membership) -> list[Program]:
    with organization_scope(membership.organization):
        return list(programs_visible_to(membership).order_by("name", "pk"))


def scheduled_report_add(*, actor: Membership, program_id: int, frequency: str) -> ScheduledReport:
    """Subscribe the member to a program's report; subscribed already, the frequency changes."""
    _require_subscriber(actor)
    errors = {}
    if frequency not in Frequency.values:
        errors["frequency"] = "Choose weekly or monthly."
    with organization_scope(actor.organization):
        program = (
            programs_visible_to(actor).filter(pk=program_id).first()
            if str(program_id).isdigit()
            else None
        )
        if program is None:
            errors["program"] = "Choose one of the programs you report on."
        if errors:
            raise ValidationError(errors)
        scheduled, _ = ScheduledReport.objects.update_or_create(
            user_id=actor.user_id,
            program=program,
            defaults={"organization": actor.organization, "frequency": frequency},
        )
    scheduled.program = program
    return scheduled


def scheduled_report_remove(*, actor: Membership, scheduled_id: int) -> None:
    """Unsubscribe: the member's own subscriptions only (404 for anyone else's)."""
    with organization_scope(actor.organization):
        deleted, _ = ScheduledReport.objects.filter(pk=scheduled_id, user_id=actor.user_id).delete()
    if not deleted:
        raise Http404("No such scheduled report.")


def is_due(frequency: str, today: datetime.date) -> bool:
    if frequency == Frequency.WEEKLY:
        return today.weekday() == 0
    if frequency == Frequency.MONTHLY:
        return today.day == 1
    return False


def period_of(frequency: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period a report sent today covers: the previous 7 days, or the previous month."""
    yesterday = today - datetime.timedelta(days=1)
    if frequency == Frequency.MONTHLY:
        return yesterday.replace(day=1), yesterday
    return today - datetime.timedelta(days=7), yesterday


def due_scheduled_reports(today: datetime.date) -> list[tuple[int, int]]:
    """(organisation id, subscription id) of every subscription due today and not sent today,
    across organisations: the beat scan's read, through the named escape hatch."""
    frequencies = [f for f in Frequency.values if is_due(f, today)]
    if not frequencies:
        return []
    return list(
        ScheduledReport.all_organizations.filter(frequency__in=frequencies)
        .filter(Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=today))
        .order_by("organization_id", "pk")
        .values_list("organization_id", "pk")
    )


def _claim(scheduled_id: int, today: datetime.date) -> bool:
    return bool(
        ScheduledReport.objects.filter(pk=scheduled_id)
        .filter(Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=today))
        .update(last_sent_on=today)
    )


def _filters_for(membership: Membership, scheduled: ScheduledReport, today) -> ReportFilters:
    since, until = period_of(scheduled.frequency, today)
    return parse_filters(
        membership,
        {"program": str(scheduled.program_id), "since": since.isoformat(),
         "until": until.isoformat()},
    )  # fmt: skip


def scheduled_report_send(
    *, organization: Organization, scheduled_id: int, today: datetime.date
) -> bool:
    """Email one due subscription's workbook, once per day; True when it was sent."""
    with organization_scope(organization):
        scheduled = (
            ScheduledReport.objects.select_related("user", "program")
            .filter(pk=scheduled_id)
            .first()
        )
        if scheduled is None or not is_due(scheduled.frequency, today):
            return False
        previous = scheduled.last_sent_on
        if not _claim(scheduled_id, today):
            return False
        membership = (
            Membership.objects.select_related("user", "organization")
            .filter(user_id=scheduled.user_id)
            .first()
        )
    if membership is None or not can_subscribe(membership):
        return False
    try:
        filters = _filters_for(membership, scheduled, today)
    except (PermissionDenied, ValidationError):
        # The program is no longer theirs to read: nothing is sent.
        return False
    try:
        _send(membership, scheduled, filters)
    except OSError:
        with organization_scope(organization):
            ScheduledReport.objects.filter(pk=scheduled_id, last_sent_on=today).update(
                last_sent_on=previous
            )
        raise
    return True


def _send(membership: Membership, scheduled: ScheduledReport, filters: ReportFilters) -> None:
    organization = membership.organization
    now = timezone.now()
    workbook, tally = progress_workbook_file(membership, filters, now)
    with workbook:
        content = workbook.read()
    context = {
        "organization": organization,
        "program": scheduled.program,
        "frequency": scheduled.get_frequency_display().lower(),
        "weekly": scheduled.frequency == Frequency.WEEKLY,
        "since": filters.since,
        "until": filters.until,
        "tally": tally,
        "manage_url": settings.SITE_URL.rstrip("/")
        + reverse("exports:scheduled", kwargs={"org_slug": organization.slug}),
    }
    kind = "Weekly" if scheduled.frequency == Frequency.WEEKLY else "Monthly"
    email = EmailMultiAlternatives(
        subject=f"{kind} progress report: {scheduled.program.name}",
        body=render_to_string("reports/exports/email/scheduled_report.txt", context),
        to=[membership.user.email],
    )
    email.attach_alternative(
        render_to_string("reports/exports/email/scheduled_report.html", context), "text/html"
    )
    email.attach(
        f"{organization.slug}-progress-{filters.until.isoformat()}.xlsx",
        content,
        XLSX_CONTENT_TYPE,
    )
    email.send()
    audit(membership, ReportAction.SCHEDULED_REPORT, "progress", filters.given, rows=tally.rows)
