"""Matching in the browser: a program manager runs matching, swaps a pair and publishes; a
mentee asks a mentor, who accepts."""

from __future__ import annotations

import re

import pytest

from matching import services as matching_services
from matching.models import MatchProposal, MatchRun
from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from organizations.models import Membership, Organization
from organizations.scope import organization_scope
from programs.models import Enrolment, Mentorship
from programs.services.mentorships import mentorship_end_early

from .support import BrowserSession, accessibility_problems

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "matching"
DOMAIN = "demo.mentorship.test"


@pytest.fixture
def demo(demo_organization) -> Organization:
    """The demo, with four of its published pairs ended early: their mentees wait again."""
    organization = demo_organization
    with organization_scope(organization):
        for mentorship in Mentorship.objects.order_by("pk")[:4]:
            mentor = Membership.objects.select_related("organization", "user").get(
                user_id=mentorship.mentor.user_id
            )
            mentorship_end_early(actor=mentor, mentorship=mentorship, reason="Moving teams.")
    return organization


def swappable_mentees(organization: Organization, run: MatchRun) -> tuple[str, str]:
    """Two proposed mentees whose mentors can be exchanged without breaking a rule."""
    with organization_scope(organization):
        proposals = list(MatchProposal.objects.filter(run=run).select_related("mentee", "mentor"))
        pool = matching_services.load_pool(run.cohort)
    model = pool.model
    for first in proposals:
        for second in proposals:
            if first.mentor_id == second.mentor_id or "Ravi Sharma" in (
                first.mentee.full_name,
                second.mentee.full_name,
            ):
                continue
            fine = all(
                not [
                    rule
                    for rule in model.broken_rules(
                        model.mentee_index[a.mentee_id], model.mentor_index[b.mentor_id]
                    )
                    if rule != "at_capacity"
                ]
                for a, b in ((first, second), (second, first))
            )
            if fine:
                return first.mentee.full_name, second.mentee.full_name
    raise AssertionError("no two proposals can swap mentors")


def test_manager_runs_matching_swaps_a_pair_and_publishes(
    browser_session: BrowserSession, demo
) -> None:
    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in(f"manager@{DOMAIN}", DEMO_PASSWORD)
    s.expect_path(r"/o/demo/$")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Programs", exact=True
    ).click()
    page.get_by_role("link", name="Leadership mentoring", exact=True).click()
    page.get_by_role("link", name="Spring cohort").first.click()
    page.get_by_role("link", name="Open matching").click()
    s.expect_path(r"/o/demo/programs/\d+/cohorts/\d+/matching/$")
    # Ravi (left out of the demo's run) and the four mentees whose pairs ended are waiting.
    assert page.get_by_text("5 mentees waiting with a complete profile").is_visible()
    s.shoot("01-matching-page")
    problems = accessibility_problems(page)

    page.get_by_role("button", name="Propose pairs").click()
    s.expect_path(r"/o/demo/programs/\d+/cohorts/\d+/matching/runs/\d+/$")
    with organization_scope(demo):
        run = MatchRun.objects.get(number=2)
        proposed = MatchProposal.objects.filter(run=run).count()
    assert proposed >= 3
    assert page.get_by_text(f"Run 2 proposes {proposed} pairs").is_visible()
    s.shoot("02-run-proposals")
    problems += accessibility_problems(page)
    page.get_by_text("Score by criterion").first.click()
    assert page.locator(".explanation__words").first.is_visible()
    s.shoot("03-explanation-open")

    first, second = swappable_mentees(demo, run)
    page.get_by_label(re.compile(f"^Select {first} and ")).check()
    page.get_by_label(re.compile(f"^Select {second} and ")).check()
    page.get_by_role("button", name="Swap mentors of the two ticked pairs").click()
    swapped = page.get_by_text(re.compile(r"^Swapped: "))
    assert first in swapped.inner_text()
    assert second in swapped.inner_text()
    assert page.get_by_text("Changed", exact=True).count() == 2
    s.shoot("04-after-swap")

    # Ravi stays out of this run: he is choosing his mentor himself.
    ravi_row = page.get_by_role("row").filter(has_text="Ravi Sharma")
    ravi_row.get_by_role("button", name="Remove").click()
    assert page.get_by_text("Pair removed; the mentee is listed as unmatched.").is_visible()
    assert page.get_by_role("heading", name="Not matched (1)").is_visible()
    s.shoot("05-after-remove")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Publish {proposed - 1} pairs").click()
    assert page.get_by_text(
        f"Published: {proposed - 1} mentorships have started and everyone was notified."
    ).is_visible()
    assert page.get_by_text("Published", exact=True).first.is_visible()
    s.shoot("06-published")
    with organization_scope(demo):
        started = {
            m.members.get().mentee.full_name: m.mentor.full_name
            for m in Mentorship.objects.filter(status="active").order_by("-pk")[: proposed - 1]
        }
        chosen = dict(
            MatchProposal.objects.filter(run=run).values_list(
                "mentee__full_name", "mentor__full_name"
            )
        )
    assert started == chosen
    assert first in started and second in started
    s.assert_no_console_errors()
    assert not problems, "\n".join(problems)


