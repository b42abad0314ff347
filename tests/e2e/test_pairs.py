"""The pairs of the demo cohort and their health, as the program manager and a mentee see them:
each page opens in a real browser, shows what a person expects, and is photographed into
test-artifacts/pairs/."""

from __future__ import annotations

import pytest

from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import Mentorship

from .support import BrowserSession
from .test_pages_render import Page, look_at

pytestmark = pytest.mark.e2e

ARTIFACT_SUBDIR = "pairs"
DOMAIN = "demo.mentorship.test"


def test_the_manager_follows_the_pairs_and_a_mentee_their_mentorship(
    browser_session: BrowserSession, demo_organization: Organization
) -> None:
    with organization_scope(demo_organization):
        first = Mentorship.objects.select_related("cohort").order_by("pk").first()
        at_risk = Mentorship.objects.order_by("pk")[4]
        mentee_email = first.members.select_related("mentee").get().mentee.email
    program, cohort = first.cohort.program_id, first.cohort_id
    s = browser_session
    s.goto("/accounts/login/")
    s.log_in(f"manager@{DOMAIN}", DEMO_PASSWORD)
    s.expect_path(r"/o/demo/$")
    pairs = f"/o/demo/programs/{program}/cohorts/{cohort}/pairs/"
    problems = look_at(
        s,
        Page("pairs", pairs, "Pairs and how they are doing",
             shows=("At risk (1)", "Needs attention (2)", "No message for 33 days")),
        "01-pairs",
    )  # fmt: skip
    problems += look_at(
        s,
        Page("pairs-at-risk", pairs + "?health=at_risk", "Pairs and how they are doing",
             shows=("Rated the relationship 2 of 5 in the latest check-in",)),
        "02-pairs-at-risk",
    )  # fmt: skip
    problems += look_at(
        s,
        Page("check-ins", f"/o/demo/mentorships/{at_risk.pk}/check-ins/", "Check-ins",
             shows=("2 of 5",)),
        "03-check-ins-as-manager",
    )  # fmt: skip
    problems += look_at(
        s,
        Page("pair-settings", f"/o/demo/programs/{program}/pair-settings/",
             "Goals, milestones and check-ins", shows=("First meeting held",)),
        "04-program-settings",
    )  # fmt: skip
    page = s.page
    page.context.clear_cookies()
    s.goto("/accounts/login/")
    s.log_in(mentee_email, DEMO_PASSWORD)
    s.expect_path(r"/o/demo/$")
    problems += look_at(
        s,
        Page("my-mentorships", "/o/demo/my-mentorships/", "My mentorships",
             shows=("On track", "Next meeting")),
        "05-my-mentorships",
    )  # fmt: skip
    problems += look_at(
        s,
        Page("my-check-ins", f"/o/demo/mentorships/{first.pk}/check-ins/", "Check-ins",
             shows=("Your check-in", "We agreed the scope of my first goal")),
        "06-check-ins-as-mentee",
    )  # fmt: skip
    assert not problems, "\n".join(problems)
