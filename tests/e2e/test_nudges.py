"""A program manager sets when the program's pairs are reminded, opens a pair's nudge log,
sends them a note and sees it there; the owner finds the emails that could not be sent and
tries one again. Photographed into test-artifacts/nudges/."""

from __future__ import annotations

import re

import pytest

from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from notifications.delivery import Draft, dedupe_key, notify
from notifications.models import EmailState, Notification, ProgramNudgeSettings
from notifications.preferences import email_bounced
from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import Mentorship, MentorshipStatus

from .support import BrowserSession, accessibility_problems
from .test_meetings import second_browser

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "nudges"
DOMAIN = "demo.mentorship.test"
NOTE = "Your check-in is a week late. Shall we find a time together? I can help."


def _failed_emails(organization: Organization, mentorship: Mentorship) -> None:
    """Two emails of the demo that could not be sent: one failed, one to a bounced address."""
    with organization_scope(organization):
        mentee = mentorship.members.select_related("mentee").get().mentee
    mentor = mentorship.mentor
    drafts = [
        Draft(kind="pair_inactive", occurrence="e2e:failed", user_id=mentee.user_id,
              title="You and your mentor have not been in touch for 14 days",
              mentorship_id=mentorship.pk),
        Draft(kind="check_in_due", occurrence="e2e:bounced", user_id=mentor.user_id,
              title="Time for your check-in", mentorship_id=mentorship.pk),
    ]  # fmt: skip
    notify(organization, drafts)
    with organization_scope(organization):
        Notification.objects.filter(dedupe_key=dedupe_key(organization.pk, drafts[0])).update(
            email_state=EmailState.FAILED, email_attempts=5,
            email_error="SMTPServerDisconnected: Connection unexpectedly closed",
        )  # fmt: skip
        Notification.objects.filter(dedupe_key=dedupe_key(organization.pk, drafts[1])).update(
            email_state=EmailState.BOUNCED
        )
    email_bounced(mentor.email, "550 5.1.1 mailbox unavailable")


def test_a_manager_tunes_the_reminders_and_nudges_a_pair(
    browser, live_server, browser_session: BrowserSession, demo_organization: Organization
) -> None:
    with organization_scope(demo_organization):
        mentorship = (
            Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
            .select_related("cohort", "mentor")
            .order_by("pk")
            .first()
        )
        mentee = mentorship.members.select_related("mentee").get().mentee
        program_id = mentorship.cohort.program_id
    _failed_emails(demo_organization, mentorship)

    # The manager changes when pairs out of contact are reminded.
    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in(f"manager@{DOMAIN}", DEMO_PASSWORD)
    s.expect_path(r"/o/demo/$")
    s.goto(f"/o/demo/programs/{program_id}/")
    page.get_by_role("link", name=re.compile("^Reminders and nudges")).click()
    s.expect_path(rf"/o/demo/programs/{program_id}/nudges/$")
    days = page.get_by_label("Remind the pair after this many days without contact")
    assert days.input_value() == "7, 14, 21"
    assert page.get_by_text("The last number also tells the program's managers").is_visible()
    assert accessibility_problems(page) == []
    s.shoot("01-settings")
    days.fill("10, 5")
    page.get_by_role("button", name="Save reminders and nudges").click()
    assert page.get_by_text("Give each number larger than the one before").is_visible()
    assert days.input_value() == "10, 5"  # nothing typed is lost
    s.shoot("02-settings-refused")
    days.fill("5, 10, 20")
    page.get_by_label("Weekly summary").uncheck()
    page.get_by_role("button", name="Save reminders and nudges").click()
    assert page.get_by_text("Reminders and nudges saved.").is_visible()
    assert days.input_value() == "5, 10, 20"
    assert page.get_by_text("after 20 days").is_visible()
    s.shoot("03-settings-saved")
    with organization_scope(demo_organization):
        saved = ProgramNudgeSettings.objects.get(program_id=program_id)
    assert saved.inactive_days == [5, 10, 20] and saved.disabled == ["weekly_digest"]

    # A pair's log, reached from their mentorship; the manager sends them a note.
    s.goto(f"/o/demo/mentorships/{mentorship.pk}/")
    page.get_by_role("navigation", name="This mentorship").get_by_role(
        "link", name="Nudges", exact=True
    ).click()
    s.expect_path(rf"/o/demo/mentorships/{mentorship.pk}/nudges/$")
    log = page.get_by_role("region", name="What they were sent")
    assert log.get_by_text("SMTPServerDisconnected: Connection unexpectedly closed").is_visible()
    assert log.get_by_text("Not emailed: their address bounces").is_visible()
    assert accessibility_problems(page) == []
    s.shoot("04-log")
    page.get_by_role("radio", name=re.compile(r"^Both: ")).check()
    page.get_by_label("Your note").fill(NOTE)
    page.get_by_role("button", name="Send the note").click()
    s.expect_path(rf"/o/demo/mentorships/{mentorship.pk}/nudges/$")
    assert page.get_by_text("Note sent to 2 people.").is_visible()
    notes = log.get_by_role("listitem").filter(has_text="Note from a program manager")
    assert notes.count() == 2  # one per person
    assert notes.filter(has_text=f"To {mentee.full_name}, mentee").count() == 1
    assert notes.first.get_by_text(NOTE).is_visible()
    assert notes.first.get_by_text("sent by Priya Manager").is_visible()
    assert accessibility_problems(page) == []
    s.shoot("05-log-with-the-note")
    page.set_viewport_size({"width": 390, "height": 844})
    s.shoot("06-log-on-a-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    s.assert_no_console_errors(allowed=("nudges/",))  # the refused save: a 400

    # The owner finds the emails that could not be sent, and tries the failed one again.
    owner = second_browser(browser, live_server, s.artifact_dir)
    owner.goto("/accounts/login/")
    owner.log_in(f"owner@{DOMAIN}", DEMO_PASSWORD)
    owner.expect_path(r"/o/demo/$")
    owner.goto("/o/demo/settings/")
    owner.page.get_by_role("link", name=re.compile("^Failed emails")).click()
    owner.expect_path(r"/o/demo/notifications/failed/$")
    assert owner.page.get_by_text("must confirm their address").first.is_visible()
    assert accessibility_problems(owner.page) == []
    owner.shoot("07-failed-emails")
    owner.page.get_by_role("button", name=re.compile("^Try again")).click()
    assert owner.page.get_by_text("again to").is_visible()
    owner.shoot("08-failed-email-tried-again")
    owner.assert_no_console_errors()
