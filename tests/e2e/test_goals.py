"""A mentee sets a goal with milestones in the browser, ticks one off and proposes a meeting;
the mentor accepts it into their calendar (the .ics parses); the home page shows it all; the
program manager then sees the pair's progress, not the goal's words."""

from __future__ import annotations

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import Mentorship

from .support import BrowserSession, accessibility_problems
from .test_meetings import second_browser

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "goals"
DOMAIN = "demo.mentorship.test"
GOAL = "Present our roadmap at the quarterly review"


def test_mentee_sets_a_goal_proposes_a_meeting_and_the_manager_sees_progress_only(
    browser, live_server, browser_session: BrowserSession, demo_organization: Organization
) -> None:
    with organization_scope(demo_organization):
        mentorship = (
            Mentorship.objects.select_related("mentor")
            .prefetch_related("members__mentee")
            .order_by("pk")
            .first()
        )
        mentee = mentorship.members.select_related("mentee__user").get().mentee
        mentee_email, mentee_zone = mentee.email, ZoneInfo(mentee.user.timezone)
    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in(mentee_email, DEMO_PASSWORD)
    s.goto(f"/o/demo/mentorships/{mentorship.pk}/")
    page.get_by_role("navigation", name="This mentorship").get_by_role(
        "link", name="Goals & milestones"
    ).click()
    s.expect_path(rf"/o/demo/mentorships/{mentorship.pk}/goals/$")
    assert page.get_by_text("Agreement confirmed by both of you").is_visible()
    s.shoot("01-no-goals-yet")

    target = timezone.localdate() + datetime.timedelta(days=70)
    page.get_by_label("What do you want to achieve?").fill(GOAL)
    page.get_by_label("How will you know you got there?").fill("The leadership team approves it")
    page.get_by_label("Why it matters to you").fill("I want to be trusted with bigger work")
    page.get_by_label("Target date").fill(target.isoformat())
    page.get_by_role("button", name="Set the goal").click()
    s.expect_path(r"/o/demo/goals/\d+/$")
    assert page.get_by_role("heading", name=GOAL).is_visible()

    for title, days in (("Draft the slides", 20), ("Rehearse with my mentor", 40)):
        page.get_by_label("Milestone", exact=True).fill(title)
        due = timezone.localdate() + datetime.timedelta(days=days)
        page.get_by_label("Due by").fill(due.isoformat())
        page.get_by_role("button", name="Add the milestone").click()
        assert page.get_by_text("Milestone added.").is_visible()
    page.get_by_label("What shows it is done").first.fill("Slides in the shared folder")
    page.get_by_role("button", name="Mark done").first.click()
    assert page.get_by_text("Milestone done.").is_visible()
    assert page.get_by_role("progressbar", name="Progress").get_attribute("value") == "50"
    s.shoot("02-goal-with-milestones")
    assert accessibility_problems(page) == []

    page.set_viewport_size({"width": 390, "height": 844})
    s.shoot("03-goal-on-a-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A meeting to work on it: the mentee proposes, the mentor accepts into their calendar.
    s.goto(f"/o/demo/mentorships/{mentorship.pk}/")
    page.get_by_role("navigation", name="This mentorship").get_by_role(
        "link", name="Meetings"
    ).click()
    page.get_by_label("Title").fill("Slides review")
    # Typed on the mentee's clock (the form reads times in their time zone).
    start = (timezone.now().astimezone(mentee_zone) + datetime.timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    page.get_by_label("Time 1").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Duration (minutes)").fill("30")
    page.get_by_role("button", name="Propose", exact=True).click()
    assert page.get_by_text("Meeting proposed").is_visible()
    meeting_path = s.path
    mentor = second_browser(browser, live_server, s.artifact_dir)
    try:
        mentor.goto("/accounts/login/")
        mentor.log_in(mentorship.mentor.email, DEMO_PASSWORD)
        mentor.expect_path(r"/o/demo/$")
        mentor.goto(meeting_path)
        mentor.page.get_by_role("button", name="Accept this time").click()
        assert mentor.page.get_by_text("Accepted: the meeting is scheduled.").is_visible()
        with mentor.page.expect_download() as download:
            mentor.page.get_by_role("link", name="Add to my calendar (.ics)").click()
        calendar = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
        (event,) = calendar.walk("VEVENT")
        assert str(event["summary"]).startswith("Slides review")
        assert event.decoded("dtstart") == start
    finally:
        mentor.page.context.close()

    # The home page puts it together: health, the meeting, the goal and its milestones.
    s.goto(f"/o/demo/mentorships/{mentorship.pk}/")
    assert page.get_by_role("heading", name="How it is going").is_visible()
    assert page.get_by_text("Slides review").is_visible()
    assert page.get_by_role("link", name=GOAL).is_visible()
    assert page.get_by_text("Rehearse with my mentor").is_visible()
    s.shoot("05-mentorship-home")
    assert accessibility_problems(page) == []

    # The program manager follows the pair: progress and dates, not the words.
    page.context.clear_cookies()
    s.goto("/accounts/login/")
    s.log_in(f"manager@{DOMAIN}", DEMO_PASSWORD)
    s.goto(f"/o/demo/mentorships/{mentorship.pk}/goals/")
    assert page.get_by_text("50%").first.is_visible()
    assert page.get_by_text(GOAL).count() == 0
    assert page.get_by_text("Draft the slides").count() == 0
    s.shoot("06-manager-sees-progress-only")
    s.assert_no_console_errors()
