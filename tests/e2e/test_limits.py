"""Limits as a person meets them in the browser: a chat message sent faster than the pace limit
is not lost (marked not sent, with how long to wait, and sent once on Retry); a bulk resend of
invitations beyond what is left gets a page that says so; an upload over the request limit gets
the 400 page with the limit."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from messaging.models import Conversation
from organizations.models import Invitation, Membership
from organizations.scope import organization_scope
from programs import services as program_services
from programs.demo import DEMO_PROGRAM
from programs.models import CohortStatus, Enrolment, Mentorship, Program

from .support import BROWSER_TIMEZONE, BrowserSession, accessibility_problems

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "limits"
PERIOD_SECONDS = 10
DOMAIN = "demo.mentorship.test"


@pytest.fixture
def one_message_per_period(settings):
    """Set before the live chat server starts (it is forked with these settings)."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "message_send": f"1/{PERIOD_SECONDS}s"}


def test_a_message_sent_too_fast_stays_marked_and_is_sent_on_retry(
    one_message_per_period, browser, asgi_live_server, demo_organization
):
    from tests.e2e.conftest import ARTIFACTS

    with organization_scope(demo_organization):
        mentorship = Mentorship.objects.order_by("pk").first()
        mentee = mentorship.members.select_related("mentee").get().mentee
        conversation = Conversation.objects.get(mentorship=mentorship)
    history = conversation.last_sequence
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="en-GB", timezone_id=BROWSER_TIMEZONE,
        base_url=asgi_live_server,
    )  # fmt: skip
    context.set_default_timeout(10_000)
    session = BrowserSession(context.new_page(), asgi_live_server, ARTIFACTS / ARTIFACT_SUBDIR)
    page = session.page
    try:
        session.goto("/accounts/login/")
        session.log_in(mentee.email, DEMO_PASSWORD)
        session.expect_path(r"/o/demo/$")
        session.goto(f"/o/demo/messages/{conversation.pk}/")
        composer = page.get_by_role("textbox", name="Message")
        mine = page.locator(".chat__message--mine")
        # One message per window: the second is refused, unless a window ended between the
        # two sends; then the third is (no two windows end within a few sends).
        sent_before = mine.count()
        for number in (1, 2, 3):
            composer.fill(f"Quick note {number}")
            composer.press("Enter")
            status = mine.nth(sent_before + number - 1).locator(".chat__status")
            expect(status).to_have_text(re.compile(r"^(Sent|Not sent: .*)"))
            if status.inner_text().startswith("Not sent"):
                refused = number
                break
        else:
            pytest.fail("No send was refused at one message per window.")
        refused_node = mine.nth(sent_before + refused - 1)
        status = refused_node.locator(".chat__status")
        expect(status).to_contain_text(
            re.compile(r"Not sent: You are sending messages too fast; wait \d+ seconds?\.")
        )
        retry = refused_node.get_by_role("button", name="Retry")
        expect(retry).to_be_visible()
        expect(refused_node.locator(".chat__body")).to_have_text(f"Quick note {refused}")
        session.shoot("01-refused-for-pace-with-retry")
        problems = accessibility_problems(page)

        time.sleep(PERIOD_SECONDS + 1)
        retry.click()
        expect(status).to_have_text("Sent")
        session.shoot("02-sent-on-retry")
        with organization_scope(demo_organization):
            bodies = list(
                conversation.messages.filter(sequence__gt=history)
                .order_by("sequence")
                .values_list("body", flat=True)
            )
        assert bodies == [f"Quick note {n}" for n in range(1, refused + 1)]
        session.assert_no_console_errors()
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def autumn_cohort_with_three_invited(demo) -> tuple[Program, int, list[int]]:
    """A cohort open for enrolment with three people invited two days ago (due a reminder)."""
    with organization_scope(demo):
        owner = Membership.objects.select_related("organization", "user").get(
            user__email=f"owner@{DOMAIN}"
        )
        program = Program.objects.get(name=DEMO_PROGRAM)
        today = timezone.localdate()
        cohort = program_services.cohort_create(
            actor_membership=owner, program=program,
            values=program_services.CohortSettings(
                name="Autumn cohort", enrolment_opens_on=today, starts_on=today + timedelta(30),
                enrolment_closes_on=today + timedelta(20), ends_on=today + timedelta(200),
            ),
        )  # fmt: skip
        program_services.cohort_transition(
            actor_membership=owner, cohort=cohort, to_status=CohortStatus.ENROLLING
        )
        for name in ("Noor", "Ines", "Tomas"):
            program_services.enrolment_invite(
                actor_membership=owner, cohort=cohort, email=f"{name.lower()}@example.com",
                full_name=f"{name} Newcomer", role="mentee",
            )  # fmt: skip
        invited = Enrolment.objects.filter(cohort=cohort)
        invited.update(invitation_sent_at=timezone.now() - timedelta(days=2))
        return program, cohort.pk, list(invited.values_list("pk", flat=True))


