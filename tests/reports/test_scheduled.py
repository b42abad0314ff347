"""Scheduled reports: subscribing on the page, and the daily task emailing each due workbook
once."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from organizations.models import Membership, Role
from organizations.scope import organization_scope
from programs.models import Mentorship
from reports import tasks
from reports.exports import scheduled as services
from reports.models import AuditEntry, Frequency, ReportAction, ScheduledReport
from tests.conftest import _add_member, logged_in_client
from tests.factories import make_user
from tests.reports.test_exports import xlsx_text
from tests.reports.test_progress import (  # noqa: F401 - fixtures and helpers
    SECRET,
    add_pairs,
    other_program_cohort,
    pair,
    seeded,
)

MONDAY = datetime.date(2027, 2, 1)  # also the first of the month
TUESDAY = datetime.date(2027, 2, 2)
NEXT_MONDAY = datetime.date(2027, 2, 8)
FIRST_OF_APRIL = datetime.date(2027, 4, 1)  # a Thursday


@pytest.fixture
def viewer(world):
    user = make_user("viewer@example.test", "Vera Viewer")
    return _add_member(world.alpha, world.alpha_owner_membership, user, Role.REPORT_VIEWER)


def subscribe(membership, program, frequency=Frequency.WEEKLY) -> ScheduledReport:
    return services.scheduled_report_add(
        actor=membership, program_id=program.pk, frequency=frequency
    )


def page_url(world) -> str:
    return reverse("exports:scheduled", kwargs={"org_slug": world.alpha.slug})


def sent_on(world, scheduled) -> datetime.date | None:
    with organization_scope(world.alpha):
        return ScheduledReport.objects.get(pk=scheduled.pk).last_sent_on


def run_beat(monkeypatch, day: datetime.date) -> int:
    monkeypatch.setattr(tasks.timezone, "localdate", lambda *args: day)
    return tasks.send_scheduled_reports()


# The page -------------------------------------------------------------------------------------


def test_a_report_viewer_subscribes_changes_and_removes(world, viewer):
    client = logged_in_client(viewer.user)
    page = client.get(page_url(world))
    assert page.status_code == 200
    assert "You receive no scheduled report yet." in page.content.decode()
    response = client.post(
        page_url(world), {"program": world.alpha_program.pk, "frequency": "weekly"}
    )
    assert response.status_code == 302
    with organization_scope(world.alpha):
        [scheduled] = ScheduledReport.objects.all()
    assert (scheduled.user_id, scheduled.program_id, scheduled.frequency) == (
        viewer.user_id, world.alpha_program.pk, "weekly",
    )  # fmt: skip
    text = client.get(page_url(world)).content.decode()
    assert world.alpha_program.name in text and "Every Monday" in text
    # The same program again changes how often.
    client.post(page_url(world), {"program": world.alpha_program.pk, "frequency": "monthly"})
    with organization_scope(world.alpha):
        assert list(ScheduledReport.objects.values_list("frequency", flat=True)) == ["monthly"]
    remove = reverse(
        "exports:scheduled_remove",
        kwargs={"org_slug": world.alpha.slug, "scheduled_id": scheduled.pk},
    )
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    with organization_scope(world.alpha):
        assert not ScheduledReport.objects.exists()


def test_a_bad_choice_shows_the_form_again(world, viewer):
    response = logged_in_client(viewer.user).post(
        page_url(world), {"program": 987654, "frequency": "daily"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"program", "frequency"}


def test_nobody_removes_someone_elses_subscription(world, viewer):
    scheduled = subscribe(world.alpha_owner_membership, world.alpha_program)
    remove = reverse(
        "exports:scheduled_remove",
        kwargs={"org_slug": world.alpha.slug, "scheduled_id": scheduled.pk},
    )
    assert logged_in_client(viewer.user).post(remove).status_code == 404
    assert sent_on(world, scheduled) is None  # still there


def test_members_and_program_managers_have_no_scheduled_reports(world):
    for user in (world.alpha_member, world.alpha_manager):
        assert logged_in_client(user).get(page_url(world)).status_code == 403
    with pytest.raises(services.PermissionDenied):
        subscribe(world.membership(world.alpha, world.alpha_member), world.alpha_program)


# Sending --------------------------------------------------------------------------------------


def test_due_on_mondays_and_on_the_first():
    assert services.is_due(Frequency.WEEKLY, MONDAY)
    assert not services.is_due(Frequency.WEEKLY, TUESDAY)
    assert services.is_due(Frequency.MONTHLY, FIRST_OF_APRIL)
    assert not services.is_due(Frequency.MONTHLY, NEXT_MONDAY)
    assert services.period_of(Frequency.WEEKLY, MONDAY) == (
        datetime.date(2027, 1, 25), datetime.date(2027, 1, 31),
    )  # fmt: skip
    assert services.period_of(Frequency.MONTHLY, FIRST_OF_APRIL) == (
        datetime.date(2027, 3, 1), datetime.date(2027, 3, 31),
    )  # fmt: skip


def test_the_beat_emails_each_due_workbook_once_a_day(world, viewer, activity, monkeypatch):
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=activity.mentorship.pk).update(
            started_on=datetime.date(2026, 1, 5)
        )
    weekly = subscribe(viewer, world.alpha_program, Frequency.WEEKLY)
    monthly = subscribe(world.alpha_owner_membership, world.alpha_program, Frequency.MONTHLY)
    mail.outbox.clear()
    assert run_beat(monkeypatch, TUESDAY) == 0
    assert mail.outbox == []

    assert run_beat(monkeypatch, MONDAY) == 2  # a Monday and the first of June
    assert sorted(m.to[0] for m in mail.outbox) == [world.alpha_owner.email, viewer.user.email]
    email = next(m for m in mail.outbox if m.to == [viewer.user.email])
    assert email.subject == f"Weekly progress report: {world.alpha_program.name}"
    assert "1 mentorship active at some time from 25 January 2027 to 31 January 2027" in email.body
    assert SECRET not in email.body
    [(name, content, content_type)] = email.attachments
    assert name == "alpha-progress-2027-01-31.xlsx"
    assert content_type.startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Progress", "Summary", "Filters"]
    assert workbook["Progress"]["A2"].value == activity.mentorship.pk
    # Counts only: none of the pair's words, in the workbook or the email's HTML.
    assert SECRET not in xlsx_text(content)
    [(html, _)] = email.alternatives
    assert SECRET not in html and "1 mentorship" in html
    assert (sent_on(world, weekly), sent_on(world, monthly)) == (MONDAY, MONDAY)

    # A second tick the same day, a redelivered task: nothing more.
    assert run_beat(monkeypatch, MONDAY) == 0
    tasks.send_scheduled_report(world.alpha.pk, weekly.pk, MONDAY.isoformat())
    assert len(mail.outbox) == 2
    with organization_scope(world.alpha):
        entries = list(AuditEntry.objects.filter(action=ReportAction.SCHEDULED_REPORT))
    assert sorted(e.user_id for e in entries) == sorted([viewer.user_id, world.alpha_owner.pk])
    assert {e.rows for e in entries} == {1}
    assert {e.filters["since"] for e in entries} == {"2027-01-25", "2027-01-01"}

    mail.outbox.clear()
    assert run_beat(monkeypatch, NEXT_MONDAY) == 1
    assert [m.to for m in mail.outbox] == [[viewer.user.email]]


@pytest.fixture
def activity(seeded):  # noqa: F811 - the imported fixture
    return seeded


def test_a_subscription_claimed_by_another_worker_is_not_sent_again(world, viewer):
    scheduled = subscribe(viewer, world.alpha_program)
    with organization_scope(world.alpha):
        # Another worker claimed it a moment ago.
        assert services._claim(scheduled.pk, MONDAY)
    mail.outbox.clear()
    assert not services.scheduled_report_send(
        organization=world.alpha, scheduled_id=scheduled.pk, today=MONDAY
    )
    assert mail.outbox == []


def test_someone_who_may_no_longer_read_reports_gets_nothing(world, viewer):
    scheduled = subscribe(viewer, world.alpha_program)
    with organization_scope(world.alpha):
        Membership.objects.filter(pk=viewer.pk).update(role=Role.MEMBER)
    mail.outbox.clear()
    assert not services.scheduled_report_send(
        organization=world.alpha, scheduled_id=scheduled.pk, today=MONDAY
    )
    assert mail.outbox == []


def test_a_failed_send_gives_the_claim_back_for_the_retry(world, viewer, monkeypatch):
    scheduled = subscribe(viewer, world.alpha_program)

    def refuse(self, *args, **kwargs):
        raise OSError("the mail server is away")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with pytest.raises(OSError, match="away"):
        services.scheduled_report_send(
            organization=world.alpha, scheduled_id=scheduled.pk, today=MONDAY
        )
    assert sent_on(world, scheduled) is None
    monkeypatch.undo()
    mail.outbox.clear()
    assert services.scheduled_report_send(
        organization=world.alpha, scheduled_id=scheduled.pk, today=MONDAY
    )
    assert len(mail.outbox) == 1


def test_the_beat_schedule_runs_the_task_daily_at_six():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["send-scheduled-reports"]
    assert entry["task"] == "reports.tasks.send_scheduled_reports"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({6}, {0})


def test_a_scheduled_report_costs_the_same_queries_for_3_and_30_mentorships(world, viewer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scheduled = subscribe(viewer, world.alpha_program)

    def send() -> int:
        with organization_scope(world.alpha):
            ScheduledReport.objects.filter(pk=scheduled.pk).update(last_sent_on=None)
        with CaptureQueriesContext(connection) as captured:
            assert services.scheduled_report_send(
                organization=world.alpha, scheduled_id=scheduled.pk, today=MONDAY
            )
        return len(captured)

    add_pairs(world, 3)
    with organization_scope(world.alpha):
        Mentorship.objects.update(started_on=datetime.date(2027, 1, 1))
    few = send()
    add_pairs(world, 27, department="More")
    with organization_scope(world.alpha):
        Mentorship.objects.update(started_on=datetime.date(2027, 1, 1))
    many = send()
    assert few == many
    rows = [
        openpyxl.load_workbook(io.BytesIO(m.attachments[0][1]))["Progress"].max_row - 1
        for m in mail.outbox[-2:]
    ]
    assert rows == [3, 30]
