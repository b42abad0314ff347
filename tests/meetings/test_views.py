"""The meeting pages: the mentorship's meetings with the form to propose one, a meeting's page
and what the pair does there, the settings page; bounded queries, clear errors, nothing stored
on bad input."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Meeting, MeetingStatus
from organizations.scope import organization_scope
from programs.services.mentorships import mentorship_end_early
from tests.conftest import logged_in_client
from tests.meetings.conftest import (
    Clock,
    build_pair,
    page_text,
    propose,
    scheduled,
    soon,
)

LOCAL = "%Y-%m-%dT%H:%M"


def meetings_url(pair) -> str:
    return reverse(
        "meetings:mentorship_meetings",
        kwargs={"org_slug": "alpha", "mentorship_id": pair.mentorship.pk},
    )


def meeting_url(meeting, name: str = "detail") -> str:
    return reverse(f"meetings:{name}", kwargs={"org_slug": "alpha", "meeting_id": meeting.pk})


def london(moment) -> str:
    """A UTC time as the mentee (in London) types it."""
    return moment.astimezone(ZoneInfo("Europe/London")).strftime(LOCAL)


def count_meetings(pair) -> int:
    with organization_scope(pair.world.alpha):
        return Meeting.objects.count()


def test_the_meetings_page_groups_them_in_a_bounded_number_of_queries(
    pair, django_assert_max_num_queries
):
    client = logged_in_client(pair.mentor.user)
    scheduled(pair, title="Kick-off")
    # Session, user, organisation, membership, the mentorship and its people, the meetings and
    # their slots, the profiles' availability, the settings, navigation: not per meeting.
    with django_assert_max_num_queries(15):  # +1: the bell's unread notifications
        response = client.get(meetings_url(pair))
    assert response.status_code == 200
    propose(pair, title="Waiting for the mentor", starts=[soon(days=3), soon(days=4)])
    propose(pair, by=pair.mentor, title="Waiting for the mentee")
    called_off = scheduled(pair, title="Called off")
    services.meeting_cancel(actor=pair.mentor, meeting=called_off)
    for number in range(4):
        scheduled(pair, title=f"Later {number}", starts=[soon(days=5 + number)])
    with django_assert_max_num_queries(15):  # +1: the bell's unread notifications
        response = client.get(meetings_url(pair))
    text = page_text(response)
    assert text.index("Waiting for your answer") < text.index("Waiting for the mentor")
    assert text.index("Coming up") < text.index("Kick-off") < text.index("Later 3")
    assert "Waiting for the other side Waiting for the mentee" in text
    assert "Cancelled or declined (1)" in text
    assert "Mentee0 Alphacanary proposed 2 times:" in text


def test_the_mentee_proposes_in_their_own_time_and_sees_it_in_both_zones(pair):
    client = logged_in_client(pair.mentee.user)
    page = page_text(client.get(meetings_url(pair)))
    assert "times in your time zone, Europe/London" in page
    assert "When you are both free" in page
    first, second = soon(days=2, hour=11), soon(days=3, hour=11)
    response = client.post(
        meetings_url(pair),
        {
            "title": "First conversation",
            "agenda": "Where I want to be in a year",
            "slot_1": london(first),
            "slot_2": london(second),
            "duration_minutes": "45",
            "video": "generate",
        },
    )
    with organization_scope(pair.world.alpha):
        meeting = Meeting.objects.get()
        assert [s.starts_at for s in meeting.slots.all()] == [first, second]
    assert response.status_code == 302
    assert response.url == meeting_url(meeting)
    assert meeting.video_link.startswith("https://meet.jit.si/alpha-")
    page = page_text(client.get(response.url))
    assert "Waiting for the other side to choose one of these times" in page
    assert "for Mentor0 (America/New_York)" in page
    assert "Accept this time" not in page
    mentor_page = page_text(logged_in_client(pair.mentor.user).get(response.url))
    assert "Choose the time that suits you (your time zone is America/New_York)" in mentor_page
    assert mentor_page.count("Accept this time") == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slot_1": "past"}, "The time is in the past."),
        ({"duration_minutes": "600"}, "A meeting lasts at most 8 hours."),
        ({"duration_minutes": "0"}, "Give the length in minutes."),
        (
            {"video": "paste", "video_link": "javascript:alert(1)"},
            "Paste a web address starting with https://.",
        ),
        ({"video": "paste", "video_link": ""}, "Paste the link, or choose another option."),
        ({"slot_1": "2026-13-45T99:00"}, "Enter a valid date/time."),
        ({"title": ""}, "This field is required."),
    ],
)
def test_bad_input_shows_its_error_and_stores_nothing(pair, change, message):
    data = {
        "title": "First conversation",
        "slot_1": london(soon()),
        "duration_minutes": "45",
        "video": "none",
    } | change
    if data["slot_1"] == "past":
        data["slot_1"] = london(soon(days=-1))
    response = logged_in_client(pair.mentee.user).post(meetings_url(pair), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert count_meetings(pair) == 0


def test_the_other_side_accepts_a_time_and_the_proposer_is_flagged_outside_availability(pair):
    # Saturday is nobody's free time in this pair.
    saturday = soon(days=(5 - timezone.now().weekday()) % 7 or 7, hour=10)
    meeting = propose(pair, starts=[soon(days=2), saturday])
    mentor = logged_in_client(pair.mentor.user)
    page = page_text(mentor.get(meeting_url(meeting)))
    assert "Outside the usual free time of Mentee0." in page
    with organization_scope(pair.world.alpha):
        chosen = meeting.slots.order_by("starts_at").first()
    response = mentor.post(meeting_url(meeting, "accept"), {"slot": chosen.pk}, follow=True)
    assert "Accepted: the meeting is scheduled." in page_text(response)
    assert "Add to my calendar (.ics)" in page_text(response)
    with organization_scope(pair.world.alpha):
        assert Meeting.objects.get(pk=meeting.pk).starts_at == chosen.starts_at
    # Accepting again says why not.
    response = mentor.post(meeting_url(meeting, "accept"), {"slot": chosen.pk}, follow=True)
    assert "This meeting is scheduled: there is nothing to accept." in page_text(response)


def test_decline_cancel_and_reschedule_from_the_meeting_page(pair):
    mentee, mentor = logged_in_client(pair.mentee.user), logged_in_client(pair.mentor.user)
    meeting = propose(pair)
    assert "None of these times work: decline" not in page_text(mentee.get(meeting_url(meeting)))
    response = mentor.post(meeting_url(meeting, "decline"), follow=True)
    assert "Declined: the meeting will not take place." in page_text(response)
    meeting = scheduled(pair)
    response = mentee.post(
        meeting_url(meeting, "reschedule"),
        {"slot_1": london(soon(days=-2)), "duration_minutes": "30"},
    )
    assert response.status_code == 400
    assert "The time is in the past." in page_text(response)
    new_time = soon(days=6)
    response = mentee.post(
        meeting_url(meeting, "reschedule"), {"slot_1": london(new_time), "duration_minutes": "30"}
    )
    assert response.status_code == 302
    with organization_scope(pair.world.alpha):
        moved = Meeting.objects.get(pk=meeting.pk)
    assert (moved.status, moved.sequence) == (MeetingStatus.PROPOSED, 1)
    page = page_text(mentor.get(meeting_url(meeting)))
    assert "new times are proposed" in page
    response = mentor.post(meeting_url(meeting, "cancel"), follow=True)
    assert "The meeting is cancelled." in page_text(response)


def test_notes_and_how_it_went_from_the_meeting_page(pair):
    meeting = scheduled(pair)
    mentee, mentor = logged_in_client(pair.mentee.user), logged_in_client(pair.mentor.user)
    mentee.post(meeting_url(meeting, "notes"), {"shared_notes": "Bring the CV"})
    assert "Bring the CV" in mentor.get(meeting_url(meeting)).content.decode()
    response = mentee.post(meeting_url(meeting, "notes"), {"shared_notes": "x" * 10001})
    assert response.status_code == 400
    assert "How it went" not in page_text(mentee.get(meeting_url(meeting)))
    with Clock(meeting.starts_at + timedelta(hours=1)):
        assert "Did the meeting take place?" in page_text(mentee.get(meeting_url(meeting)))
        response = mentee.post(
            meeting_url(meeting, "attendance"), {"attendance": "held", "outcome": "Good start"}
        )
        assert response.status_code == 302
        assert "We met Good start" in page_text(mentor.get(meeting_url(meeting)))
    with organization_scope(pair.world.alpha):
        assert Meeting.objects.get(pk=meeting.pk).attendance == "held"


def test_free_times_need_everyones_availability(world):
    pair = build_pair(world, asks_availability=False)
    page = page_text(logged_in_client(pair.mentee.user).get(meetings_url(pair)))
    assert "Mentor0 and Mentee0 did not say on the profile when they are usually free" in page


def test_an_ended_mentorship_shows_its_meetings_and_takes_no_new_ones(pair):
    scheduled(pair, title="Before the end")
    mentorship_end_early(actor=pair.mentor, mentorship=pair.mentorship, reason="Changed teams")
    client = logged_in_client(pair.mentee.user)
    page = page_text(client.get(meetings_url(pair)))
    assert "Before the end" in page
    assert "This mentorship has ended: its meetings stay here to read." in page
    assert "Propose a meeting" not in page
    response = client.post(
        meetings_url(pair),
        {"title": "Late", "slot_1": london(soon()), "duration_minutes": "45", "video": "none"},
    )
    assert response.status_code == 400
    assert "This mentorship has ended: it takes no new meetings." in page_text(response)
    assert count_meetings(pair) == 1


def test_the_settings_page_is_for_owners_and_admins(world):
    url = reverse("meetings:settings", kwargs={"org_slug": "alpha"})
    assert logged_in_client(world.alpha_member).get(url).status_code == 403
    assert logged_in_client(world.alpha_manager).get(url).status_code == 403
    admin = logged_in_client(world.alpha_admin)
    page = page_text(admin.get(url))
    assert "https://meet.jit.si/alpha-" in page
    response = admin.post(url, {"video_link_template": "https://meet.jit.si/{organization}"})
    assert response.status_code == 400
    assert "Include {meeting}" in page_text(response)
    response = admin.post(url, {"video_link_template": "https://video.example/{meeting}"})
    assert response.status_code == 302
    assert "https://video.example/3f9c2a7d" in page_text(admin.get(url))


def test_the_calendar_page_lists_what_is_coming_in_every_mentorship(pair):
    scheduled(pair, title="Kick-off")
    propose(pair, by=pair.mentor, title="Follow-up")
    client = logged_in_client(pair.mentee.user)
    page = page_text(client.get(reverse("meetings:calendar", kwargs={"org_slug": "alpha"})))
    assert page.index("Follow-up") < page.index("Kick-off")
    assert "Choose a time" in page
    assert "Make my calendar address" in page
