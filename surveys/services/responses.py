"""The answers of the people in each pair: checked first, stored once."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import Mentorship
from programs.services.common import day_label
from surveys import timing
from surveys.access import pair_enrolment
from surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyQuestionKind, SurveyResponse

TEXT_MAX_LENGTH = 2000
RANGES = {SurveyQuestionKind.SCALE: (1, 5), SurveyQuestionKind.NPS: (0, 10)}


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _clean_answer(question: SurveyQuestion, value: Any) -> Any:
    if question.kind in RANGES:
        low, high = RANGES[question.kind]
        number = _integer(value)
        if number is None or not low <= number <= high:
            raise ValueError(f"Choose a number from {low} to {high}.")
        return number
    if question.kind == SurveyQuestionKind.SINGLE_CHOICE:
        if not isinstance(value, str) or value.strip() not in question.choices:
            raise ValueError("Choose one of the options.")
        return value.strip()
    if not isinstance(value, str):
        raise ValueError("Write your answer as text.")
    text = value.strip()
    if len(text) > TEXT_MAX_LENGTH:
        raise ValueError(f"Keep your answer under {TEXT_MAX_LENGTH} characters.")
    return text


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_answers(questions: list[SurveyQuestion], answers: Mapping[int, Any]) -> dict[int, Any]:
    """Question id -> the answer as stored. Errors are keyed "q<question id>"; blank answers to
    optional questions are left out."""
    errors: dict[str, str] = {}
    known = {question.pk for question in questions}
    if set(answers) - known:
        errors["answers"] = "Answer only the questions of this survey."
    cleaned: dict[int, Any] = {}
    for question in questions:
        value = answers.get(question.pk)
        if _blank(value):
            if question.required:
                errors[f"q{question.pk}"] = "Please answer this question."
            continue
        try:
            cleaned[question.pk] = _clean_answer(question, value)
        except ValueError as error:
            errors[f"q{question.pk}"] = str(error)
    if errors:
        raise ValidationError(errors)
    return cleaned


def require_open(survey: Survey, mentorship: Mentorship, today: datetime.date) -> None:
    """The survey is switched on and its moment came for this mentorship."""
    if not survey.is_active:
        raise ValidationError("This survey is not open: the program's managers switched it off.")
    if not timing.is_open_for(survey.moment, mentorship, today):
        if mentorship.status not in timing.SURVEYED_STATES:
            raise ValidationError("This mentorship ended early: it is not surveyed.")
        opens = timing.opens_on(
            survey.moment, started_on=mentorship.started_on, ends_on=mentorship.ends_on,
            status=mentorship.status, ended_on=mentorship.ended_on,
        )  # fmt: skip
        raise ValidationError(f"This survey opens on {day_label(opens)}.")


@transaction.atomic
def survey_respond(
    *, actor: Membership, mentorship: Mentorship, survey: Survey, answers: Mapping[int, Any]
) -> SurveyResponse:
    """A mentor or mentee of the mentorship answers its program's survey, once, while it is
    open for the mentorship (see surveys.timing). Every answer is checked first: on any refusal
    nothing is stored."""
    enrolment = pair_enrolment(actor, mentorship)
    if enrolment is None:
        raise PermissionDenied("Only the mentor and mentees of this mentorship answer its surveys.")
    if (
        survey.organization_id != actor.organization_id
        or survey.program_id != mentorship.cohort.program_id
    ):
        raise PermissionDenied("This survey belongs to another program.")
    require_open(survey, mentorship, timezone.localdate())
    with organization_scope(actor.organization):
        questions = list(SurveyQuestion.objects.filter(survey=survey).order_by("position", "pk"))
        cleaned = clean_answers(questions, answers)
        scored = {question.pk for question in questions if question.kind in RANGES}
        if SurveyResponse.objects.filter(
            survey=survey, mentorship=mentorship, respondent_id=actor.user_id
        ).exists():
            raise ValidationError("You have answered this survey already. Thank you.")
        try:
            with transaction.atomic():
                response = SurveyResponse.objects.create(
                    organization=actor.organization, survey=survey, mentorship=mentorship,
                    respondent_id=actor.user_id, role=enrolment.role,
                )  # fmt: skip
        except IntegrityError:  # the same person, a moment ago in another tab
            raise ValidationError("You have answered this survey already. Thank you.") from None
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(
                organization=actor.organization,
                response=response,
                question_id=question_id,
                value=value,
                score=value if question_id in scored else None,
            )
            for question_id, value in cleaned.items()
        )
    return response
