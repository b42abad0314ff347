"""The program dashboard page: who may open it, what it shows (numbers, never the pairs'
words), its filters and their errors, the audit entry of each view, and its cost in queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.scope import organization_scope
from programs import services as program_services
from programs.services import ProgramSettings
from reports.models import AuditEntry, ReportAction
from tests.conftest import logged_in_client
from tests.reports.test_metrics_world import (
    MARKER,
    ReportWorld,
    build_report_world,
    report_viewer,
    seed_pairs,
)


@pytest.fixture
def report_world(world) -> ReportWorld:
    return build_report_world(world)


def dashboard_url(rw_or_world, query: str = "") -> str:
    world = getattr(rw_or_world, "world", rw_or_world)
    url = reverse("reports:dashboard", args=[world.alpha.slug])
    return f"{url}?{query}" if query else url


def audit_entries(rw: ReportWorld) -> list[AuditEntry]:
    with organization_scope(rw.organization):
        return list(AuditEntry.objects.order_by("pk"))


def test_a_report_viewer_sees_the_numbers_and_the_view_is_audited(report_world):
    response = logged_in_client(report_world.viewer).get(dashboard_url(report_world))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Program dashboard",
        "From invitation to completion",
        "Invited or applied",
        "67%",  # the match rate: 4 of 6 mentees with a complete profile
        "4 of 6 mentees with a complete profile",
        "7.5 days",  # median time to match
        "Match quality",
        "<strong>11</strong> meetings held",
        "<strong>43</strong> messages",
        "Goals, milestones and check-ins",
        "3.3<small> of 5</small>",
        "Relationship health",
        "Pairs needing attention",
        "M2 Person &amp; E2 Person",
        "Rated the relationship 2 of 5 in the latest check-in",
        '<svg class="trend-chart"',
    ):
        assert text in page, text
    [entry] = audit_entries(report_world)
    assert entry.action == ReportAction.VIEW_DASHBOARD
    assert entry.report == "dashboard"
    assert entry.filters == {}
    assert entry.user_id == report_world.viewer.pk


def test_the_filters_are_audited_as_given(report_world):
    query = f"cohort={report_world.cohort.pk}&since=2026-01-01&department=Finance"
    response = logged_in_client(report_world.viewer).get(dashboard_url(report_world, query))
    assert response.status_code == 200
    [entry] = audit_entries(report_world)
    assert entry.filters == {
        "cohort": report_world.cohort.pk,
        "since": "2026-01-01",
        "department": "Finance",
    }


@pytest.mark.parametrize("role", ["owner", "admin", "manager", "viewer"])
def test_no_role_ever_sees_what_the_pairs_wrote(report_world, role):
    users = {
        "owner": report_world.world.alpha_owner,
        "admin": report_world.world.alpha_admin,
        "manager": report_world.world.alpha_manager,
        "viewer": report_world.viewer,
    }
    client = logged_in_client(users[role])
    for query in ("", f"cohort={report_world.cohort.pk}", "since=2020-01-01"):
        response = client.get(dashboard_url(report_world, query))
        assert response.status_code == 200
        assert MARKER not in response.content.decode()


def test_members_may_not_open_it(report_world):
    response = logged_in_client(report_world.world.alpha_member).get(dashboard_url(report_world))
    assert response.status_code == 403
    assert audit_entries(report_world) == []


def test_the_nav_links_staff_to_it_and_not_members(report_world):
    url = reverse("overview", args=[report_world.world.alpha.slug])
    link = f'href="{dashboard_url(report_world)}"'
    assert link in logged_in_client(report_world.viewer).get(url).content.decode()
    assert link in logged_in_client(report_world.world.alpha_manager).get(url).content.decode()
    assert link not in logged_in_client(report_world.world.alpha_member).get(url).content.decode()


def test_the_program_page_links_to_its_dashboard(report_world):
    program = report_world.program
    url = reverse("programs:detail", args=[report_world.world.alpha.slug, program.pk])
    page = logged_in_client(report_world.viewer).get(url).content.decode()
    assert f'href="{dashboard_url(report_world)}?program={program.pk}"' in page


def test_a_program_manager_reports_on_their_programs_only(report_world):
    client = logged_in_client(report_world.world.alpha_manager)
    page = client.get(dashboard_url(report_world)).content.decode()
    assert report_world.program.name in page
    assert "Graduate buddies" not in page  # a program they do not manage
    response = client.get(dashboard_url(report_world, f"program={report_world.other_program.pk}"))
    assert response.status_code == 400
    assert "No such program among the ones you can report on." in response.content.decode()
    # Owners and admins report on every program.
    admin_page = logged_in_client(report_world.world.alpha_admin).get(dashboard_url(report_world))
    assert "Graduate buddies" in admin_page.content.decode()


def test_another_organisations_program_is_a_400_never_its_data(report_world):
    world = report_world.world
    bravo_owner = world.membership(world.bravo, world.bravo_owner)
    bravo_program = program_services.program_create(
        actor_membership=bravo_owner,
        values=ProgramSettings(name="Bravo secret program", purpose="P"),
    )
    response = logged_in_client(report_world.viewer).get(
        dashboard_url(report_world, f"program={bravo_program.pk}")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "No such program" in page
    assert "Bravo secret program" not in page
    assert audit_entries(report_world) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=yesterday", "Give the date as YYYY-MM-DD (got “yesterday”)."),
        ("since=2026-03-01&until=2026-01-01", "The range ends before it starts"),
        ("since=2020-01-01&until=2026-01-01", "Choose a range of at most three years."),
        ("cohort=987654", "No such cohort in the programs of this report."),
        ("program=abc", "No such program among the ones you can report on."),
    ],
)
def test_bad_filters_show_again_with_their_error(report_world, query, message):
    response = logged_in_client(report_world.viewer).get(dashboard_url(report_world, query))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Some filters need a fix" in page
    assert 'aria-invalid="true"' in page
    assert "From invitation to completion" not in page  # no numbers for a wrong filter


def test_the_filter_form_keeps_what_was_chosen(report_world):
    query = f"program={report_world.program.pk}&cohort={report_world.cohort.pk}&since=2026-02-01"
    page = logged_in_client(report_world.viewer).get(dashboard_url(report_world, query))
    html = page.content.decode()
    assert f'<option value="{report_world.cohort.pk}" selected>' in html
    assert 'value="2026-02-01"' in html
    # The known departments, each once whatever its case.
    assert '<option value="Finance">Finance</option>' in html
    assert '<option value="Sales">Sales</option>' in html
    assert ">finance<" not in html


def test_an_empty_cohort_shows_zeros_and_says_so(report_world):
    query = f"cohort={report_world.empty_cohort.pk}"
    response = logged_in_client(report_world.viewer).get(dashboard_url(report_world, query))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nobody is enrolled here yet." in page
    assert "No pairs in this period." in page
    assert "No health snapshots in this period yet" in page


def test_an_organisation_without_programs_gets_a_friendly_page(world):
    viewer = report_viewer(world)
    with organization_scope(world.alpha):
        world.alpha_program.delete()
    response = logged_in_client(viewer.user).get(dashboard_url(world))
    assert response.status_code == 200
    assert "No programs to report on yet." in response.content.decode()


def test_the_owner_finds_the_audit_log_from_it(report_world):
    audit_url = reverse("reports:audit_log", args=[report_world.world.alpha.slug])
    owner_page = logged_in_client(report_world.world.alpha_owner).get(dashboard_url(report_world))
    assert audit_url in owner_page.content.decode()
    viewer_page = logged_in_client(report_world.viewer).get(dashboard_url(report_world))
    assert audit_url not in viewer_page.content.decode()


def _page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_page_costs_the_same_queries_for_3_or_30_pairs(world):
    viewer = report_viewer(world)
    client = logged_in_client(viewer.user)
    seed_pairs(world, world.alpha_cohort, 3)
    client.get(dashboard_url(world))  # the session's first request loads more
    few = _page_queries(client, dashboard_url(world))
    seed_pairs(world, world.alpha_cohort, 27)
    many = _page_queries(client, dashboard_url(world))
    assert few == many
    assert many <= 30


# The downloads: each button carries the dashboard's filters; the email subscription is offered
# to those who may subscribe.

EXPORT_NAMES = ["progress_csv", "progress_xlsx", "progress_pdf", "participants_csv"]


def test_the_download_buttons_carry_the_filters(report_world):
    query = f"cohort={report_world.cohort.pk}&department=Finance"
    html = logged_in_client(report_world.viewer).get(dashboard_url(report_world, query))
    html = html.content.decode()
    slug = report_world.world.alpha.slug
    expected_query = f"cohort={report_world.cohort.pk}&amp;department=Finance"
    for name in EXPORT_NAMES:
        url = reverse(f"exports:{name}", kwargs={"org_slug": slug})
        assert f'href="{url}?{expected_query}"' in html, name
    for label in ("Progress report (CSV)", "(Excel)", "(PDF)", "Participants (CSV)"):
        assert label in html
    assert reverse("exports:scheduled", kwargs={"org_slug": slug}) in html