def test_mentee_asks_a_mentor_who_accepts(browser_session: BrowserSession, demo) -> None:
    s, page = browser_session, browser_session.page
    with organization_scope(demo):
        ravi = Enrolment.objects.select_related("cohort__program").get(email=f"mentee12@{DOMAIN}")
        member = Membership.objects.select_related("organization", "user").get(user=ravi.user)
    suggestions = matching_services.suggestions_for(actor=member, enrolment=ravi)
    # The demo's request to the best-fitting mentor waits; Ravi asks the next one too.
    assert suggestions[0].requested
    chosen = next(s for s in suggestions if not s.requested).mentor

    s.goto("/accounts/login/")
    s.log_in(f"mentee12@{DOMAIN}", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My programs").click()
    s.shoot("06b-my-programs")
    page.get_by_role("link", name="Choose a mentor").click()
    s.expect_path(r"/o/demo/my-programs/\d+/mentors/$")
    assert page.get_by_text(
        f"Request sent: waiting for {suggestions[0].mentor.full_name}"
    ).is_visible()
    s.shoot("07-suggestions")
    problems = accessibility_problems(page)
    card = page.get_by_role("region", name=chosen.full_name)
    assert card.locator("mark").count() >= 1  # shared answers are highlighted
    card.get_by_label("Your message").fill("I would like to learn how you lead distributed teams.")
    card.get_by_role("button", name=f"Ask {chosen.full_name} to mentor you").click()
    s.expect_path(r"/o/demo/requests/$")
    assert page.get_by_text(f"Request sent to {chosen.full_name}.").is_visible()
    s.shoot("08-requests-sent")
    s.open_account_menu()
    page.get_by_role("menuitem", name="Sign out").click()

    s.goto("/accounts/login/")
    s.log_in(chosen.email, DEMO_PASSWORD)
    s.goto("/o/demo/requests/")
    assert page.get_by_text("I would like to learn how you lead distributed teams.").is_visible()
    s.shoot("09-mentor-requests")
    problems += accessibility_problems(page)
    page.get_by_role("article").filter(has_text="Ravi Sharma").get_by_role(
        "button", name="Accept"
    ).click()
    assert page.get_by_text("Accepted: your mentorship has started.").is_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My programs").click()
    page.get_by_role("link", name="Mentoring Ravi Sharma").click()
    s.expect_path(r"/o/demo/mentorships/\d+/$")
    assert page.get_by_text("Waiting for confirmation").is_visible()
    page.get_by_role("button", name="I agree to this").click()
    assert page.get_by_text("You confirmed the agreement.").is_visible()
    s.shoot("10-mentorship")
    problems += accessibility_problems(page)
    with organization_scope(demo):
        statuses = dict(Enrolment.objects.filter(pk=ravi.pk).values_list("email", "state"))
    assert statuses == {ravi.email: "matched"}
    s.assert_no_console_errors()
    assert not problems, "\n".join(problems)


def test_manager_tunes_what_counts_in_matching(browser_session: BrowserSession, demo) -> None:
    s, page = browser_session, browser_session.page
    s.goto("/accounts/login/")
    s.log_in(f"manager@{DOMAIN}", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Programs", exact=True
    ).click()
    page.get_by_role("link", name="Leadership mentoring", exact=True).click()
    page.get_by_role("link", name="Matching: what counts and the rules").click()
    s.expect_path(r"/o/demo/programs/\d+/matching/$")
    s.shoot("11-settings")
    problems = accessibility_problems(page)
    page.get_by_label("Skills", exact=True).fill("10")
    page.get_by_label("Largest time zone difference (hours)").fill("8")
    page.get_by_label("Mentor at least this many experience steps ahead").fill("3")
    page.get_by_label("… and at most this many").fill("1")
    page.get_by_role("button", name="Save settings").click()
    assert page.get_by_text(
        "The smallest experience gap cannot be larger than the largest"
    ).is_visible()
    s.shoot("12-settings-error")
    page.get_by_label("Mentor at least this many experience steps ahead").fill("1")
    page.get_by_label("… and at most this many").fill("3")
    page.get_by_role("button", name="Save settings").click()
    assert page.get_by_text("Matching settings saved.").is_visible()
    assert page.get_by_label("Skills", exact=True).input_value() == "10"
    s.assert_no_console_errors(allowed=("status of 400",))
    assert not problems, "\n".join(problems)
