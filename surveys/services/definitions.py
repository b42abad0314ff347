"""A program's two surveys and their questions: written by its managers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import Program
from programs.services.common import require_program_manager
from surveys.models import (
    MOMENTS,
    Survey,
    SurveyAnswer,
    SurveyMoment,
    SurveyQuestion,
    SurveyQuestionKind,
)

LABEL_MAX_LENGTH = 255
HELP_MAX_LENGTH = 255
TITLE_MAX_LENGTH = 200
INTRO_MAX_LENGTH = 2000
MIN_CHOICES, MAX_CHOICES = 2, 10
CHOICE_MAX_LENGTH = 100
MAX_QUESTIONS = 20
DEFAULT_TITLES = {
    SurveyMoment.MID_POINT: "Mid-point survey",
    SurveyMoment.CLOSING: "Closing survey",
}


@dataclass(frozen=True)
class SurveySettings:
    title: str
    intro: str = ""
    is_active: bool = False


@dataclass(frozen=True)
class QuestionSettings:
    label: str
    kind: str
    help_text: str = ""
    required: bool = False
    choices: list[str] = field(default_factory=list)
    anonymous: bool = False


@dataclass(frozen=True)
class Suggested:
    title: str
    intro: str
    questions: tuple[QuestionSettings, ...]


_SCALE_HELP = "1 is not well at all, 5 is very well."
_NPS = QuestionSettings(
    label="How likely are you to recommend this program to a colleague?",
    kind=SurveyQuestionKind.NPS,
    help_text="0 is not at all likely, 10 is extremely likely.",
    required=True,
)
SUGGESTED: dict[str, Suggested] = {
    SurveyMoment.MID_POINT: Suggested(
        title="Halfway there: how is it going?",
        intro="You are halfway through your mentorship. A few short questions tell the program "
        "team what works, so they can help where it does not.",
        questions=(
            QuestionSettings(
                label="How is your mentorship going?", kind=SurveyQuestionKind.SCALE,
                help_text=_SCALE_HELP, required=True,
            ),
            _NPS,
            QuestionSettings(
                label="What has been most useful so far?", kind=SurveyQuestionKind.TEXT,
                anonymous=True,
            ),
        ),
    ),
    SurveyMoment.CLOSING: Suggested(
        title="Looking back on your mentorship",
        intro="Your mentorship is coming to its end. Tell the program team how it went, so the "
        "next pairs get even more from it.",
        questions=(
            QuestionSettings(
                label="Overall, how satisfied are you with your mentorship?",
                kind=SurveyQuestionKind.SCALE,
                help_text="1 is not satisfied at all, 5 is very satisfied.", required=True,
            ),
            _NPS,
            QuestionSettings(
                label="Did you reach the goals you set?", kind=SurveyQuestionKind.SINGLE_CHOICE,
                choices=["Yes", "Partly", "No"], required=True,
            ),
            QuestionSettings(
                label="What would you change about the program?", kind=SurveyQuestionKind.TEXT,
                anonymous=True,
            ),
        ),
    ),
}  # fmt: skip


# Definitions ----------------------------------------------------------------------------------


def _require_moment(moment: str) -> None:
    if moment not in SurveyMoment.values:
        raise ValidationError({"moment": "Choose the mid-point or the closing survey."})


def _clean_choices(kind: str, choices: Iterable[str]) -> list[str]:
    if kind != SurveyQuestionKind.SINGLE_CHOICE:
        return []
    cleaned: list[str] = []
    seen: set[str] = set()
    for choice in choices:
        choice = " ".join(str(choice).split())
        if not choice or choice.casefold() in seen:
            continue
        if len(choice) > CHOICE_MAX_LENGTH:
            raise ValidationError(
                {"choices": f"Keep each option under {CHOICE_MAX_LENGTH} characters."}
            )
        seen.add(choice.casefold())
        cleaned.append(choice)
    if len(cleaned) < MIN_CHOICES:
        raise ValidationError({"choices": "Give at least two options, one per line."})
    if len(cleaned) > MAX_CHOICES:
        raise ValidationError({"choices": f"At most {MAX_CHOICES} options."})
    return cleaned


def clean_question(values: QuestionSettings) -> dict[str, Any]:
    """The question's fields as they are stored, or a ValidationError naming the field."""
    errors: dict[str, str] = {}
    label = " ".join(values.label.split())
    if not label:
        errors["label"] = "Write the question people will answer."
    elif len(label) > LABEL_MAX_LENGTH:
        errors["label"] = f"Keep the question under {LABEL_MAX_LENGTH} characters."
    help_text = values.help_text.strip()
    if len(help_text) > HELP_MAX_LENGTH:
        errors["help_text"] = f"Keep the help text under {HELP_MAX_LENGTH} characters."
    if values.kind not in SurveyQuestionKind.values:
        errors["kind"] = "Choose the kind of answer."
    if errors:
        raise ValidationError(errors)
    return {
        "label": label,
        "kind": values.kind,
        "help_text": help_text,
        "required": bool(values.required),
        "choices": _clean_choices(values.kind, values.choices),
        "anonymous": bool(values.anonymous),
    }


def _survey_for_update(program: Program, moment: str) -> Survey:
    """The program's survey of this moment, locked; created (switched off) if it is missing."""
    _require_moment(moment)
    survey = Survey.objects.select_for_update().filter(program=program, moment=moment).first()
    if survey is not None:
        return survey
    try:
        with transaction.atomic():
            return Survey.objects.create(
                organization=program.organization, program=program, moment=moment,
                title=DEFAULT_TITLES[moment],
            )  # fmt: skip
    except IntegrityError:  # created a moment ago by someone else
        return Survey.objects.select_for_update().get(program=program, moment=moment)


