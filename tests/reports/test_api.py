"""The reports API: the dashboard's numbers as JSON for a personal API token, the same filters
as query parameters, 400 with the field for a bad one, an audit entry per read, and the owners'
audit log."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create
from organizations.scope import organization_scope
from programs import services as program_services
from programs.services import ProgramSettings
from reports.models import AuditEntry, ReportAction
from tests.conftest import logged_in_api_client
from tests.reports.test_metrics_world import (
    MARKER,
    ReportWorld,
    build_report_world,
    this_monday,
    today,
)

REPORTS = ["api_report_dashboard", "api_report_funnel", "api_report_health"]


@pytest.fixture
def report_world(world) -> ReportWorld:
    return build_report_world(world)


def token_client(user) -> APIClient:
    _, raw = api_token_create(user=user, name="HR reporting")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def url(rw: ReportWorld, name: str, query: str = "") -> str:
    base = reverse(name, args=[rw.world.alpha.slug])
    return f"{base}?{query}" if query else base


def entries(rw: ReportWorld) -> list[AuditEntry]:
    with organization_scope(rw.organization):
        return list(AuditEntry.objects.order_by("pk"))


def test_a_report_viewer_reads_the_whole_dashboard_with_a_token(report_world):
    response = token_client(report_world.viewer).get(url(report_world, "api_report_dashboard"))
    assert response.status_code == 200
    data = response.json()
    assert data["reference_day"] == today().isoformat()
    assert [p["name"] for p in data["programs"]] == [report_world.program.name, "Graduate buddies"]
    assert [s["people"] for s in data["funnel"]["stages"]] == [14, 12, 10, 8, 6, 2]
    assert data["funnel"]["matching"]["match_rate"] == 66.7
    assert data["funnel"]["matching"]["days_to_match_median"] == 7.5
    assert data["pairs"] == {"total": 4, "active": 2, "paused": 0, "completed": 1, "ended_early": 1}
    assert [b["count"] for b in data["match_quality"]] == [0, 0, 1, 1, 1, 1]
    assert (data["meetings"]["total"], data["meetings"]["average"]) == (11, 2.8)
    assert (data["messages"]["total"], data["messages"]["average"]) == (43, 10.8)
    assert data["goals"]["milestones_overdue"] == 2
    assert data["goals"]["rating_average"] == 3.29
    health = data["health"]
    assert [t["count"] for t in health["distribution"]] == [0, 1, 1]
    assert [p["status"] for p in health["needing_attention"]] == ["at_risk", "needs_attention"]
    assert MARKER not in json.dumps(data)
    [entry] = entries(report_world)
    assert (entry.action, entry.report, entry.filters) == (ReportAction.API_READ, "dashboard", {})


def test_the_funnel_and_the_health_on_their_own(report_world):
    client = token_client(report_world.viewer)
    query = f"cohort={report_world.cohort.pk}"
    funnel = client.get(url(report_world, "api_report_funnel", query)).json()
    assert funnel["cohort"] == {"id": report_world.cohort.pk, "name": report_world.cohort.name}
    assert [(s["key"], s["mentees"], s["mentors"]) for s in funnel["stages"]][:2] == [
        ("invited", 9, 5),
        ("registered", 8, 4),
    ]
    assert funnel["withdrawn"] == 1
    assert funnel["matching"]["days_to_match_average"] == 9.5
    health = client.get(url(report_world, "api_report_health", query)).json()
    assert health["pairs_running"] == 2
    assert health["as_of"] == today().isoformat()
    assert len(health["trend"]) == 4  # from the first week with a check
    assert health["trend"][-1] == {
        "week_of": this_monday().isoformat(),
        "taken_on": today().isoformat(),
        "on_track": 0,
        "needs_attention": 1,
        "at_risk": 0,
    }
    assert MARKER not in json.dumps(funnel) + json.dumps(health)
    assert [(e.report, e.filters) for e in entries(report_world)] == [
        ("funnel", {"cohort": report_world.cohort.pk}),
        ("health", {"cohort": report_world.cohort.pk}),
    ]


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("since=31-01-2026", "since", "Give the date as YYYY-MM-DD"),
        ("since=2026-02-01&until=2026-01-01", "until", "The range ends before it starts"),
        ("cohort=x", "cohort", "No such cohort"),
    ],
)
def test_bad_filters_are_400_with_the_field(report_world, name, query, field, message):
    response = token_client(report_world.viewer).get(url(report_world, name, query))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert message in body["fields"][field][0]
    assert entries(report_world) == []


@pytest.mark.parametrize("name", REPORTS)
def test_another_organisations_program_is_a_400_never_its_data(report_world, name):
    world = report_world.world
    bravo_program = program_services.program_create(
        actor_membership=world.membership(world.bravo, world.bravo_owner),
        values=ProgramSettings(name="Bravo secret program", purpose="P"),
    )
    response = token_client(report_world.viewer).get(
        url(report_world, name, f"program={bravo_program.pk}")
    )
    assert response.status_code == 400
    assert response.json()["fields"]["program"] == [
        "No such program among the ones you can report on."
    ]
    assert "Bravo secret" not in response.content.decode()


def test_a_program_manager_reads_their_programs_only(report_world):
    client = token_client(report_world.world.alpha_manager)
    data = client.get(url(report_world, "api_report_dashboard")).json()
    assert [p["name"] for p in data["programs"]] == [report_world.program.name]
    response = client.get(
        url(report_world, "api_report_funnel", f"program={report_world.other_program.pk}")
    )
    assert response.status_code == 400


@pytest.mark.parametrize("name", [*REPORTS, "api_report_audit"])
def test_members_get_403_and_strangers_401(report_world, name):
    member = token_client(report_world.world.alpha_member).get(url(report_world, name))
    assert member.status_code == 403
    assert APIClient().get(url(report_world, name)).status_code in (401, 403)
    assert entries(report_world) == []


def test_the_owners_read_the_audit_log_page_by_page(report_world):
    viewer = token_client(report_world.viewer)
    for _ in range(3):
        viewer.get(url(report_world, "api_report_dashboard", f"cohort={report_world.cohort.pk}"))
    owner = logged_in_api_client(report_world.world.alpha_owner)
    response = owner.get(url(report_world, "api_report_audit", "page_size=2"))
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert len(data["results"]) == 2
    first = data["results"][0]
    assert first["user"] == f"Rita Viewer <{report_world.viewer.email}>"
    assert (first["action"], first["action_label"]) == (
        "api_read",
        "Read a report through the API",
    )
    assert (first["report"], first["report_label"]) == ("dashboard", "Program dashboard")
    assert first["filters"] == {"cohort": report_world.cohort.pk}
    assert first["filters_text"] == ["All programs", f"Cohort: {report_world.cohort.name}"]
    # Reading the log is itself a read of a report.
    last = entries(report_world)[-1]
    assert (last.user_id, last.report, last.rows) == (report_world.world.alpha_owner.pk, "audit", 2)


@pytest.mark.parametrize("who", ["alpha_admin", "alpha_manager", "viewer"])
def test_only_owners_read_the_audit_log(report_world, who):
    user = getattr(report_world.world, who, None) or report_world.viewer
    response = token_client(user).get(url(report_world, "api_report_audit"))
    assert response.status_code == 403
    assert "owners" in response.json()["detail"]
