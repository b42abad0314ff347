"""Program managers read a reported message in the browser, and only that message."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from messaging import services
from messaging.models import Conversation
from organizations.models import Membership, Organization
from organizations.scope import organization_scope

from .support import BrowserSession, accessibility_problems

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "messaging"
DOMAIN = "demo.mentorship.test"


@pytest.fixture
def demo(demo_organization) -> Organization:
    return demo_organization


def in_worker_thread(work) -> None:
    """Services broadcast after commit with async_to_sync, which cannot run in the thread where
    Playwright's event loop runs: do the setup in another thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(work).result()


def report_a_message(demo: Organization) -> None:
    with organization_scope(demo):
        conversation = (
            Conversation.objects.filter(kind="mentorship")
            .select_related("mentorship__mentor")
            .first()
        )
        mentor = Membership.objects.select_related("organization", "user").get(
            user_id=conversation.mentorship.mentor.user_id
        )
        mentee_user_id = conversation.mentorship.members.get().mentee.user_id
        mentee = Membership.objects.select_related("organization", "user").get(
            user_id=mentee_user_id
        )
    services.message_send(
        membership=mentee, conversation=conversation, body="Thanks for the session on Tuesday!"
    )
    rude, _ = services.message_send(
        membership=mentor, conversation=conversation,
        body="Honestly, you will never lead a team.\nStop wasting my time: see https://example.com/why",
    )  # fmt: skip
    services.message_report(
        membership=mentee, message=rude, reason="Demeaning, and not the first time."
    )


def test_manager_reads_a_reported_message_and_marks_it_handled(
    browser_session: BrowserSession, demo
) -> None:
    in_worker_thread(lambda: report_a_message(demo))
    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in(f"manager@{DOMAIN}", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Programs", exact=True
    ).click()
    page.get_by_role("link", name="Leadership mentoring", exact=True).click()
    page.get_by_role("link", name="Reported messages").click()
    s.expect_path(r"/o/demo/programs/\d+/reported-messages/$")
    assert page.get_by_text("Honestly, you will never lead a team.").is_visible()
    assert page.get_by_text("Thanks for the session on Tuesday!").count() == 0
    assert page.get_by_role("link", name="https://example.com/why").is_visible()
    s.shoot("01-reported-message")
    problems = accessibility_problems(page)
    page.get_by_role("button", name="Mark as handled").click()
    assert page.get_by_text("Marked as handled.").is_visible()
    assert page.get_by_text("Handled", exact=True).is_visible()
    s.shoot("02-handled")
    s.assert_no_console_errors()
    assert not problems, "\n".join(problems)
