"""Calendar files and feeds, parsed with the icalendar library: one event per meeting for life
(same UID, SEQUENCE raised by every change), times in UTC whatever zone they were typed in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar
from django.test import Client
from django.urls import reverse

from meetings import selectors, services
from meetings.models import Meeting
from organizations import services as organization_services
from organizations.scope import organization_scope
from tests.conftest import logged_in_client
from tests.meetings.conftest import (
    Clock,
    build_pair,
    page_text,
    parse_ics,
    propose,
    scheduled,
    soon,
)


def ics_url(meeting: Meeting) -> str:
    return reverse("meetings:ics", kwargs={"org_slug": "alpha", "meeting_id": meeting.pk})


def test_the_calendar_file_keeps_its_uid_and_raises_its_sequence(pair):
    meeting = scheduled(pair, agenda="Career goals", video_link="https://call.example/room")
    client = logged_in_client(pair.mentee.user)
    response = client.get(ics_url(meeting))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    assert (str(calendar["version"]), str(calendar["method"])) == ("2.0", "REQUEST")
    assert str(calendar["prodid"])
    event = parse_ics(response.content)
    assert str(event["uid"]) == meeting.uid
    assert event["sequence"] == 0
    assert str(event["status"]) == "CONFIRMED"
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtend") == meeting.ends_at
    assert event.decoded("dtstart").utcoffset() == timedelta(0)
    assert event.decoded("dtstamp")
    assert str(event["summary"]) == "First conversation · Mentor0 Alphacanary"
    assert "Career goals" in str(event["description"])
    assert f"http://testserver/o/alpha/meetings/{meeting.pk}/" in str(event["description"])
    assert str(event["location"]) == str(event["url"]) == "https://call.example/room"
    assert str(event["organizer"]).startswith("mailto:")
    attendees = sorted(str(a) for a in event["attendee"])
    assert attendees == ["mailto:mentee0@alphacanary.example", "mailto:mentor0@alphacanary.example"]

    # Moved: proposed again (tentative at the old time), then a new time accepted.
    new_time = soon(days=6)
    services.meeting_reschedule(
        actor=pair.mentor,
        meeting=pair.meeting_for(pair.mentor, meeting),
        slots=[services.Slot(new_time, new_time + timedelta(hours=1))],
    )
    event = parse_ics(client.get(ics_url(meeting)).content)
    assert (str(event["uid"]), event["sequence"], str(event["status"])) == (
        meeting.uid, 1, "TENTATIVE",
    )  # fmt: skip
    moved = pair.meeting_for(pair.mentee, meeting)
    services.meeting_accept(actor=pair.mentee, meeting=moved, slot_id=moved.slots.get().pk)
    event = parse_ics(client.get(ics_url(meeting)).content)
    assert (str(event["uid"]), event["sequence"], event.decoded("dtstart")) == (
        meeting.uid, 2, new_time,
    )  # fmt: skip

    # Cancelled: the same event, cancelled, so calendars remove it.
    services.meeting_cancel(actor=pair.mentor, meeting=pair.meeting_for(pair.mentor, meeting))
    response = client.get(ics_url(meeting))
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["method"]) == "CANCEL"
    event = parse_ics(response.content)
    assert (str(event["uid"]), event["sequence"], str(event["status"])) == (
        meeting.uid, 3, "CANCELLED",
    )  # fmt: skip


def test_the_calendar_file_is_the_pairs_and_needs_a_time(pair):
    meeting = propose(pair)
    client = logged_in_client(pair.mentee.user)
    response = client.get(ics_url(meeting), follow=True)
    assert "no time agreed yet" in response.content.decode()
    meeting = scheduled(pair)
    for user in (pair.world.alpha_manager, pair.world.alpha_admin):
        assert logged_in_client(user).get(ics_url(meeting)).status_code == 403


def test_times_typed_in_london_land_in_utc_on_both_sides_of_the_clock_change(world):
    """Proposed from the form in London time in March 2026: before the UK moves its clocks
    (29 March) 10:00 is 10:00 UTC, after it 09:00 UTC. The mentor in New York (on summer time
    since 8 March) reads 06:00 and 05:00."""
    pair = build_pair(world)
    mentee = logged_in_client(pair.mentee.user)
    url = reverse(
        "meetings:mentorship_meetings",
        kwargs={"org_slug": "alpha", "mentorship_id": pair.mentorship.pk},
    )
    with Clock(datetime(2026, 3, 20, 12, tzinfo=UTC)):
        response = mentee.post(
            url,
            {
                "title": "Spring check-in",
                "slot_1": "2026-03-27T10:00",
                "slot_2": "2026-03-30T10:00",
                "duration_minutes": "45",
                "video": "none",
            },
        )
        assert response.status_code == 302
        with organization_scope(world.alpha):
            meeting = Meeting.objects.get()
            slots = list(meeting.slots.order_by("starts_at"))
        assert [s.starts_at for s in slots] == [
            datetime(2026, 3, 27, 10, tzinfo=UTC),
            datetime(2026, 3, 30, 9, tzinfo=UTC),
        ]
        page = page_text(logged_in_client(pair.mentor.user).get(response.url))
        assert "Fri 27 Mar, 06:00–06:45 your time · 10:00–10:45 for Mentee0" in page  # noqa: RUF001
        assert "Mon 30 Mar, 05:00–05:45 your time · 10:00–10:45 for Mentee0" in page  # noqa: RUF001
        mentor = logged_in_client(pair.mentor.user)
        mentor.post(
            reverse("meetings:accept", kwargs={"org_slug": "alpha", "meeting_id": meeting.pk}),
            {"slot": slots[1].pk},
        )
        event = parse_ics(mentor.get(ics_url(meeting)).content)
    assert event.decoded("dtstart") == datetime(2026, 3, 30, 9, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2026, 3, 30, 9, 45, tzinfo=UTC)
    assert "DTSTART:20260330T090000Z" in event.to_ical().decode()


def test_a_time_the_clocks_skip_is_refused_in_words(world):
    pair = build_pair(world)
    url = reverse(
        "meetings:mentorship_meetings",
        kwargs={"org_slug": "alpha", "mentorship_id": pair.mentorship.pk},
    )
    with Clock(datetime(2026, 3, 20, 12, tzinfo=UTC)):
        response = logged_in_client(pair.mentee.user).post(
            url,
            {
                "title": "Early",
                "slot_1": "2026-03-29T01:30",
                "duration_minutes": "30",
                "video": "none",
            },
        )
    assert response.status_code == 400
    assert "be interpreted in time zone Europe/London" in response.content.decode()
    with organization_scope(world.alpha):
        assert not Meeting.objects.exists()


def make_feed(client: Client) -> str:
    page = client.post(reverse("meetings:calendar_create", kwargs={"org_slug": "alpha"}))
    assert page.status_code == 200
    body = page.content.decode()
    assert "it is shown only this once" in body
    url = re.search(r'id="feed-url" value="([^"]+)"', body).group(1)
    assert re.search(r'href="webcal://testserver/o/alpha/calendar/[\w-]+\.ics"', body)
    return url.removeprefix("http://testserver")


def test_the_feed_lists_my_meetings_with_a_time_in_a_fixed_number_of_queries(
    pair, django_assert_max_num_queries
):
    first = scheduled(pair, title="One")
    propose(pair, title="Not agreed yet")
    cancelled = scheduled(pair, title="Two")
    services.meeting_cancel(actor=pair.mentee, meeting=cancelled)
    path = make_feed(logged_in_client(pair.mentee.user))
    anonymous = Client()
    # Organisation, feed, meetings, their mentees: however many meetings.
    with django_assert_max_num_queries(4):
        response = anonymous.get(path)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert "method" not in calendar
    assert str(calendar["x-wr-calname"]) == "Mentoring meetings · Alpha alphacanary Corp"
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {first.uid, cancelled.uid}
    assert str(events[cancelled.uid]["status"]) == "CANCELLED"
    assert events[cancelled.uid]["sequence"] == 1
    for _ in range(4):
        scheduled(pair)
    with django_assert_max_num_queries(4):
        response = anonymous.get(path)
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == 6
    assert anonymous.head(path).status_code == 200


def test_a_revoked_or_replaced_address_answers_404(pair):
    client = logged_in_client(pair.mentee.user)
    scheduled(pair)
    old = make_feed(client)
    new = make_feed(client)
    assert old != new
    anonymous = Client()
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200
    response = client.post(reverse("meetings:calendar_revoke", kwargs={"org_slug": "alpha"}))
    assert response.status_code == 302
    assert anonymous.get(new).status_code == 404
    page = client.get(reverse("meetings:calendar", kwargs={"org_slug": "alpha"})).content.decode()
    assert "You have no calendar address." in page
    # Under another organisation's address, or once its owner left, a token opens nothing.
    newest = make_feed(client)
    assert anonymous.get(newest.replace("/o/alpha/", "/o/bravo/")).status_code == 404
    assert anonymous.post(newest).status_code == 400
    membership = pair.mentee
    with organization_scope(pair.world.alpha):
        organization_services.membership_remove(
            actor_membership=pair.world.alpha_owner_membership, membership=membership
        )
    assert anonymous.get(newest).status_code == 404


def test_the_feed_of_someone_outside_the_meetings_is_empty(pair):
    scheduled(pair)
    _, token = services.calendar_feed_create(actor=pair.member(pair.world.alpha_manager))
    response = Client().get(f"/o/alpha/calendar/{token}.ics")
    assert icalendar.Calendar.from_ical(response.content).walk("VEVENT") == []
    assert selectors.active_calendar_feed(pair.mentee) is None