def test_a_bulk_resend_beyond_the_allowance_gets_a_page_that_says_so(
    browser_session: BrowserSession, demo_organization, settings
) -> None:
    # The owner's three invitations leave the organisation two of its five an hour.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation_organization": "5/h"}
    program, cohort_id, invited = autumn_cohort_with_three_invited(demo_organization)
    with organization_scope(demo_organization):
        invitations_before = Invitation.objects.count()
    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in(f"manager@{DOMAIN}", DEMO_PASSWORD)
    s.expect_path(r"/o/demo/$")
    s.goto(f"/o/demo/programs/{program.pk}/cohorts/{cohort_id}/participants/")
    for name in ("Noor", "Ines", "Tomas"):
        page.get_by_label(f"Select {name} Newcomer").check()
    page.get_by_label("With the ticked people").select_option(label="Resend invitations")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name="Slow down a little")).to_be_visible()
    expect(
        page.get_by_text(
            re.compile(
                r"^This would send 3 invitations, and your organisation can send 2 more this hour "
                r"\(the limit is 5 invitations an hour\)\. Nothing was sent: send at most 2 now, "
                r"or all of them in \d+ (seconds?|minutes?)\.$"
            )
        )
    ).to_be_visible()
    s.shoot("03-bulk-resend-refused")
    page.get_by_role("link", name="Back to the page you were on").click()
    s.expect_path(rf"/o/demo/programs/{program.pk}/cohorts/{cohort_id}/participants/$")
    problems = accessibility_problems(page)
    with organization_scope(demo_organization):
        assert Invitation.objects.count() == invitations_before
        assert set(
            Enrolment.objects.filter(pk__in=invited).values_list("reminders_sent", flat=True)
        ) == {0}
    s.assert_no_console_errors(allowed=("429",))
    assert not problems, "\n".join(problems)


def test_an_upload_over_the_request_limit_gets_the_400_page_with_the_limit(
    browser_session: BrowserSession, demo_organization, settings
) -> None:
    program, cohort_id, _ = autumn_cohort_with_three_invited(demo_organization)
    settings.UPLOAD_REQUEST_MAX_BYTES = 2048
    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in(f"manager@{DOMAIN}", DEMO_PASSWORD)
    s.expect_path(r"/o/demo/$")
    s.goto(f"/o/demo/programs/{program.pk}/cohorts/{cohort_id}/participants/")
    people = "email,name,role\n" + "".join(
        f"person{n}@example.com,Person {n},mentee\n" for n in range(200)
    )
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": people.encode()}]
    )
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("heading", name="This upload was too large")).to_be_visible()
    expect(page.get_by_text("Files sent at once can be at most 2.0 KB together.")).to_be_visible()
    s.shoot("04-upload-too-large")
    problems = accessibility_problems(page)
    with organization_scope(demo_organization):
        assert not Enrolment.objects.filter(email__startswith="person").exists()
    s.assert_no_console_errors(allowed=("400",))
    assert not problems, "\n".join(problems)
