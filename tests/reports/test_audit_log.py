"""The reports' audit log page: owners only, who / what / when / which filters in words / rows,
50 a page, newest first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organizations.scope import organization_scope
from reports.audit import audit
from reports.forms import describe_filters, known_departments
from reports.models import AuditEntry, ReportAction
from tests.conftest import logged_in_client
from tests.reports.test_metrics_world import report_viewer


def audit_url(world, query: str = "") -> str:
    return reverse("reports:audit_log", args=[world.alpha.slug]) + (f"?{query}" if query else "")


def test_the_owner_reads_who_viewed_what_with_which_filters(world):
    viewer = report_viewer(world)
    client = logged_in_client(viewer.user)
    query = (
        f"program={world.alpha_program.pk}&cohort={world.alpha_cohort.pk}"
        "&since=2026-01-01&until=2026-03-31&department=Finance"
    )
    dashboard = reverse("reports:dashboard", args=[world.alpha.slug])
    assert client.get(f"{dashboard}?{query}").status_code == 200
    audit(viewer, ReportAction.EXPORT_PARTICIPANTS, "participants", {}, 5)
    audit(viewer, ReportAction.EXPORT_CSV, "progress", {"program": [world.alpha_program.pk]}, 42)
    page = logged_in_client(world.alpha_owner).get(audit_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Who viewed reports" in html
    assert "3 entries, newest first" in html
    for text in (
        "<strong>Rita Viewer</strong>",
        viewer.user.email,
        "<p>Viewed the dashboard</p>",
        "Exported CSV: Progress report",
        f"Program: {world.alpha_program.name}",
        f"Cohort: {world.alpha_cohort.name}",
        "1 Jan 2026 to 31 Mar 2026",
        "Department: Finance",
        "42 rows",
        "<p>Exported the participants</p>",  # not "...: Participants" again
    ):
        assert text in html, text
    # Newest first: the export, then the view.
    assert html.index("Exported CSV") < html.index("Viewed the dashboard")


@pytest.mark.parametrize("who", ["alpha_admin", "alpha_manager", "alpha_member", "viewer"])
def test_only_owners_open_it(world, who):
    user = report_viewer(world).user if who == "viewer" else getattr(world, who)
    assert logged_in_client(user).get(audit_url(world)).status_code == 403


def test_fifty_a_page(world):
    for _ in range(51):
        audit(world.alpha_owner_membership, ReportAction.VIEW_DASHBOARD, "dashboard", {})
    client = logged_in_client(world.alpha_owner)
    first = client.get(audit_url(world)).content.decode()
    assert first.count('class="audit-entry"') == 50
    assert "Page 1 of 2" in first and "Older →" in first
    second = client.get(audit_url(world, "page=2")).content.decode()
    assert second.count('class="audit-entry"') == 1
    assert "← Newer" in second
    assert client.get(audit_url(world, "page=99")).status_code == 200  # the last page


def test_an_empty_log_says_what_will_appear(world):
    html = logged_in_client(world.alpha_owner).get(audit_url(world)).content.decode()
    assert "Nobody has viewed or downloaded a report yet." in html


def test_a_deleted_program_still_reads():
    words = describe_filters({"program": [7, 8], "cohort": 3, "until": "2026-02-01"}, {7: "A"}, {})
    assert words == [
        "Programs: A, program 8 (deleted)",
        "Cohort: cohort 3 (deleted)",
        "Up to 1 Feb 2026",
    ]
    assert describe_filters({"since": "2026-02-01", "format": "xlsx"}, {}, {}) == [
        "All programs",
        "From 1 Feb 2026",
        "Format: xlsx",
    ]


def test_departments_are_listed_once_whatever_their_case():
    assert known_departments(["sales", "Finance", " finance ", "Sales", ""]) == ["Finance", "Sales"]


def test_entries_are_kept_in_the_organisation(world):
    audit(world.alpha_owner_membership, ReportAction.VIEW_DASHBOARD, "dashboard", {})
    with organization_scope(world.bravo):
        assert AuditEntry.objects.count() == 0
    bravo_page = logged_in_client(world.bravo_owner).get(
        reverse("reports:audit_log", args=[world.bravo.slug])
    )
    assert "Nobody has viewed" in bravo_page.content.decode()
