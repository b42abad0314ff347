"""The surveys app's routes in the tenant-isolation walk (see tests/security/routes.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from organizations.scope import organization_scope
from tests.conftest import CANARY, World
from tests.security.routes import TenantRoute, _bravo_program, _matching, _program


def _surveys(world: World) -> dict:
    """Alpha's surveys from the suggested questions, the mid-point one switched on with a title
    carrying Alpha's marker, and the walk's mentorship (Alpha's owner mentors its member) past
    its mid-point, so that the owner (the walk's positive control) may answer it."""
    from programs.models import Mentorship
    from surveys import services
    from surveys.models import Survey, SurveyQuestion

    mentorship_id = _matching(world)["mentorship_id"]
    with organization_scope(world.alpha):
        survey = Survey.objects.filter(program=world.alpha_program, moment="mid_point").first()
    if survey is None:
        owner = world.alpha_owner_membership
        services.surveys_install_suggested(actor=owner, program=world.alpha_program)
        survey = services.survey_save(
            actor=owner, program=world.alpha_program, moment="mid_point",
            values=services.SurveySettings(f"How is it going? ({CANARY})", is_active=True),
        )  # fmt: skip
        today = timezone.localdate()
        with organization_scope(world.alpha):
            Mentorship.objects.filter(pk=mentorship_id).update(
                started_on=today - datetime.timedelta(days=100),
                ends_on=today + datetime.timedelta(days=80),
            )
    with organization_scope(world.alpha):
        question = SurveyQuestion.objects.filter(survey=survey).order_by("position").first()
    return {
        "program_id": world.alpha_program.pk,
        "survey_id": survey.pk,
        "question_id": question.pk,
        "mentorship_id": mentorship_id,
    }


def _pick(*names: str):
    def kwargs(world: World) -> dict:
        found = _surveys(world)
        return {name: found[name] for name in names}

    return kwargs


def _moment(world: World) -> dict:
    return {**_program(world), "moment": "mid_point"}


def _with_surveys(world: World) -> dict:
    _surveys(world)
    return _program(world)


_QUESTION = _pick("program_id", "question_id")
_RESULTS = _pick("program_id", "survey_id")
_RESPOND = _pick("mentorship_id", "survey_id")

SURVEY_WEB_ROUTES: dict[str, TenantRoute] = {
    "surveys:program_surveys": TenantRoute(
        _with_surveys, is_list=True, bravo_list_kwargs=_bravo_program
    ),
    "surveys:suggested": TenantRoute(_program),
    "surveys:survey_settings": TenantRoute(_moment),
    "surveys:question_create": TenantRoute(_moment),
    "surveys:question_edit": TenantRoute(_QUESTION),
    "surveys:question_move": TenantRoute(_QUESTION),
    "surveys:question_delete": TenantRoute(_QUESTION),
    "surveys:results": TenantRoute(_RESULTS),
    "surveys:respond": TenantRoute(_RESPOND),
}

# The API's routes (surveys/api/urls.py).
SURVEY_API_ROUTES: dict[str, TenantRoute] = {
    "api_program_surveys": TenantRoute(
        _with_surveys, is_list=True, bravo_list_kwargs=_bravo_program
    ),
    "api_survey_results": TenantRoute(_RESULTS),
    "api_survey_respond": TenantRoute(_RESPOND),
}

SURVEY_ROUTES = SURVEY_WEB_ROUTES | SURVEY_API_ROUTES
