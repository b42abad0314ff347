"""The demo program manager adds a question to the mid-point survey; a mentee of a pair six weeks
in (at its mid-point in the demo) answers it from the mentorship's page; the manager reads the
results, where anonymous answers show only as totals of at least 5 people."""

from __future__ import annotations

import re

import pytest

from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import Mentorship
from surveys.models import Survey, SurveyResponse

from .support import BrowserSession, accessibility_problems
from .test_meetings import second_browser

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "surveys"
QUESTION = "Would you join the program again?"


def _waiting_mentee(organization: Organization) -> tuple[Mentorship, str, int]:
    """A pair at its mid-point whose mentor answered the survey and whose mentee has not."""
    with organization_scope(organization):
        survey = Survey.objects.get(moment="mid_point")
        answered = SurveyResponse.objects.filter(survey=survey)
        for mentorship in Mentorship.objects.filter(pk__in=answered.values("mentorship_id")):
            mentee = mentorship.members.select_related("mentee").get().mentee
            if not answered.filter(mentorship=mentorship, respondent_id=mentee.user_id).exists():
                return mentorship, mentee.email, survey.pk
    raise AssertionError("The demo has no mentee left to answer the mid-point survey.")


def test_a_manager_adds_a_question_a_mentee_answers_and_the_manager_reads_the_results(
    browser, live_server, browser_session: BrowserSession, demo_organization: Organization
) -> None:
    mentorship, mentee_email, survey_id = _waiting_mentee(demo_organization)
    program_id = mentorship.cohort.program_id

    # The manager finds the surveys from the program's page and adds a question.
    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in("manager@demo.mentorship.test", DEMO_PASSWORD)
    s.goto(f"/o/demo/programs/{program_id}/")
    page.get_by_role("link", name="Surveys at the mid-point and the end").click()
    s.expect_path(rf"/o/demo/programs/{program_id}/surveys/$")
    mid_point = page.get_by_role("region", name=re.compile("^Mid-point survey"))
    assert mid_point.get_by_text("On: sent to the pairs").is_visible()
    assert mid_point.get_by_text("8 responses").is_visible()
    s.shoot("01-surveys-as-manager")
    assert accessibility_problems(page) == []

    mid_point.get_by_role("link", name="Add a question to the mid-point survey").click()
    page.get_by_label("Question", exact=True).fill(QUESTION)
    page.get_by_role("radio", name="One option from a list").check()
    page.get_by_label("Options").fill("Yes")
    page.get_by_label(re.compile("^Anonymous")).check()
    page.get_by_role("button", name="Add question").click()
    assert page.get_by_text("Give at least two options, one per line.").is_visible()
    assert page.get_by_label("Question", exact=True).input_value() == QUESTION
    s.shoot("02-refused-question")
    page.get_by_label("Options").fill("Yes\nMaybe\nNo")
    page.get_by_role("button", name="Add question").click()
    s.expect_path(rf"/o/demo/programs/{program_id}/surveys/#question-\d+$")
    assert page.get_by_text("Question added.").is_visible()
    row = page.get_by_role("listitem").filter(has_text=QUESTION)
    assert row.get_by_text("Anonymous").is_visible()
    s.shoot("03-question-added")

    # The mentee hears of it on the mentorship's page and answers.
    mentee = second_browser(browser, live_server, s.artifact_dir)
    mentee.goto("/accounts/login/")
    mentee.log_in(mentee_email, DEMO_PASSWORD)
    mentee.goto(f"/o/demo/mentorships/{mentorship.pk}/")
    card = mentee.page.get_by_role("region", name="A survey from your program")
    card.scroll_into_view_if_needed()
    mentee.shoot("04-mentorship-page-card", full_page=False)
    card.get_by_role("link", name="Answer the survey").click()
    mentee.expect_path(rf"/o/demo/mentorships/{mentorship.pk}/surveys/{survey_id}/$")
    form = mentee.page
    assert form.get_by_text("Anonymous: shown only in totals of at least 5 people").count() == 2
    mentee.shoot("05-survey-as-mentee")
    assert accessibility_problems(form) == []

    form.get_by_role("button", name="Send my answers").click()
    assert form.get_by_text("Nothing was saved").is_visible()
    assert form.get_by_text("Please answer this question.").count() == 3
    mentee.shoot("06-missing-answers")

    form.get_by_role("group", name=re.compile("^How is your mentorship going")).get_by_label(
        "4", exact=True
    ).check()
    form.get_by_role("group", name=re.compile("^How likely are you to recommend")).get_by_label(
        "9", exact=True
    ).check()
    form.get_by_role("group", name=re.compile(f"^{re.escape(QUESTION)}")).get_by_label(
        "Yes"
    ).check()
    form.get_by_label(re.compile("^What has been most useful so far")).fill(
        "Someone outside my team to think out loud with."
    )
    form.get_by_role("button", name="Send my answers").click()
    assert form.get_by_role("heading", name="You have answered this survey").is_visible()
    assert form.get_by_text("Thank you: your answers are in.").is_visible()
    mentee.shoot("07-thank-you")
    mentee.goto(f"/o/demo/mentorships/{mentorship.pk}/")
    assert mentee.page.get_by_role("link", name="Answer the survey").count() == 0

    # The manager reads the results: totals, and the anonymous texts without who wrote them.
    page.reload()
    page.get_by_role("region", name=re.compile("^Mid-point survey")).get_by_role(
        "link", name="See the results"
    ).click()
    s.expect_path(rf"/o/demo/programs/{program_id}/surveys/{survey_id}/results/$")
    assert page.get_by_text("9 people answered").is_visible()
    useful = page.get_by_role("region", name=re.compile("What has been most useful so far"))
    assert useful.get_by_text("“Someone outside my team to think out loud with.”").is_visible()
    again = page.get_by_role("region", name=re.compile(re.escape(QUESTION)))
    assert again.get_by_text("Fewer than 5 answers: hidden to keep them anonymous").is_visible()
    assert mentee_email not in page.content()
    s.shoot("08-results-as-manager")
    assert accessibility_problems(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    s.shoot("09-results-on-a-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_label("Cohort").select_option(label="Spring cohort")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_text("9 people answered in this cohort").is_visible()
    s.assert_no_console_errors(allowed=("questions/new/",))  # the refused question: a 400
    mentee.assert_no_console_errors(allowed=(f"surveys/{survey_id}/",))  # missing answers: a 400
