"""What the surveys tests share: surveys built through the services, pairs as plain rows at a
chosen point of their mentorship (tests/notifications/test_rules_helpers.make_pair), and answers
given through the services as the people would."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from organizations.models import Membership, Role
from organizations.scope import organization_scope
from programs import selectors as program_selectors
from programs.models import Mentorship
from surveys import services
from surveys.models import Survey, SurveyQuestion, SurveyResponse
from tests.conftest import _add_member
from tests.factories import make_user
from tests.notifications import test_rules_helpers as h

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
ANONYMOUS_TEXT = "What has been most useful so far?"


def suggested(world, *, active: bool = True) -> dict[str, Survey]:
    """Alpha's program with the suggested surveys, switched on: {"mid_point": ..., "closing": ...}."""
    owner = world.alpha_owner_membership
    services.surveys_install_suggested(actor=owner, program=world.alpha_program)
    found = {}
    with organization_scope(world.alpha):
        surveys = list(Survey.objects.filter(program=world.alpha_program))
    for survey in surveys:
        found[survey.moment] = services.survey_save(
            actor=owner, program=world.alpha_program, moment=survey.moment,
            values=services.SurveySettings(survey.title, survey.intro, is_active=active),
        )  # fmt: skip
    return found


def questions(survey: Survey) -> dict[str, SurveyQuestion]:
    """The survey's questions by kind ("scale", "nps", "single_choice", "text")."""
    with organization_scope(survey.organization):
        return {q.kind: q for q in SurveyQuestion.objects.filter(survey=survey)}


def pair_at_mid_point(world, *, days_past: int = 10, **fields) -> h.Built:
    """An active 180-day mentorship of Alpha's program whose mid-point was `days_past` ago."""
    return h.make_pair(world, started_on=TODAY - (90 + days_past) * DAY, **fields)


def membership(world, user) -> Membership:
    return world.membership(world.alpha, user)


def mentorship_for(member: Membership, mentorship_id: int) -> Mentorship:
    with organization_scope(member.organization):
        return program_selectors.get_mentorship_for(member, mentorship_id)


def answer(world, built: h.Built, user, survey: Survey, **by_kind: Any) -> SurveyResponse:
    """`user` of the pair answers `survey`, each question by its kind: scale=4, nps=9, ..."""
    member = membership(world, user)
    by_id = {q.pk: by_kind.get(kind) for kind, q in questions(survey).items()}
    return services.survey_respond(
        actor=member, mentorship=mentorship_for(member, built.mentorship.pk), survey=survey,
        answers=by_id,
    )  # fmt: skip


def report_viewer(world):
    user = make_user("reports@alphacanary.example", "Rita alphacanary Reports")
    _add_member(world.alpha, world.alpha_owner_membership, user, Role.REPORT_VIEWER)
    return user


def respond_url(world, mentorship_id: int, survey_id: int) -> str:
    return reverse(
        "surveys:respond",
        kwargs={
            "org_slug": world.alpha.slug,
            "mentorship_id": mentorship_id,
            "survey_id": survey_id,
        },
    )


def results_url(world, survey_id: int) -> str:
    return reverse(
        "surveys:results",
        kwargs={
            "org_slug": world.alpha.slug,
            "program_id": world.alpha_program.pk,
            "survey_id": survey_id,
        },
    )


def surveys_url(world) -> str:
    return reverse(
        "surveys:program_surveys",
        kwargs={"org_slug": world.alpha.slug, "program_id": world.alpha_program.pk},
    )
