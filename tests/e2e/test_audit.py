"""The owner changes a member's role on the members page, opens the audit log from the navigation,
reads the change as a sentence, narrows the log to role changes and then to a day with nothing
in it, and downloads the CSV. Screenshots land in test-artifacts/audit/ for a person to look at."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from organizations.models import AuditAction, AuditEvent, Membership, Organization, Role
from organizations.scope import organization_scope

from .support import BrowserSession, accessibility_problems

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "audit"
OWNER = "owner@demo.mentorship.test"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def test_owner_changes_a_role_and_reads_it_in_the_audit_log(
    browser_session: BrowserSession, demo_organization: Organization
) -> None:
    with organization_scope(demo_organization):
        member = (
            Membership.objects.filter(role=Role.MEMBER)
            .select_related("user")
            .order_by("user__full_name")
            .first()
        )
    name = member.user.full_name
    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in(OWNER, DEMO_PASSWORD)
    s.expect_path(r"/o/demo/$")

    # On the members page the owner makes the member a program manager (the row is swapped in).
    s.goto("/o/demo/members/")
    row = page.locator(f"#member-{member.pk}")
    row.get_by_label(f"Role of {name}").select_option(Role.PROGRAM_MANAGER)
    row.get_by_role("button", name="Change").click()
    expect(page.locator(f"#member-{member.pk}")).to_contain_text("is now program manager")

    # The navigation leads to the audit log, where the change reads as a sentence, newest first.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    s.expect_path(r"/o/demo/audit/$")
    sentence = f"Olivia Owner changed {name}'s role from member to program manager"
    first = page.locator(".audit-entry").first
    expect(first).to_contain_text(sentence)
    expect(first.locator("time")).to_have_text(re.compile(r"^\d{1,2} \w{3} \d{4} \d{2}:\d{2}$"))
    expect(page.get_by_role("link", name="Admin actions")).to_have_attribute("aria-current", "page")
    s.shoot("01-audit-log")
    assert accessibility_problems(page) == []

    # Filtered to role changes: only that line is left.
    page.get_by_label("Action").select_option(AuditAction.MEMBER_ROLE_CHANGED)
    page.get_by_role("button", name="Show").click()
    s.expect_path(r"/o/demo/audit/\?.*action=member\.role_changed")
    expect(
        page.get_by_role("heading", name="1 entry matching the filters, newest first")
    ).to_be_visible()
    expect(page.locator(".audit-entry")).to_have_count(1)
    expect(page.locator(".audit-entry")).to_contain_text(sentence)
    s.shoot("02-audit-log-role-changes")

    # On a phone the same page fits the screen: nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    expect(page.locator(".audit-entry")).to_contain_text(sentence)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    s.shoot("02-audit-log-on-a-phone")
    page.set_viewport_size(DESKTOP)

    # A range ending before it starts is refused beside the field, and shows no entries.
    page.get_by_label("From").fill("2026-03-10")
    page.get_by_label("To").fill("2026-03-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("The last day comes before the first day.")).to_be_visible()
    expect(page.locator(".audit-entry")).to_have_count(0)
    s.shoot("03-audit-log-bad-range")
    assert accessibility_problems(page) == []

    # The CSV of the role changes holds the same sentence, and the download is itself logged.
    page.get_by_role("link", name="Clear").click()
    page.get_by_label("Action").select_option(AuditAction.MEMBER_ROLE_CHANGED)
    page.get_by_role("button", name="Show").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    with open(download.path(), encoding="utf-8-sig") as file:
        rows = list(csv.reader(io.StringIO(file.read())))
    assert rows[0][:4] == ["When", "Who", "Action", "What happened"]
    assert [row[3] for row in rows[1:]] == [sentence]
    with organization_scope(demo_organization):
        assert AuditEvent.objects.filter(action=AuditAction.AUDIT_EXPORTED).count() == 1

    # The reports' view log is the other tab.
    page.get_by_role("link", name="Who viewed reports").click()
    s.expect_path(r"/o/demo/reports/audit/$")
    expect(page.get_by_role("link", name="Admin actions")).to_be_visible()
    # The refused range answered 400, which the browser notes in its console.
    s.assert_no_console_errors(allowed=("status of 400",))
