"""A program manager adds a resource to the library; a mentee finds it recommended with the
reason, shares it to their goal and marks it done; the goal's history says so, and the manager
sees the counts, never who."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import Mentorship

from .support import BrowserSession, accessibility_problems
from .test_meetings import second_browser

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "library"
TITLE = "Speaking up in leadership meetings"
GOAL = "Speak with confidence in meetings"


def test_manager_adds_a_resource_a_mentee_shares_it_to_a_goal_and_marks_it_done(
    browser, live_server, browser_session: BrowserSession, demo_organization: Organization
) -> None:
    with organization_scope(demo_organization):
        mentorship = Mentorship.objects.filter(goals__title=GOAL).order_by("pk").first()
        mentee_email = mentorship.members.select_related("mentee").get().mentee.email
        program_id = mentorship.cohort.program_id

    # The manager adds an article for those who want to speak with confidence.
    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in("manager@demo.mentorship.test", DEMO_PASSWORD)
    s.goto(f"/o/demo/programs/{program_id}/")
    page.get_by_role("link", name=re.compile("^Library")).click()
    s.expect_path(rf"/o/demo/programs/{program_id}/library/$")
    assert page.get_by_role("heading", name="Mentor guide").is_visible()
    s.shoot("01-library-as-manager")
    assert accessibility_problems(page) == []

    page.get_by_role("link", name="Add a resource").click()
    s.expect_path(rf"/o/demo/programs/{program_id}/library/new/$")
    expect(page.get_by_label("Starts")).to_be_hidden()  # only for webinars and events
    page.get_by_label("What is it?").select_option("event")
    expect(page.get_by_label("Starts")).to_be_visible()
    expect(page.get_by_label("File")).to_be_hidden()
    page.get_by_label("What is it?").select_option("article")
    s.shoot("02-add-a-resource")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description").fill("How to get a word in and make it count.")
    page.get_by_label("Web address or join link").fill("not a link")
    page.get_by_label("Public speaking").check()
    page.get_by_label("Who is it for?").select_option("both")
    page.get_by_role("button", name="Add to the library").click()
    assert page.get_by_text("Give a full web address").is_visible()
    assert page.get_by_label("Title").input_value() == TITLE  # nothing typed is lost
    s.shoot("03-refused-address")
    page.get_by_label("Web address or join link").fill("https://example.com/speaking-up")
    page.get_by_role("button", name="Add to the library").click()
    s.expect_path(r"/o/demo/resources/\d+/$")
    assert page.get_by_text(f"“{TITLE}” is in the library.").is_visible()
    s.shoot("04-resource-as-manager")

    # The mentee sees it recommended because of their goal, and shares it to that goal.
    mentee = second_browser(browser, live_server, s.artifact_dir)
    mentee.goto("/accounts/login/")
    mentee.log_in(mentee_email, DEMO_PASSWORD)
    mentee.goto("/o/demo/my-programs/")
    mentee.page.get_by_role("link", name="Library").first.click()
    recommended = mentee.page.get_by_role("region", name="Recommended for you")
    row = recommended.get_by_role("listitem").filter(has_text=TITLE)
    assert row.get_by_text(f"Matches your goal: {GOAL}").is_visible()
    assert mentee.page.get_by_role("heading", name="Mentor guide").count() == 0
    mentee.shoot("05-library-as-mentee")
    assert accessibility_problems(mentee.page) == []

    recommended.get_by_role("link", name=TITLE).click()
    mentee.page.get_by_label("Attach to").select_option(label=f"Goal: {GOAL}")
    mentee.page.get_by_label("A note").fill("Reading this before my next review.")
    mentee.shoot("06-share-it")
    mentee.page.get_by_role("button", name="Share").click()
    mentee.expect_path(rf"/o/demo/mentorships/{mentorship.pk}/shared/$")
    item = mentee.page.get_by_role("listitem").filter(has_text=TITLE)
    assert item.get_by_text(f"for the goal {GOAL}").is_visible()
    item.get_by_role("button", name="Mark done").click()
    assert mentee.page.get_by_text(f"Marked “{TITLE}” done. It is in the goal's history.")
    mentee.shoot("07-shared-space")
    assert accessibility_problems(mentee.page) == []
    mentee.page.set_viewport_size({"width": 390, "height": 844})
    mentee.shoot("08-shared-on-a-phone")
    assert mentee.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    mentee.page.set_viewport_size({"width": 1280, "height": 900})

    mentee.page.get_by_role("link", name=GOAL).first.click()
    history = mentee.page.get_by_role("region", name="History")
    assert history.get_by_text(f"Done: {TITLE}").is_visible()
    mentee.shoot("09-goal-history")

    # The manager sees how it is used: counts, not names.
    page.reload()
    counts = page.get_by_role("region", name="How it is used")
    assert counts.get_by_text("1 time").count() == 3  # opened, shared, done
    assert mentee_email not in page.content()
    s.shoot("10-counts-for-the-manager")
    s.assert_no_console_errors(allowed=("library/new/",))  # the refused address: a 400
    mentee.assert_no_console_errors()
