"""A program admin sets up a program and its first cohort in the browser, from a template."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mentorship.management.commands.seed_demo import DEMO_PASSWORD

from .support import BrowserSession, accessibility_problems, field

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "programs"


@pytest.fixture
def demo(transactional_db) -> None:
    call_command("seed_demo", quiet=True)


def test_admin_sets_up_a_program_and_opens_enrolment(browser_session: BrowserSession, demo) -> None:
    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in("owner@demo.mentorship.test", DEMO_PASSWORD)
    s.expect_path(r"/o/demo/$")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Programs", exact=True
    ).click()
    s.expect_path(r"/o/demo/programs/$")
    # The demo already runs one program, with an enrolling cohort.
    assert page.get_by_role("link", name="Leadership mentoring", exact=True).is_visible()
    s.shoot("01-programs")
    page.get_by_role("main").get_by_role("link", name="New program").click()
    s.shoot("02-choose-template")
    page.get_by_role("link", name="Use the Leadership mentoring template").click()
    assert field(page, "Relationship length (weeks)").input_value() == "26"
    field(page, "Program name").fill("Leadership mentoring 2027")
    s.shoot("03-program-form")
    problems = accessibility_problems(page)
    page.get_by_role("button", name="Create program").click()
    s.expect_path(r"/o/demo/programs/\d+/$")
    assert page.get_by_text("is created as a draft").is_visible()
    s.shoot("04-program-detail-new")

    page.get_by_role("link", name="Set up the first cohort").first.click()
    today = timezone.localdate()
    field(page, "Cohort name").fill("Spring 2027")
    # A closing date before the opening date is refused, and nothing is lost.
    field(page, "Enrolment opens").fill(str(today))
    field(page, "Enrolment closes").fill(str(today - timedelta(days=1)))
    field(page, "Mentoring starts").fill(str(today + timedelta(days=30)))
    field(page, "Mentoring ends").fill(str(today + timedelta(days=210)))
    field(page, "Target number of mentors").fill("6")
    field(page, "Target number of mentees").fill("12")
    page.get_by_role("button", name="Create cohort").click()
    assert page.get_by_text("Enrolment must close on or after the day it opens.").is_visible()
    s.shoot("05-cohort-form-error")
    assert field(page, "Cohort name").input_value() == "Spring 2027"
    field(page, "Enrolment closes").fill(str(today + timedelta(days=21)))
    page.get_by_role("button", name="Create cohort").click()
    s.expect_path(r"/o/demo/programs/\d+/cohorts/\d+/$")
    s.shoot("06-cohort-draft")
    problems += accessibility_problems(page)

    page.get_by_role("button", name="Open enrolment").click()
    assert page.get_by_text("Spring 2027 is now enrolling.").is_visible()
    assert page.locator(".steps-bar [aria-current=step]").inner_text() == "Enrolling"
    s.shoot("07-cohort-enrolling")
    page.get_by_label("Take applications while enrolment is open").check()
    page.get_by_role("button", name="Save", exact=True).click()
    assert page.get_by_text("Applications are open.").is_visible()
    application_link = page.locator("code.token").inner_text()
    s.shoot("07a-application-link")
    cohort_path = s.path
    page.goto(application_link.replace("http://testserver", s.base_url))
    assert page.get_by_role("heading", name="Leadership mentoring 2027 · Spring 2027").is_visible()
    s.shoot("07a-apply-page")
    problems += accessibility_problems(page)
    s.goto(cohort_path)
    page.get_by_role("link", name="See and add participants").click()
    field(page, "Email address").fill("newcomer@example.com")
    field(page, "Name (optional)").fill("Nia Newcomer")
    page.get_by_role("group", name="Takes part as").first.get_by_label("Mentee").check()
    page.get_by_role("button", name="Invite", exact=True).click()
    assert page.get_by_text("Invitation sent to newcomer@example.com").is_visible()
    assert page.get_by_text("Invited: 1").is_visible()
    s.shoot("07b-participants-invited")
    csv_input = page.get_by_label("CSV file")
    csv_input.set_input_files(
        files=[
            {
                "name": "people.csv",
                "mimeType": "text/csv",
                "buffer": b"email,name,role\nann@example.com,Ann,mentor\nnot-an-email,Bo,boss\n",
            }
        ]
    )
    page.get_by_role("button", name="Check and import").click()
    assert page.get_by_text("Nothing was imported: 2 problems in the file").is_visible()
    s.shoot("07c-import-report")
    page.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "people.csv",
                "mimeType": "text/csv",
                "buffer": b"email,name,role\nann@example.com,Ann,mentor\nbo@example.com,Bo,mentee\n",
            }
        ]
    )
    page.get_by_role("button", name="Check and import").click()
    assert page.get_by_text(
        "Imported 2 participants: 0 members enrolled, 2 invited by email."
    ).is_visible()
    assert page.get_by_text("Invited: 3").is_visible()
    problems += accessibility_problems(page)
    page.get_by_role("link", name="← Spring 2027").click()
    # Closing enrolment early asks for confirmation.
    page.get_by_label("Do it anyway, before the date").check()
    page.get_by_role("button", name="Close enrolment and start matching").click()
    assert page.get_by_text("Spring 2027 is now matching.").is_visible()
    s.shoot("08-cohort-matching")

    page.get_by_role("link", name="← Leadership mentoring 2027").click()
    assert page.get_by_text(
        "Active", exact=True
    ).first.is_visible()  # opening enrolment activated it
    s.shoot("09-program-detail")
    page.get_by_role("link", name="Overview").click()
    assert page.get_by_role("link", name="Leadership mentoring 2027").is_visible()
    s.shoot("10-overview-with-program")
    # The refused cohort form answers 400, which the browser logs; nothing else may.
    s.assert_no_console_errors(allowed=("status of 400",))
    assert not problems, "\n".join(problems)


def test_admin_adds_a_paired_question(browser_session: BrowserSession, demo) -> None:
    from organizations.models import Membership, Organization
    from programs.services import ProgramSettings, program_create

    organization = Organization.objects.get(slug="demo")
    owner = Membership.all_organizations.select_related("organization", "user").get(
        organization=organization, user__email="owner@demo.mentorship.test"
    )
    program = program_create(
        actor_membership=owner, values=ProgramSettings(name="Buddies", purpose="Settle in")
    )
    s, page = browser_session, browser_session.page
    s.goto(f"/accounts/login/?next=/o/demo/programs/{program.pk}/")
    s.log_in("owner@demo.mentorship.test", DEMO_PASSWORD)
    page.get_by_role("link", name="Profile questions and skills").click()
    s.expect_path(rf"/o/demo/programs/{program.pk}/questions/$")
    assert page.get_by_role("heading", name="15 questions").is_visible()
    s.shoot("20-questions")
    page.get_by_role("link", name="Add a question").click()
    field(page, "Question").fill("Which tools do you want to learn?")
    page.get_by_label("Mentees", exact=True).check()
    field(page, "Kind of answer").select_option("multiple_choice")
    page.get_by_label("Options (optional)").fill("Spreadsheets\nSQL\nFigma")
    page.get_by_label("Use for matching: compare answers by (optional)").select_option("overlap")
    s.shoot("21-question-form")
    problems = accessibility_problems(page)
    page.get_by_role("button", name="Add question").click()
    # A mentee question compared by overlap needs its mentor partner: the form says so.
    assert page.get_by_text("Choose the mentor question this one is compared with.").is_visible()
    s.shoot("22-question-form-error")
    page.get_by_label("Use for matching: compare answers by (optional)").select_option("")
    page.get_by_role("button", name="Add question").click()
    s.expect_path(rf"/o/demo/programs/{program.pk}/questions/$")
    assert page.get_by_role("heading", name="16 questions").is_visible()
    page.get_by_role("button", name="Move “Which tools do you want to learn?” up").click()
    s.shoot("23-questions-after")
    s.assert_no_console_errors(allowed=("status of 400",))
    assert not problems, "\n".join(problems)


def test_a_mentee_fills_in_their_profile(browser_session: BrowserSession, demo) -> None:
    from datetime import date

    from organizations.models import Membership, Organization
    from programs.services import (
        CohortSettings,
        ProgramSettings,
        cohort_create,
        enrolment_add_member,
        program_create,
    )

    organization = Organization.objects.get(slug="demo")
    members = Membership.all_organizations.select_related("organization", "user").filter(
        organization=organization
    )
    owner = members.get(user__email="owner@demo.mentorship.test")
    mentee = members.get(user__email="mentee3@demo.mentorship.test")
    program = program_create(
        actor_membership=owner,
        values=ProgramSettings(name="Career circles", purpose="Grow together"),
    )
    cohort = cohort_create(
        actor_membership=owner,
        program=program,
        values=CohortSettings(
            name="Autumn",
            enrolment_opens_on=date(2027, 9, 1),
            enrolment_closes_on=date(2027, 9, 30),
            starts_on=date(2027, 10, 1),
            ends_on=date(2028, 3, 31),
        ),
    )
    enrolment_add_member(actor_membership=owner, cohort=cohort, member=mentee, role="mentee")

    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in("mentee3@demo.mentorship.test", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My programs").click()
    s.shoot("30-my-programs")
    page.get_by_role("link", name="Fill in your profile").click()
    page.get_by_role("button", name="Save my profile").click()
    assert page.get_by_text("Some answers need attention").is_visible()
    s.shoot("31-profile-errors")
    page.get_by_label("What do you want to achieve in this program?").fill(
        "Negotiate bigger contracts."
    )
    page.get_by_label("Negotiation").check()
    page.get_by_label("Which area do you work in?").select_option("Sales")
    page.get_by_label("Less than 2 years").check()
    page.get_by_label("Which department or team are you in?").fill("Sales West Africa")
    page.get_by_label("English", exact=True).check()
    page.get_by_label("Which time zone do you work in?").select_option("Africa/Accra")
    page.get_by_label("Tuesday 09:00–12:00").check()  # noqa: RUF001
    page.get_by_label("Thursday 09:00–12:00").check()  # noqa: RUF001
    s.shoot("32-profile-filled")
    page.locator(".week-grid").screenshot(path=str(s.artifact_dir / "34-week-grid.png"))
    problems = accessibility_problems(page)
    page.get_by_role("button", name="Save my profile").click()
    s.expect_path(r"/o/demo/my-programs/$")
    assert page.get_by_text("Your profile is saved.").is_visible()
    assert page.get_by_text("Profile complete").first.is_visible()
    s.shoot("33-my-programs-complete")
    s.assert_no_console_errors(allowed=("status of 400",))
    assert not problems, "\n".join(problems)


def test_a_program_manager_reviews_the_demo_cohort(browser_session: BrowserSession, demo) -> None:
    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in("manager@demo.mentorship.test", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Programs", exact=True
    ).click()
    page.get_by_role("link", name="Leadership mentoring", exact=True).click()
    page.get_by_role("link", name="Spring cohort").click()
    assert page.get_by_text("6 enrolled of 6 wanted · 6 with a complete profile").is_visible()
    s.shoot("40-demo-cohort")
    page.get_by_role("link", name="See and add participants").click()
    # The demo's published run matched everyone but one mentee, who is choosing a mentor.
    assert page.get_by_text("Matched: 17").is_visible()
    assert page.get_by_text("Profile complete: 1", exact=True).is_visible()
    page.get_by_label("Role").select_option("mentor")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("tbody tr").count() == 6
    s.shoot("41-participants-mentors")
    # HTMX: edit a mentor's capacity in place, without leaving the table.
    page.evaluate("window.__notReloaded = true")
    page.get_by_role("link", name="Edit Ben Carter").click()
    page.get_by_label("Mentees they take on").fill("4")
    s.shoot("42-inline-edit")
    page.locator("tr.row--editing").get_by_role("button", name="Save").click()
    page.get_by_text("takes 4").wait_for()
    assert page.evaluate("window.__notReloaded") is True
    problems = accessibility_problems(page)
    s.assert_no_console_errors()
    assert not problems, "\n".join(problems)
