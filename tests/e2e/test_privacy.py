"""A mentee downloads their data and then erases their account; their mentor still reads the
conversation, the mentee's messages shown from "A former member". The owner exports the whole
organisation."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from accounts.models import User
from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from messaging import services as messaging_services
from messaging.models import Conversation, Message
from organizations.models import Membership, Organization
from organizations.scope import organization_scope
from programs import selectors as program_selectors
from programs.models import Mentorship, MentorshipStatus

from .support import BrowserSession, accessibility_problems, field
from .test_meetings import second_browser

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "privacy"
MENTEE_WORDS = "Thank you for the advice on my presentation, it went well."


def test_a_mentee_downloads_their_data_erases_the_account_and_the_mentor_still_reads_them(
    browser, live_server, browser_session: BrowserSession, demo_organization: Organization, tmp_path
) -> None:
    from tests.e2e.conftest import ARTIFACTS

    with organization_scope(demo_organization):
        mentorship = (
            Mentorship.objects.filter(
                status=MentorshipStatus.ACTIVE, cohort__program__format="one_to_one"
            )
            .select_related("mentor__user")
            .order_by("pk")
            .first()
        )
        mentee = mentorship.members.select_related("mentee__user").get().mentee.user
        mentor = mentorship.mentor.user
        member = Membership.objects.get(user=mentee)
        conversation = messaging_services.conversation_for_mentorship(
            program_selectors.get_mentorship_for(member, mentorship.pk)
        )
        messaging_services.message_send(
            membership=member, conversation=conversation, body=MENTEE_WORDS
        )

    # The mentee downloads everything the platform holds about them.
    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in(mentee.email, DEMO_PASSWORD)
    s.expect_path(r"/o/demo/$")
    s.goto("/account/")
    expect(page.get_by_role("heading", name="Your data")).to_be_visible()
    expect(page.get_by_role("heading", name="Erase my account")).to_be_visible()
    s.shoot("01-account-settings-your-data")
    assert accessibility_problems(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data").click()
    download = download_info.value
    assert re.fullmatch(r"mentorship-data-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = json.loads(saved.read_text())
    assert data["account"]["email"] == mentee.email
    (demo,) = data["organizations"]
    assert MENTEE_WORDS in [m["body"] for m in demo["messages"]]
    assert demo["mentorships"][0]["partners"] == [mentor.full_name]

    # A wrong address is refused on the page, nothing erased.
    page.get_by_label("Your email address").fill("someone@else.example")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Erase my account").click()
    s.expect_path(r"/accounts/reauthenticate/")
    s.shoot("02-password-asked-first")
    field(page, "Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("That is not this account's address")).to_be_visible()
    s.shoot("03-wrong-address-refused")
    assert User.objects.get(pk=mentee.pk).is_active

    # Then the right one: within the next minutes the password is not asked again.
    page.get_by_label("Your email address").fill(mentee.email)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Erase my account").click()
    s.expect_path(r"/account/erased/$")
    expect(page.get_by_role("heading", name="Your account is erased")).to_be_visible()
    s.shoot("04-account-erased")
    assert accessibility_problems(page) == []
    assert not User.objects.get(pk=mentee.pk).is_active
    s.goto("/account/")
    s.expect_path(r"/accounts/login/")
    s.assert_no_console_errors(allowed=("/accounts/reauthenticate/",))  # the wrong address: a 400

    # The mentor opens their conversation: the messages are there, from "A former member".
    mentor_session = second_browser(browser, live_server, ARTIFACTS / ARTIFACT_SUBDIR)
    try:
        mentor_session.goto("/accounts/login/")
        mentor_session.log_in(mentor.email, DEMO_PASSWORD)
        mentor_session.expect_path(r"/o/demo/$")
        mentor_session.goto(f"/o/demo/messages/{conversation.pk}/")
        mentor_page = mentor_session.page
        mine = mentor_page.locator(".chat__message", has_text=MENTEE_WORDS)
        expect(mine).to_be_visible()
        expect(mine.locator(".chat__sender")).to_have_text("A former member")
        expect(mentor_page.get_by_text("This mentorship has ended")).to_be_visible()
        mentor_session.shoot("05-mentor-reads-the-former-member")
        with organization_scope(demo_organization):
            assert Message.objects.filter(conversation=conversation, sender=None).count() >= 1
            assert Conversation.objects.get(pk=conversation.pk).mentorship.status == (
                MentorshipStatus.ENDED_EARLY
            )
        mentor_session.assert_no_console_errors()
    finally:
        mentor_session.page.context.close()


def test_the_owner_exports_the_whole_organisation(
    browser, live_server, browser_session: BrowserSession, demo_organization: Organization, tmp_path
) -> None:
    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in("owner@demo.mentorship.test", DEMO_PASSWORD)
    s.expect_path(r"/o/demo/$")
    s.goto("/o/demo/settings/")
    page.get_by_role("link", name=re.compile("^Export the organisation")).click()
    s.expect_path(r"/accounts/reauthenticate/")
    field(page, "Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    s.expect_path(r"/o/demo/export/$")
    expect(page.get_by_role("heading", name="What is not")).to_be_visible()
    s.shoot("06-export-the-organisation")
    assert accessibility_problems(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the ZIP").click()
    download = download_info.value
    assert re.fullmatch(r"demo-export-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        with organization_scope(demo_organization):
            assert manifest["counts"]["members"] == Membership.objects.count()
            assert manifest["counts"]["mentorships"] == Mentorship.objects.count()
        assert "members.jsonl" in archive.namelist()
    s.assert_no_console_errors()