def _add_question(survey: Survey, fields: dict[str, Any]) -> SurveyQuestion:
    questions = SurveyQuestion.objects.filter(survey=survey)
    if questions.count() >= MAX_QUESTIONS:
        raise ValidationError(
            {"label": f"A survey has at most {MAX_QUESTIONS} questions: keep it short."}
        )
    last = questions.aggregate(last=Max("position"))["last"] or 0
    return SurveyQuestion.objects.create(
        organization=survey.organization, survey=survey, position=last + 1, **fields
    )


@transaction.atomic
def survey_save(
    *, actor: Membership, program: Program, moment: str, values: SurveySettings
) -> Survey:
    """Name and introduce a survey, and switch it on or off. Only a survey with questions is
    sent; switching it off stops new notifications, answers already given stay."""
    require_program_manager(actor, program)
    errors: dict[str, str] = {}
    title = " ".join(values.title.split())
    if not title:
        errors["title"] = "Give the survey a title people will see."
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = f"Keep the title under {TITLE_MAX_LENGTH} characters."
    intro = values.intro.strip()
    if len(intro) > INTRO_MAX_LENGTH:
        errors["intro"] = f"Keep the introduction under {INTRO_MAX_LENGTH} characters."
    if errors:
        raise ValidationError(errors)
    with organization_scope(program.organization):
        survey = _survey_for_update(program, moment)
        if values.is_active and not SurveyQuestion.objects.filter(survey=survey).exists():
            raise ValidationError({"is_active": "Add a question before sending the survey."})
        survey.title, survey.intro, survey.is_active = title, intro, values.is_active
        survey.save(update_fields=["title", "intro", "is_active", "updated_at"])
    return survey


@transaction.atomic
def surveys_install_suggested(*, actor: Membership, program: Program) -> int:
    """Give each survey that has no questions yet the suggested ones (and, for a new survey, the
    suggested title and introduction). Surveys with questions stay as they are. The surveys
    stay switched off until a manager sends them. Returns how many questions were added."""
    require_program_manager(actor, program)
    added = 0
    with organization_scope(program.organization):
        for moment in MOMENTS:
            suggested = SUGGESTED[moment]
            existed = Survey.objects.filter(program=program, moment=moment).exists()
            survey = _survey_for_update(program, moment)
            if SurveyQuestion.objects.filter(survey=survey).exists():
                continue
            if not existed:
                survey.title, survey.intro = suggested.title, suggested.intro
                survey.save(update_fields=["title", "intro", "updated_at"])
            SurveyQuestion.objects.bulk_create(
                SurveyQuestion(
                    organization=program.organization,
                    survey=survey,
                    position=position,
                    **clean_question(values),
                )
                for position, values in enumerate(suggested.questions, 1)
            )
            added += len(suggested.questions)
    return added


@transaction.atomic
def question_create(
    *, actor: Membership, program: Program, moment: str, values: QuestionSettings
) -> SurveyQuestion:
    """Add a question at the end of the survey of `moment` (created, switched off, if needed)."""
    require_program_manager(actor, program)
    fields = clean_question(values)
    with organization_scope(program.organization):
        return _add_question(_survey_for_update(program, moment), fields)


def _answered(question: SurveyQuestion) -> bool:
    return SurveyAnswer.objects.filter(question=question).exists()


@transaction.atomic
def question_update(
    *, actor: Membership, question: SurveyQuestion, values: QuestionSettings
) -> SurveyQuestion:
    """Change a question. Once answered, its kind stays (the answers given must still fit it),
    and an anonymous question stays anonymous (its answers were given on that promise)."""
    require_program_manager(actor, question.survey.program)
    fields = clean_question(values)
    with organization_scope(question.organization):
        current = SurveyQuestion.objects.select_for_update().get(pk=question.pk)
        if fields["kind"] != current.kind and _answered(current):
            raise ValidationError(
                {"kind": "People have answered this question, so its kind stays. Add a new "
                 "question for another kind of answer."}
            )  # fmt: skip
        if current.anonymous and not fields["anonymous"] and _answered(current):
            raise ValidationError(
                {"anonymous": "People answered this question anonymously, so it stays "
                 "anonymous. Add a new question for answers with names."}
            )  # fmt: skip
        for name, value in fields.items():
            setattr(current, name, value)
        current.save(update_fields=list(fields))
    return current


@transaction.atomic
def question_delete(*, actor: Membership, question: SurveyQuestion) -> None:
    """Remove a question nobody has answered; an answered one stays, so its answers count."""
    require_program_manager(actor, question.survey.program)
    with organization_scope(question.organization):
        if _answered(question):
            raise ValidationError(
                "People have answered this question, so it stays and its answers keep counting. "
                "Edit its wording, or switch the survey off."
            )
        SurveyQuestion.objects.filter(pk=question.pk).delete()


@transaction.atomic
def question_move(*, actor: Membership, question: SurveyQuestion, direction: str) -> None:
    """Swap a question with its neighbour above ("up") or below ("down")."""
    require_program_manager(actor, question.survey.program)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Move a question up or down."})
    with organization_scope(question.organization):
        ordered = list(
            SurveyQuestion.objects.select_for_update()
            .filter(survey_id=question.survey_id)
            .order_by("position", "pk")
        )
        index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(ordered):
            return
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, item in enumerate(ordered, 1):
            item.position = position
        SurveyQuestion.objects.bulk_update(ordered, ["position"])
