"""The whole admin path in one story: a program manager sets up a program, a cohort and a custom
question, invites a newcomer by CSV; the newcomer signs up from the invitation, joins and
completes their profile; the admin sees them as "profile complete"."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from mentorship.management.commands.seed_demo import DEMO_PASSWORD

from .support import BrowserSession, accessibility_problems, field

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "admin-path"
NEWCOMER = "nora.newbie@example.com"
NEWCOMER_PASSWORD = "harbour-lantern-anchor-77"


@pytest.fixture
def demo(transactional_db) -> None:
    call_command("seed_demo", quiet=True)


def _link_in_mail(to: str, pattern: str) -> str:
    for message in reversed(mail.outbox):
        if to in message.to:
            match = re.search(pattern, message.body)
            if match:
                return urlparse(match.group(0)).path
    raise AssertionError(f"no mail to {to} with {pattern}")


def test_program_cohort_question_csv_invite_join_and_complete_profile(
    browser, browser_session: BrowserSession, demo, live_server
) -> None:
    admin, page = browser_session, browser_session.page
    problems: list[str] = []

    # The program manager sets up a program from a template.
    admin.goto("/accounts/login/")
    admin.log_in("manager@demo.mentorship.test", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Programs", exact=True
    ).click()
    page.get_by_role("main").get_by_role("link", name="New program").click()
    page.get_by_role("link", name="Use the Onboarding buddies template").click()
    field(page, "Program name").fill("Buddies 2027")
    page.get_by_role("button", name="Create program").click()
    admin.expect_path(r"/o/demo/programs/\d+/$")

    # A custom question, asked of mentees.
    page.get_by_role("link", name="Profile questions and skills").click()
    page.get_by_role("link", name="Add a question").click()
    field(page, "Question").fill("How would you like to meet?")
    page.get_by_label("Mentees", exact=True).check()
    field(page, "Kind of answer").select_option("single_choice")
    page.get_by_label("Options (optional)").fill("Video call\nIn person\nEither")
    page.get_by_label("People must answer it").check()
    page.get_by_role("button", name="Add question").click()
    assert page.get_by_role("heading", name="16 questions").is_visible()
    admin.shoot("01-questions")
    page.get_by_role("link", name="← Buddies 2027").click()

    # A cohort, open for enrolment.
    page.get_by_role("link", name="Set up the first cohort").first.click()
    today = timezone.localdate()
    field(page, "Cohort name").fill("January intake")
    field(page, "Enrolment opens").fill(str(today))
    field(page, "Enrolment closes").fill(str(today + timedelta(days=14)))
    field(page, "Mentoring starts").fill(str(today + timedelta(days=21)))
    field(page, "Mentoring ends").fill(str(today + timedelta(days=111)))
    page.get_by_role("button", name="Create cohort").click()
    page.get_by_role("button", name="Open enrolment").click()
    assert page.get_by_text("January intake is now enrolling.").is_visible()

    # Invite by CSV.
    page.get_by_role("link", name="See and add participants").click()
    page.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "intake.csv",
                "mimeType": "text/csv",
                "buffer": f"email,name,role\n{NEWCOMER},Nora Newbie,mentee\n".encode(),
            }
        ]
    )
    page.get_by_role("button", name="Check and import").click()
    assert page.get_by_text(
        "Imported 1 participants: 0 members enrolled, 1 invited by email."
    ).is_visible()
    admin.shoot("02-imported")
    participants_url = page.url

    # The newcomer follows the invitation, signs up and confirms their email.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    newcomer = BrowserSession(context.new_page(), live_server.url, admin.artifact_dir)
    invitation_path = _link_in_mail(NEWCOMER, r"https?://\S+/o/demo/join/\S+/")
    newcomer.goto(invitation_path)
    newcomer.shoot("03-invitation")
    newcomer.page.get_by_role("main").get_by_role("link", name="Sign up").click()
    field(newcomer.page, "Full name").fill("Nora Newbie")
    field(newcomer.page, "Email").fill(NEWCOMER)
    field(newcomer.page, "Password").fill(NEWCOMER_PASSWORD)
    field(newcomer.page, "Password (again)").fill(NEWCOMER_PASSWORD)
    newcomer.page.get_by_role("button", name=re.compile("sign up", re.IGNORECASE)).click()
    newcomer.goto(_link_in_mail(NEWCOMER, r"https?://\S+/accounts/confirm-email/\S+/"))
    newcomer.page.get_by_role("button", name="Confirm").click()

    # Confirming the address brings them back to the invitation; joining makes the cohort
    # place theirs.
    newcomer.expect_path(r"/o/demo/join/[^/]+/$")
    newcomer.shoot("03b-back-at-the-invitation")
    newcomer.page.get_by_role("button", name="Accept and join").click()
    newcomer.expect_path(r"/o/demo/$")
    newcomer.page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="My programs"
    ).click()
    newcomer.shoot("04-my-programs")
    newcomer.page.get_by_role("link", name="Fill in your profile").click()

    p = newcomer.page
    p.get_by_label("What do you want to achieve in this program?").fill(
        "Find my way around in my first months."
    )
    p.get_by_label("Networking").check()
    p.get_by_label("Which area do you work in?").select_option("Marketing")
    p.get_by_label("Less than 2 years").check()
    p.get_by_label("Which department or team are you in?").fill("Brand")
    p.get_by_label("English", exact=True).check()
    p.get_by_label("Which time zone do you work in?").select_option("Europe/Lisbon")
    p.get_by_label("Monday 09:00–12:00").check()  # noqa: RUF001
    p.get_by_label("In person").check()
    newcomer.shoot("05-profile")
    problems += accessibility_problems(p)
    p.get_by_role("button", name="Save my profile").click()
    newcomer.expect_path(r"/o/demo/my-programs/$")
    assert p.get_by_text("Profile complete").first.is_visible()
    context.close()

    # The program manager sees them as "profile complete".
    page.goto(participants_url)
    assert page.get_by_text("Profile complete: 1").is_visible()
    row = page.locator("tbody tr", has_text="Nora Newbie")
    assert row.get_by_text("Profile complete").is_visible()
    assert row.get_by_text("Brand").is_visible()  # the department from the profile
    admin.shoot("06-profile-complete")
    assert not problems, "\n".join(problems)
