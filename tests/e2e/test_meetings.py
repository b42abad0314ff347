"""A mentee proposes a meeting with two times in the browser, one of them a time both are usually
free; the mentor, in another browser, accepts it and adds it to their calendar: the downloaded
file parses as iCalendar, with the time accepted, in UTC. The mentee's calendar address then
serves the same event."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from meetings import selectors
from meetings.availability import common_free_time
from meetings.models import Meeting
from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from organizations.models import Membership, Organization
from organizations.scope import organization_scope
from programs.models import Mentorship
from programs.selectors import get_mentorship_for

from .support import BROWSER_TIMEZONE, BrowserSession, accessibility_problems

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "meetings"
TITLE = "Our first conversation"
LOCAL = "%Y-%m-%dT%H:%M"


def second_browser(browser, live_server, artifacts: Path) -> BrowserSession:
    context = browser.new_context(
        viewport={"width": 1280, "height": 800},
        locale="en-GB",
        timezone_id=BROWSER_TIMEZONE,
        base_url=live_server.url,
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    return BrowserSession(context.new_page(), live_server.url, artifacts, serves_websockets=False)


def pair_free_together(organization: Organization) -> Mentorship:
    """A demo mentorship whose two people live in different time zones and are usually free at
    the same time in the next two weeks."""
    with organization_scope(organization):
        for candidate in Mentorship.objects.order_by("pk"):
            reader = Membership.objects.select_related("organization", "user").get(
                user_id=candidate.mentor.user_id
            )
            mentorship = get_mentorship_for(reader, candidate.pk)
            people = selectors.people_of(mentorship)
            availability = selectors.availability_of(organization, mentorship)
            if len({p.timezone for p in people}) == len(people) == len(
                availability
            ) and common_free_time(list(availability.values()), timezone.now()):
                return mentorship
    raise AssertionError("No demo pair is free at the same time: the demo data changed.")


def local_time(days: int, hour: int, zone: str) -> datetime:
    """A time some days ahead, on the hour, on the clock of `zone`."""
    day = timezone.now().astimezone(ZoneInfo(zone)).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(zone))


def test_mentee_proposes_two_times_and_the_mentor_accepts_one_into_their_calendar(
    browser, live_server, browser_session: BrowserSession, demo_organization: Organization
) -> None:
    mentorship = pair_free_together(demo_organization)
    mentee = mentorship.members.all()[0].mentee
    mentee_zone = mentee.user.timezone
    second = local_time(4, 15, mentee_zone)

    # The mentee proposes a time both are usually free, and one typed on their own clock.
    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in(mentee.email, DEMO_PASSWORD)
    s.expect_path(r"/o/demo/$")
    s.goto(f"/o/demo/mentorships/{mentorship.pk}/meetings/")
    assert page.get_by_role("heading", name="Meetings", exact=True).is_visible()
    assert page.get_by_text(f"times in your time zone, {mentee_zone}").is_visible()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Agenda").fill("What I hope to learn this year")
    suggestion = page.get_by_role("button", name="Use this start").first
    suggested = datetime.strptime(suggestion.get_attribute("data-use-time"), LOCAL)
    first = suggested.replace(tzinfo=ZoneInfo(mentee_zone))
    suggestion.click()
    assert page.get_by_label("Time 1").input_value() == suggested.strftime(LOCAL)
    page.get_by_label("Time 2").fill(second.strftime(LOCAL))
    page.get_by_label("Duration (minutes)").fill("45")
    page.get_by_label("Generate a video link").check()
    s.shoot("01-mentee-proposes")
    problems = accessibility_problems(page)
    page.get_by_role("button", name="Propose", exact=True).click()
    s.expect_path(r"/o/demo/meetings/\d+/$")
    assert page.get_by_text("Meeting proposed").is_visible()
    assert page.get_by_text("Waiting for the other side to choose one of these times").is_visible()
    assert page.get_by_role("link", name="Join the video call").is_visible()
    s.shoot("02-waiting-for-the-mentor")
    problems += accessibility_problems(page)
    meeting_path = s.path
    with organization_scope(demo_organization):
        meeting = Meeting.objects.get(title=TITLE)
    s.assert_no_console_errors()

    # The mentor, in another browser, sees both times on their clock and the mentee's.
    mentor = second_browser(browser, live_server, s.artifact_dir)
    try:
        mentor.goto("/accounts/login/")
        mentor.log_in(mentorship.mentor.email, DEMO_PASSWORD)
        mentor.expect_path(r"/o/demo/$")
        mentor.goto(meeting_path)
        mentor_page = mentor.page
        assert mentor_page.get_by_text("Choose the time that suits you").is_visible()
        accept = mentor_page.get_by_role("button", name="Accept this time")
        assert accept.count() == 2
        mentee_first_name = mentee.full_name.split(" ")[0]
        assert mentor_page.get_by_text(f"for {mentee_first_name} ({mentee_zone})").count() == 2
        mentor.shoot("03-mentor-chooses")
        problems += accessibility_problems(mentor_page)
        # The times are in order; the one both are usually free at is not flagged.
        position = sorted([first, second]).index(first)
        row = mentor_page.locator(".slot-list > li").nth(position)
        assert "Outside the usual free time" not in row.inner_text()
        accept.nth(position).click()
        assert mentor_page.get_by_text("Accepted: the meeting is scheduled.").is_visible()
        mentor.shoot("04-scheduled")
        with mentor_page.expect_download() as download:
            mentor_page.get_by_role("link", name="Add to my calendar (.ics)").click()
        calendar = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
        (event,) = calendar.walk("VEVENT")
        assert str(event["uid"]) == meeting.uid
        assert str(event["status"]) == "CONFIRMED"
        assert event.decoded("dtstart") == first
        assert event.decoded("dtend") == first + timedelta(minutes=45)
        assert event.decoded("dtstart").utcoffset() == timedelta(0)
        assert str(event["summary"]).startswith(TITLE)

        mentor_page.set_viewport_size({"width": 390, "height": 844})
        mentor.shoot("05-scheduled-on-a-phone")
        assert mentor_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        mentor.assert_no_console_errors()
    finally:
        mentor.page.context.close()

    # Back with the mentee: the meeting is coming up, and their calendar app can subscribe to it.
    s.goto(f"/o/demo/mentorships/{mentorship.pk}/meetings/")
    row = page.locator(".meeting-row").filter(has=page.get_by_role("link", name=TITLE))
    assert row.get_by_text("Scheduled", exact=True).is_visible()
    s.shoot("06-mentee-sees-it-scheduled")
    page.set_viewport_size({"width": 390, "height": 844})
    s.shoot("06b-meetings-on-a-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("link", name="Your calendar").click()
    page.get_by_role("button", name="Make my calendar address").click()
    address = page.get_by_label("Your calendar address").input_value()
    assert page.get_by_role("button", name="Copy the address").is_visible()
    s.shoot("07-calendar-address")
    problems += accessibility_problems(page)
    feed = page.request.get(address)
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    events = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(feed.body()).walk("VEVENT")}
    assert events[meeting.uid].decoded("dtstart") == first
    s.assert_no_console_errors()
    assert not problems, "\n".join(problems)
