"""Who reads what of a meeting. A private note: its author, and nobody else in any role. The
title, agenda, link, shared notes and outcome: the pair. The program's managers and the
organisation's admins: when, the status and the attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from meetings import services
from organizations.models import Role
from tests.conftest import _add_member, logged_in_api_client, logged_in_client
from tests.factories import make_user
from tests.meetings.conftest import Clock, scheduled

SECRET = "I think my manager is leaving"
SHARED = "Read the leadership chapter"
AGENDA = "Talk about the promotion round"
OUTCOME = "Agreed to shadow a team lead"


@pytest.fixture
def written(pair):
    """A meeting that took place, with everything the pair can write on it."""
    meeting = scheduled(
        pair, title="Promotion talk", agenda=AGENDA, video_link="https://call.example/r1"
    )
    services.private_note_save(actor=pair.mentee, meeting=meeting, body=SECRET)
    services.meeting_notes_update(actor=pair.mentor, meeting=meeting, shared_notes=SHARED)
    with Clock(meeting.starts_at + timedelta(hours=1)):
        services.meeting_attendance_record(
            actor=pair.mentor, meeting=meeting, attendance="held", outcome=OUTCOME
        )
    return meeting


def page(meeting) -> str:
    return f"/o/alpha/meetings/{meeting.pk}/"


def api_detail(meeting) -> str:
    return f"/api/v1/orgs/alpha/meetings/{meeting.pk}/"


def pages(meeting) -> list[str]:
    """Every page and answer that shows the meeting: its own, and its mentorship's lists."""
    mentorship_id = meeting.mentorship_id
    return [
        page(meeting),
        f"/o/alpha/mentorships/{mentorship_id}/meetings/",
        api_detail(meeting),
        f"/api/v1/orgs/alpha/mentorships/{mentorship_id}/meetings/",
    ]


ROLES = ["partner", "program_manager", "admin", "owner"]


def reader(pair, role: str):
    world = pair.world
    return {
        "partner": pair.mentor.user,
        "program_manager": world.alpha_manager,
        "admin": world.alpha_admin,
        "owner": world.alpha_owner,
    }[role]


@pytest.mark.parametrize("role", ROLES)
def test_a_private_note_is_read_by_its_author_alone(pair, written, role):
    user = reader(pair, role)
    client = logged_in_client(user)
    for path in pages(written):
        response = client.get(path)
        assert response.status_code == 200, path
        assert SECRET not in response.content.decode(), f"{role} read the private note on {path}"
    note_url = f"/api/v1/orgs/alpha/meetings/{written.pk}/private-note/"
    response = logged_in_api_client(user).get(note_url)
    if role == "partner":
        # The partner reads their own note there: none.
        assert response.json() == {"body": "", "updated_at": None}
    else:
        assert response.status_code == 403
    # The calendar file and feed of the partner carry none of it either.
    ics = client.get(f"/o/alpha/meetings/{written.pk}/meeting.ics")
    assert SECRET.encode() not in ics.content
    # The author reads it, on the page and from the API.
    assert SECRET in logged_in_client(pair.mentee.user).get(page(written)).content.decode()
    mine = logged_in_api_client(pair.mentee.user).get(note_url).json()
    assert mine["body"] == SECRET


@pytest.mark.parametrize("role", ["program_manager", "admin", "owner"])
def test_managers_see_when_and_whether_not_what(pair, written, role):
    client = logged_in_client(reader(pair, role))
    for path in pages(written):
        body = client.get(path).content.decode()
        for content in ("Promotion talk", AGENDA, SHARED, OUTCOME, "https://call.example/r1"):
            assert content not in body, f"{role} read “{content}” on {path}"
    detail = logged_in_api_client(reader(pair, role)).get(api_detail(written)).json()
    assert detail["status"] == "scheduled"
    assert detail["attendance"] == "held"
    assert detail["starts_at"]
    assert (detail["title"], detail["agenda"], detail["video_link"]) == (None, None, None)
    assert (detail["shared_notes"], detail["outcome"], detail["actions"]) == (None, None, [])
    assert "We met" in client.get(page(written)).content.decode()
    api = logged_in_api_client(reader(pair, role))
    for path, method in (
        (f"/api/v1/orgs/alpha/meetings/{written.pk}/notes/", "get"),
        (f"/api/v1/orgs/alpha/meetings/{written.pk}/meeting.ics", "get"),
        (f"/api/v1/orgs/alpha/meetings/{written.pk}/cancel/", "post"),
    ):
        assert getattr(api, method)(path).status_code == 403, path
    assert client.get(f"/o/alpha/meetings/{written.pk}/meeting.ics").status_code == 403


def test_the_pair_reads_everything_they_wrote(pair, written):
    for user in (pair.mentor.user, pair.mentee.user):
        body = logged_in_client(user).get(page(written)).content.decode()
        for content in ("Promotion talk", AGENDA, SHARED, OUTCOME, "https://call.example/r1"):
            assert content in body


def test_a_report_viewer_does_not_reach_the_meetings(pair, written):
    viewer = make_user("viewer@alphacanary.example", "Vera Viewer")
    _add_member(pair.world.alpha, pair.world.alpha_owner_membership, viewer, Role.REPORT_VIEWER)
    client = logged_in_client(viewer)
    for path in pages(written):
        assert client.get(path).status_code == 404
    assert client.get(reverse("meetings:calendar", kwargs={"org_slug": "alpha"})).status_code == 200
