"""A report viewer opens the program dashboard, narrows it to a cohort and sees the numbers
change; on a phone nothing scrolls sideways; a wrong date range says what to fix; the owner
reads in the audit log who looked, with which filters. Screenshots land in
test-artifacts/reports/ for a person to look at.

With the cohort chosen, the viewer downloads the progress report as CSV, Excel and PDF and the
participants as CSV: each file is opened here (csv, openpyxl, pypdf) and holds the cohort's
pairs, and none of the pairs' own words."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from goals.models import Goal
from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import Cohort, Enrolment, EnrolmentRole, EnrolmentState, Mentorship
from relationships.models import HealthSnapshot, HealthStatus
from relationships.services import health_snapshots_take

from .support import BrowserSession, accessibility_problems, field

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "reports"
DOMAIN = "demo.mentorship.test"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SECOND_COHORT = "Autumn cohort"


def _history(organization: Organization) -> None:
    """What the daily beat would have kept: today's health of every pair, and a snapshot a week
    for the five weeks before (the pairs drifting from all on track to today's mix), plus a
    second cohort whose three people are invited and nothing more yet."""
    health_snapshots_take(organization=organization)
    today = timezone.localdate()
    with organization_scope(organization):
        current = list(HealthSnapshot.objects.filter(taken_on=today).order_by("mentorship_id"))
        earlier = []
        for weeks in range(1, 6):
            for number, snapshot in enumerate(current):
                status = snapshot.status if weeks < 3 or number % 4 else HealthStatus.ON_TRACK
                if weeks >= 4:
                    status = HealthStatus.ON_TRACK
                earlier.append(
                    HealthSnapshot(
                        organization=organization, mentorship_id=snapshot.mentorship_id,
                        taken_on=today - datetime.timedelta(weeks=weeks), status=status,
                        reasons=snapshot.reasons if status != HealthStatus.ON_TRACK else [],
                    )
                )  # fmt: skip
        HealthSnapshot.objects.bulk_create(earlier)
        spring = Cohort.objects.select_related("program").get()
        autumn = Cohort.objects.create(
            organization=organization, program=spring.program, name=SECOND_COHORT,
            enrolment_opens_on=spring.ends_on, enrolment_closes_on=spring.ends_on,
            starts_on=spring.ends_on + datetime.timedelta(days=7),
            ends_on=spring.ends_on + datetime.timedelta(days=180),
        )  # fmt: skip
        Enrolment.objects.bulk_create(
            Enrolment(
                organization=organization, cohort=autumn, email=f"autumn{n}@{DOMAIN}",
                full_name=f"Autumn Person {n}", role=EnrolmentRole.MENTEE,
                state=EnrolmentState.INVITED, department="Sales",
            )
            for n in range(3)
        )  # fmt: skip


def _sign_in(s: BrowserSession, email: str) -> None:
    s.page.context.clear_cookies()
    s.goto("/accounts/login/")
    s.log_in(email, DEMO_PASSWORD)
    s.expect_path(r"/o/demo/$")


def _figure(s: BrowserSession, label: str) -> str:
    """The number of one of the figures at the top ("people enrolled", "match rate", ...)."""
    figure = s.page.locator(".report-figure").filter(has_text=label)
    return figure.locator(".report-figure__number").inner_text().strip()


def open_the_dashboard(s: BrowserSession) -> None:
    page = s.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    s.expect_path(r"/o/demo/reports/$")
    assert page.get_by_role("heading", level=1).inner_text() == "Program dashboard"
    # The whole organisation: the demo cohort's 18 people and the second cohort's 3.
    assert _figure(s, "people enrolled") == "21"
    assert _figure(s, "match rate") == "92%"  # 11 of the 12 mentees
    for heading in ("From invitation to completion", "Matching", "Meetings per pair",
                    "Messages per pair", "Goals, milestones and check-ins",
                    "Relationship health", "Pairs needing attention"):  # fmt: skip
        assert page.get_by_role("heading", name=heading, exact=True).is_visible(), heading
    assert page.get_by_role("img", name="Pairs by health, week by week").is_visible()
    attention = page.get_by_role("region", name="Pairs needing attention")
    assert attention.get_by_text(
        "Rated the relationship 2 of 5 in the latest check-in"
    ).is_visible()
    s.shoot("01-dashboard")
    assert accessibility_problems(page) == []


def narrow_to_a_cohort(s: BrowserSession) -> None:
    page = s.page
    field(page, "Cohort").select_option(label="Spring cohort")
    page.get_by_role("button", name="Show").click()
    s.expect_path(r"/o/demo/reports/\?.*cohort=\d+")
    assert _figure(s, "people enrolled") == "18"
    assert page.get_by_text("Cohort: Spring cohort").is_visible()
    page.get_by_text("The numbers, week by week").click()
    s.shoot("02-dashboard-one-cohort")
    assert accessibility_problems(page) == []


def look_on_a_phone(s: BrowserSession) -> None:
    page = s.page
    page.set_viewport_size(PHONE)
    s.shoot("03-dashboard-on-a-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert accessibility_problems(page) == []
    page.set_viewport_size(DESKTOP)


def _download(s: BrowserSession, name: str) -> tuple[str, bytes]:
    downloads = s.page.get_by_role("region", name="Download these numbers")
    with s.page.expect_download() as info:
        downloads.get_by_role("link", name=name).click()
    download = info.value
    return download.suggested_filename, download.path().read_bytes()


def download_the_reports(s: BrowserSession) -> None:
    with organization_scope(Organization.objects.get(slug="demo")):
        goal_titles = list(Goal.objects.values_list("title", flat=True))
    assert goal_titles

    name, data = _download(s, "Progress report (CSV)")
    assert name.endswith(".csv")
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Mentorship ID", "Program", "Cohort"]
    assert len(rows) == 1 + 11 and {row[2] for row in rows[1:]} == {"Spring cohort"}

    name, data = _download(s, "Progress report (Excel)")
    assert name.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    sheet = workbook[workbook.sheetnames[0]]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0][0] == "Mentorship ID" and len(cells) >= 1 + 11
    workbook_text = " ".join(
        str(value)
        for ws in workbook.worksheets
        for row in ws.iter_rows(values_only=True)
        for value in row
        if value is not None
    )

    name, data = _download(s, "Progress report (PDF)")
    assert name.endswith(".pdf") and data.startswith(b"%PDF")
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Spring cohort" in pdf_text

    name, data = _download(s, "Participants (CSV)")
    participants = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(participants) == 1 + 18  # the cohort's people

    for title in goal_titles:  # the pairs' own words stay with the pairs
        assert title not in text and title not in workbook_text and title not in pdf_text


def ask_for_it_by_email(s: BrowserSession) -> None:
    page = s.page
    page.get_by_role("link", name="Get the progress report by email every week or month").click()
    s.expect_path(r"/o/demo/reports/scheduled/$")
    assert page.get_by_text("You receive no scheduled report yet.").is_visible()
    field(page, "How often").select_option(label="On the first of each month")
    page.get_by_role("button", name="Email it to me").click()
    s.expect_path(r"/o/demo/reports/scheduled/$")
    row = page.get_by_role("row").filter(has_text="On the first of each month")
    expect(row.get_by_text("Not yet")).to_be_visible()
    s.shoot("04-scheduled-reports")
    assert accessibility_problems(page) == []
    page.go_back()
    page.go_back()
    s.expect_path(r"/o/demo/reports/\?.*cohort=\d+")


def mistype_the_range(s: BrowserSession) -> None:
    page = s.page
    field(page, "From").fill("2026-03-01")
    field(page, "To").fill("2026-01-01")
    page.get_by_role("button", name="Show").click()
    error = "The range ends before it starts: the end date must be on or after the start."
    assert page.get_by_text(error).is_visible()
    assert field(page, "Cohort").input_value() != ""  # nothing chosen is lost
    s.shoot("05-a-range-that-ends-before-it-starts")
    assert accessibility_problems(page) == []


def the_owner_reads_the_audit_log(s: BrowserSession) -> None:
    page = s.page
    _sign_in(s, f"owner@{DOMAIN}")
    s.goto("/o/demo/reports/")
    page.get_by_role("link", name="Who viewed reports").click()
    s.expect_path(r"/o/demo/reports/audit/$")
    log = page.get_by_role("list").filter(has_text="Viewed the dashboard")
    viewer_rows = log.get_by_role("listitem").filter(has_text="Rafael Reports")
    # The whole organisation, then the cohort (not the 400); then the four downloads.
    assert viewer_rows.filter(has_text="Viewed the dashboard").count() == 2
    for action in ("Exported CSV", "Exported XLSX", "Exported PDF", "Exported the participants"):
        assert viewer_rows.filter(has_text=action).count() == 1, action
    assert viewer_rows.first.get_by_text("Cohort: Spring cohort").is_visible()
    s.shoot("06-audit-log")
    assert accessibility_problems(page) == []
    page.set_viewport_size(PHONE)
    s.shoot("07-audit-log-on-a-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size(DESKTOP)


def test_a_report_viewer_follows_the_programs_and_the_owner_sees_who_looked(
    browser_session: BrowserSession, demo_organization: Organization
) -> None:
    _history(demo_organization)
    with organization_scope(demo_organization):
        assert Mentorship.objects.count() == 11
    s = browser_session
    _sign_in(s, f"reports@{DOMAIN}")
    steps = [
        open_the_dashboard,
        narrow_to_a_cohort,
        download_the_reports,
        ask_for_it_by_email,
        look_on_a_phone,
        mistype_the_range,
        the_owner_reads_the_audit_log,
    ]
    for step in steps:
        step(s)
    assert re.search(r"/o/demo/reports/audit/$", s.path)
    s.assert_no_console_errors(allowed=("status of 400",))
