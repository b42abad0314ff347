"""A mentee sets a goal with milestones in the browser and ticks one off; the program manager
then sees the pair's progress, not the goal's words."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import Mentorship

from .support import BrowserSession, accessibility_problems

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "goals"
DOMAIN = "demo.mentorship.test"
GOAL = "Present our roadmap at the quarterly review"


def test_mentee_sets_a_goal_with_milestones_and_the_manager_sees_progress_only(
    browser_session: BrowserSession, demo_organization: Organization
) -> None:
    with organization_scope(demo_organization):
        mentorship = (
            Mentorship.objects.select_related("mentor")
            .prefetch_related("members__mentee")
            .order_by("pk")
            .first()
        )
        mentee_email = mentorship.members.get().mentee.email
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

    # The program manager follows the pair: progress and dates, not the words.
    page.context.clear_cookies()
    s.goto("/accounts/login/")
    s.log_in(f"manager@{DOMAIN}", DEMO_PASSWORD)
    s.goto(f"/o/demo/mentorships/{mentorship.pk}/goals/")
    assert page.get_by_text("50%").first.is_visible()
    assert page.get_by_text(GOAL).count() == 0
    assert page.get_by_text("Draft the slides").count() == 0
    s.shoot("04-manager-sees-progress-only")
    s.assert_no_console_errors()
