"""Every read of the surveys app except the results (those are surveys/aggregate.py). Each takes
the reading member and answers 404 for what they may not see, whether it is missing, in another
organisation or simply not theirs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils import timezone

from organizations.models import Membership
from organizations.scope import organization_scope
from programs import selectors as program_selectors
from programs.access import can_manage_program
from programs.models import Enrolment, Mentorship, Program
from surveys import timing
from surveys.access import pair_enrolment, reads_results
from surveys.models import MOMENTS, Survey, SurveyQuestion, SurveyResponse


def _digits(value) -> bool:
    return str(value).isdigit()


# A program's surveys, for its managers and report viewers -------------------------------------


def get_program_for_surveys(membership: Membership, program_id: int) -> Program:
    """A program whose surveys the member reads: its managers and the report viewers. 404 when
    the program is not visible, 403 when it is visible but not theirs to read."""
    program = program_selectors.get_program_for(membership, program_id)
    if not reads_results(membership, program):
        raise PermissionDenied("Only the program's managers and report viewers read its surveys.")
    return program


def get_managed_program(membership: Membership, program_id: int) -> Program:
    program = program_selectors.get_program_for(membership, program_id)
    if not can_manage_program(membership, program):
        raise PermissionDenied("You can see this program but do not run it.")
    return program


def surveys_of(program: Program) -> list[Survey]:
    """The program's surveys (mid-point first) with their questions, each question with its
    number of answers, and each survey with its number of responses: three queries."""
    with organization_scope(program.organization):
        questions = SurveyQuestion.objects.annotate(answer_count=Count("answers")).order_by(
            "position", "pk"
        )
        surveys = list(
            Survey.objects.filter(program=program)
            .annotate(response_count=Count("responses"))
            .prefetch_related(Prefetch("questions", queryset=questions))
        )
    for survey in surveys:
        survey.program = program
    return sorted(surveys, key=lambda survey: MOMENTS.index(survey.moment))


def get_survey_of(program: Program, survey_id: int) -> Survey:
    with organization_scope(program.organization):
        survey = (
            Survey.objects.filter(program=program, pk=survey_id).first()
            if _digits(survey_id)
            else None
        )
    if survey is None:
        raise Http404("No such survey.")
    survey.program = program
    return survey


def get_question_for(program: Program, question_id: int) -> SurveyQuestion:
    """A question of one of the program's surveys, or 404."""
    with organization_scope(program.organization):
        question = (
            SurveyQuestion.objects.select_related("survey")
            .filter(survey__program=program, pk=question_id)
            .first()
            if _digits(question_id)
            else None
        )
    if question is None:
        raise Http404("No such question.")
    question.survey.program = program
    return question


# What a person of a pair answers --------------------------------------------------------------


@dataclass(frozen=True)
class Respondent:
    """A survey as one person of a pair reads it: their enrolment, and whether they answered."""

    mentorship: Mentorship
    survey: Survey
    enrolment: Enrolment
    questions: list[SurveyQuestion]
    answered_at: datetime.datetime | None


def get_survey_for_respondent(
    membership: Membership, mentorship_id: int, survey_id: int
) -> Respondent:
    """The survey for the member to answer (or, once answered, to be thanked for): only the
    people of the pair, only a survey of the mentorship's program that is switched on and open
    for the mentorship (see surveys.timing). 404 for anything else, the managers included."""
    mentorship = program_selectors.get_mentorship_for(membership, mentorship_id)
    mentorship.organization = membership.organization
    enrolment = pair_enrolment(membership, mentorship)
    if enrolment is None or not _digits(survey_id):
        raise Http404("No such survey.")
    with organization_scope(membership.organization):
        survey = (
            Survey.objects.filter(pk=survey_id, program_id=mentorship.cohort.program_id)
            .annotate(
                answered_at=Subquery(
                    SurveyResponse.objects.filter(
                        survey=OuterRef("pk"),
                        mentorship=mentorship,
                        respondent_id=membership.user_id,
                    ).values("submitted_at")[:1]
                )
            )
            .first()
        )
        if survey is None:
            raise Http404("No such survey.")
        answered_at = survey.answered_at
        questions = []
        if answered_at is None:
            if not survey.is_active or not timing.is_open_for(
                survey.moment, mentorship, timezone.localdate()
            ):
                raise Http404("No such survey.")
            questions = list(SurveyQuestion.objects.filter(survey=survey))
            if not questions:
                raise Http404("No such survey.")
    survey.program = mentorship.cohort.program
    return Respondent(mentorship, survey, enrolment, questions, answered_at)


def open_surveys_for(membership: Membership, mentorship: Mentorship) -> list[Survey]:
    """The surveys the member of the pair may answer now for this mentorship, mid-point first.
    No query at all until a survey's moment came for the mentorship; then one."""
    if pair_enrolment(membership, mentorship) is None:
        return []
    today = timezone.localdate()
    moments = [m for m in MOMENTS if timing.is_open_for(m, mentorship, today)]
    if not moments:
        return []
    with organization_scope(membership.organization):
        answered = SurveyResponse.objects.filter(
            survey=OuterRef("pk"), mentorship=mentorship, respondent_id=membership.user_id
        )
        surveys = list(
            Survey.objects.filter(
                Q(program_id=mentorship.cohort.program_id, is_active=True, moment__in=moments),
                Exists(SurveyQuestion.objects.filter(survey=OuterRef("pk"))),
                ~Exists(answered),
            )
        )
    return sorted(surveys, key=lambda survey: MOMENTS.index(survey.moment))
