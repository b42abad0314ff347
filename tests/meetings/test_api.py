"""The meetings API: everything the pages do, with field errors (nothing stored), the calendar
file and address, the settings, and a bounded number of queries for the list."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.test import Client

from meetings.models import Meeting, MeetingSlot
from organizations.scope import organization_scope
from tests.conftest import logged_in_api_client
from tests.meetings.conftest import Clock, parse_ics, propose, scheduled, soon

API = "/api/v1/orgs/alpha"


def meetings_api(pair) -> str:
    return f"{API}/mentorships/{pair.mentorship.pk}/meetings/"


def meeting_api(meeting, action: str = "") -> str:
    return f"{API}/meetings/{meeting.pk}/{action}"


def slot(starts, minutes: int = 45) -> dict:
    return {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(minutes=minutes)).isoformat(),
    }


def stored(pair) -> tuple[int, int]:
    with organization_scope(pair.world.alpha):
        return Meeting.objects.count(), MeetingSlot.objects.count()


def test_propose_list_and_read_a_meeting(pair):
    mentee = logged_in_api_client(pair.mentee.user)
    first = soon(days=2)
    response = mentee.post(
        meetings_api(pair),
        {
            "title": "First conversation",
            "agenda": "Goals",
            "slots": [slot(soon(days=3)), slot(first)],
            "generate_video_link": True,
        },
        format="json",
    )
    assert response.status_code == 201
    created = response.json()
    assert created["status"] == "proposed"
    assert created["proposed_by"] == pair.mentee.user_id
    assert [s["starts_at"] for s in created["slots"]] == [
        first.isoformat().replace("+00:00", "Z"),
        soon(days=3).isoformat().replace("+00:00", "Z"),
    ]
    assert created["video_link"].startswith("https://meet.jit.si/alpha-")
    assert created["actions"] == ["reschedule", "cancel"]
    assert (created["starts_at"], created["sequence"]) == (None, 0)
    listed = logged_in_api_client(pair.mentor.user).get(meetings_api(pair)).json()
    assert listed["count"] == 1
    (row,) = listed["results"]
    assert row["id"] == created["id"]
    assert row["actions"] == ["accept", "decline", "reschedule", "cancel"]
    assert row["slots"][0]["outside_availability_of"] == []


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"slots": [slot(soon(days=-1))]}, "slots", "The time is in the past."),
        ({"slots": [slot(soon(), minutes=-10)]}, "slots", "The time ends before it starts."),
        ({"slots": [slot(soon(), minutes=9 * 60)]}, "slots", "The time lasts longer than 8 hours."),
        (
            {"slots": [slot(soon(days=d)) for d in range(1, 7)]},
            "slots",
            "Propose at most 5 times (6 now).",
        ),
        ({"slots": []}, "slots", "Propose at least one time."),
        (
            {"video_link": "javascript:alert(1)"},
            "video_link",
            "Paste a web address starting with https://.",
        ),
        ({"title": ""}, "title", "Give the meeting a title, e.g. “First conversation”."),
    ],
)
def test_bad_input_answers_400_with_field_messages_and_stores_nothing(pair, body, field, message):
    response = logged_in_api_client(pair.mentee.user).post(
        meetings_api(pair), {"title": "Chat", "slots": [slot(soon())]} | body, format="json"
    )
    assert response.status_code == 400
    assert message in response.json()["fields"][field]
    assert stored(pair) == (0, 0)


def test_a_time_without_its_offset_is_refused(pair):
    naive = soon().replace(tzinfo=None).isoformat()
    response = logged_in_api_client(pair.mentee.user).post(
        meetings_api(pair),
        {"title": "Chat", "slots": [{"starts_at": naive, "ends_at": naive}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["slots"]["0"]["starts_at"] == [
        "Give the time with its UTC offset, e.g. 2026-03-03T10:00:00+01:00 or …Z."
    ]
    assert stored(pair) == (0, 0)


def test_managers_read_but_do_not_propose(pair):
    manager = logged_in_api_client(pair.world.alpha_manager)
    assert manager.get(meetings_api(pair)).status_code == 200
    response = manager.post(
        meetings_api(pair), {"title": "x", "slots": [slot(soon())]}, format="json"
    )
    assert response.status_code == 403
    assert stored(pair) == (0, 0)


def test_accept_decline_reschedule_and_cancel(pair):
    mentee, mentor = logged_in_api_client(pair.mentee.user), logged_in_api_client(pair.mentor.user)
    meeting = propose(pair, starts=[soon(days=2), soon(days=3)])
    with organization_scope(pair.world.alpha):
        first, second = meeting.slots.order_by("starts_at")
    response = mentee.post(meeting_api(meeting, "accept/"), {"slot": first.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "You proposed these times: the other side chooses one."
    response = mentor.post(meeting_api(meeting, "accept/"), {"slot": second.pk}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["starts_at"], body["slots"]) == (
        "scheduled", second.starts_at.isoformat().replace("+00:00", "Z"), [],
    )  # fmt: skip
    new_time = soon(days=8)
    response = mentee.post(
        meeting_api(meeting, "reschedule/"), {"slots": [slot(new_time)]}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["sequence"]) == ("proposed", 1)
    response = mentor.post(meeting_api(meeting, "decline/"))
    assert (response.status_code, response.json()["status"], response.json()["sequence"]) == (
        200, "declined", 2,
    )  # fmt: skip
    other = propose(pair)
    response = mentee.post(meeting_api(other, "cancel/"))
    assert response.json()["status"] == "cancelled"
    assert mentee.post(meeting_api(other, "cancel/")).status_code == 400


def test_notes_private_note_and_attendance(pair):
    meeting = scheduled(pair)
    mentee, mentor = logged_in_api_client(pair.mentee.user), logged_in_api_client(pair.mentor.user)
    notes = meeting_api(meeting, "notes/")
    assert mentee.patch(notes, {"shared_notes": "Bring the CV"}, format="json").status_code == 200
    assert mentor.get(notes).json() == {"shared_notes": "Bring the CV"}
    response = mentee.patch(notes, {"shared_notes": "x" * 10001}, format="json")
    assert response.status_code == 400
    assert "shared_notes" in response.json()["fields"]
    note = meeting_api(meeting, "private-note/")
    response = mentee.patch(note, {"body": "Ask about pay"}, format="json")
    assert response.json()["body"] == "Ask about pay"
    assert mentor.get(note).json() == {"body": "", "updated_at": None}
    assert mentee.patch(note, {"body": ""}, format="json").json() == {
        "body": "",
        "updated_at": None,
    }
    attendance = meeting_api(meeting, "attendance/")
    response = mentor.post(attendance, {"attendance": "held"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Record how it went once the meeting has started."
    with Clock(meeting.starts_at + timedelta(minutes=50)):
        response = mentor.post(
            attendance, {"attendance": "mentor_absent", "outcome": "I was ill"}, format="json"
        )
        assert response.status_code == 200
        assert (response.json()["attendance"], response.json()["outcome"]) == (
            "mentor_absent", "I was ill",
        )  # fmt: skip
        response = mentor.post(attendance, {"attendance": "sometimes"}, format="json")
        assert response.status_code == 400


def test_the_calendar_file_from_the_api(pair):
    meeting = propose(pair)
    mentee = logged_in_api_client(pair.mentee.user)
    response = mentee.get(meeting_api(meeting, "meeting.ics"))
    assert response.status_code == 400
    meeting = scheduled(pair)
    response = mentee.get(meeting_api(meeting, "meeting.ics"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    event = parse_ics(response.content)
    assert (str(event["uid"]), event.decoded("dtstart")) == (meeting.uid, meeting.starts_at)


def test_the_calendar_address_from_the_api(pair):
    scheduled(pair)
    client = logged_in_api_client(pair.mentee.user)
    feed = f"{API}/my/calendar-feed/"
    assert client.get(feed).json() == {"active": False, "created_at": None}
    made = client.post(feed)
    assert made.status_code == 201
    url = made.json()["url"]
    assert made.json()["webcal_url"] == "webcal://" + url.removeprefix("http://")
    assert client.get(feed).json()["active"] is True
    path = url.removeprefix("http://testserver")
    calendar = icalendar.Calendar.from_ical(Client().get(path).content)
    assert len(calendar.walk("VEVENT")) == 1
    replaced = client.post(feed).json()["url"].removeprefix("http://testserver")
    assert Client().get(path).status_code == 404
    assert client.delete(feed).status_code == 204
    assert Client().get(replaced).status_code == 404
    assert client.get(feed).json() == {"active": False, "created_at": None}


def test_settings_are_read_by_members_and_changed_by_admins(pair):
    settings = f"{API}/meeting-settings/"
    member = logged_in_api_client(pair.mentee.user)
    assert member.get(settings).json() == {
        "video_link_template": "https://meet.jit.si/{organization}-{meeting}"
    }
    assert member.patch(settings, {"video_link_template": ""}, format="json").status_code == 403
    admin = logged_in_api_client(pair.world.alpha_admin)
    response = admin.patch(settings, {"video_link_template": "https://x.example/"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["video_link_template"] == [
        "Include {meeting}, so that each meeting gets a room of its own."
    ]
    response = admin.patch(
        settings, {"video_link_template": "https://x.example/{meeting}"}, format="json"
    )
    assert response.json() == {"video_link_template": "https://x.example/{meeting}"}


def test_free_times_for_the_pair(pair):
    response = logged_in_api_client(pair.mentee.user).get(f"{meetings_api(pair)}free-times/")
    body = response.json()
    assert body["missing_availability"] == []
    assert body["free_times"]
    for window in body["free_times"]:
        # Weekday mornings in London overlap early mornings in New York after 10:00 UTC.
        assert window["starts_at"][11:13] in {"10", "11"}
    manager = logged_in_api_client(pair.world.alpha_manager)
    assert manager.get(f"{meetings_api(pair)}free-times/").status_code == 403


def test_the_list_reads_in_a_bounded_number_of_queries(pair, django_assert_max_num_queries):
    client = logged_in_api_client(pair.mentor.user)
    scheduled(pair)
    # Session, user, organisation, membership, the mentorship and its people, the meetings and
    # their slots, the profiles' availability: not per meeting.
    with django_assert_max_num_queries(11):
        assert client.get(meetings_api(pair)).json()["count"] == 1
    for days in range(3, 9):
        scheduled(pair, starts=[soon(days=days)])
    propose(pair, starts=[soon(days=10), soon(days=11)])
    with django_assert_max_num_queries(11):
        assert client.get(meetings_api(pair)).json()["count"] == 8
