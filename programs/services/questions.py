"""Writes of a program's profile form: its questions, their matching pairs, and its skill list."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify

from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import (
    KINDS_WITH_CHOICES,
    Comparison,
    ProfileQuestion,
    Program,
    QuestionAudience,
    QuestionKind,
)
from programs.services.common import require_program_manager
from programs.standard_questions import DEFAULT_SKILLS, STANDARD_QUESTIONS

# Which comparisons make sense for each kind of answer.
COMPARISONS_BY_KIND: dict[str, frozenset[str]] = {
    QuestionKind.SINGLE_CHOICE: frozenset(
        {Comparison.SAME, Comparison.DIFFERENT, Comparison.DISTANCE}
    ),
    QuestionKind.MULTIPLE_CHOICE: frozenset({Comparison.OVERLAP, Comparison.SIMILARITY}),
    QuestionKind.SKILLS: frozenset({Comparison.OVERLAP}),
    QuestionKind.SCALE: frozenset(
        {Comparison.SIMILARITY, Comparison.DISTANCE, Comparison.SAME, Comparison.DIFFERENT}
    ),
    QuestionKind.TEXT: frozenset({Comparison.SIMILARITY, Comparison.SAME, Comparison.DIFFERENT}),
    QuestionKind.TIMEZONE: frozenset({Comparison.DISTANCE, Comparison.SAME}),
    QuestionKind.LANGUAGES: frozenset({Comparison.OVERLAP}),
    QuestionKind.AVAILABILITY: frozenset({Comparison.OVERLAP}),
    QuestionKind.PERSONALITY: frozenset({Comparison.SIMILARITY, Comparison.DIFFERENT}),
}
OPPOSITE_AUDIENCE = {
    QuestionAudience.MENTEE: QuestionAudience.MENTOR,
    QuestionAudience.MENTOR: QuestionAudience.MENTEE,
}
MAX_CHOICES = 50
MAX_CHOICE_LENGTH = 100
MAX_SKILLS = 300
MAX_SKILL_LENGTH = 60


@dataclass(frozen=True)
class QuestionSettings:
    label: str
    audience: str
    kind: str
    help_text: str = ""
    required: bool = False
    choices: list[str] = field(default_factory=list)
    partner_id: int | None = None
    comparison: str = ""


def questions_install_standard(program: Program) -> list[ProfileQuestion]:
    """Give a new program the standard questions (and skill list), paired for matching."""
    with organization_scope(program.organization):
        questions = {
            standard.key: ProfileQuestion(
                organization=program.organization,
                program=program,
                key=standard.key,
                audience=standard.audience,
                kind=standard.kind,
                label=standard.label,
                help_text=standard.help_text,
                required=standard.required,
                choices=list(standard.choices),
                comparison=standard.comparison,
                position=position,
                is_standard=True,
            )
            for position, standard in enumerate(STANDARD_QUESTIONS, 1)
        }
        ProfileQuestion.objects.bulk_create(questions.values())
        paired = []
        for standard in STANDARD_QUESTIONS:
            if standard.partner_key:
                question = questions[standard.key]
                question.partner = questions[standard.partner_key]
                paired.append(question)
        ProfileQuestion.objects.bulk_update(paired, ["partner"])
        if not program.skills:
            program.skills = list(DEFAULT_SKILLS)
            program.save(update_fields=["skills"])
    return list(questions.values())


def _clean_choices(kind: str, choices: list[str]) -> list[str]:
    if kind not in KINDS_WITH_CHOICES:
        return []
    cleaned: list[str] = []
    seen: set[str] = set()
    for choice in choices:
        choice = choice.strip()
        if choice and choice.casefold() not in seen:
            if len(choice) > MAX_CHOICE_LENGTH:
                raise ValidationError(
                    {"choices": f"Keep each option under {MAX_CHOICE_LENGTH} characters."}
                )
            seen.add(choice.casefold())
            cleaned.append(choice)
    if len(cleaned) < 2:
        raise ValidationError({"choices": "Give at least two options, one per line."})
    if len(cleaned) > MAX_CHOICES:
        raise ValidationError({"choices": f"At most {MAX_CHOICES} options."})
    return cleaned


def _clean_question(
    program: Program, values: QuestionSettings, question: ProfileQuestion | None
) -> dict:
    errors: dict[str, str] = {}
    label = values.label.strip()
    if not label:
        errors["label"] = "Write the question people will answer."
    elif len(label) > 255:
        errors["label"] = "Keep the question under 255 characters."
    if len(values.help_text.strip()) > 255:
        errors["help_text"] = "Keep the help text under 255 characters."
    if values.audience not in QuestionAudience.values:
        errors["audience"] = "Choose who answers the question."
    if values.kind not in QuestionKind.values:
        errors["kind"] = "Choose the kind of answer."
    if errors:
        raise ValidationError(errors)
    choices = _clean_choices(values.kind, values.choices)
    partner = None
    if values.comparison:
        if values.comparison not in COMPARISONS_BY_KIND[values.kind]:
            allowed = ", ".join(
                sorted(Comparison(c).label.lower() for c in COMPARISONS_BY_KIND[values.kind])
            )
            raise ValidationError(
                {
                    "comparison": f"A {QuestionKind(values.kind).label.lower()} answer can be compared by: {allowed}."
                }
            )
        if values.audience == QuestionAudience.BOTH:
            if values.partner_id:
                raise ValidationError(
                    {
                        "partner_id": "A question for both sides is compared with the other side's answer to it; it has no partner."
                    }
                )
        else:
            partner = ProfileQuestion.objects.filter(program=program, pk=values.partner_id).first()
            opposite = OPPOSITE_AUDIENCE[values.audience]
            if partner is None or (question is not None and partner.pk == question.pk):
                raise ValidationError(
                    {
                        "partner_id": f"Choose the {QuestionAudience(opposite).label.lower().rstrip('s')} question this one is compared with."
                    }
                )
            if partner.audience != opposite:
                raise ValidationError(
                    {
                        "partner_id": f"“{partner.label}” is asked of {partner.get_audience_display().lower()}; pair it with a question for {QuestionAudience(opposite).label.lower()}."
                    }
                )
            if partner.kind != values.kind:
                raise ValidationError(
                    {
                        "partner_id": f"“{partner.label}” has {partner.get_kind_display().lower()} answers; pair questions with the same kind of answer."
                    }
                )
    elif values.partner_id:
        raise ValidationError({"comparison": "Choose how the two answers are compared."})
    return {
        "label": label,
        "help_text": values.help_text.strip(),
        "audience": values.audience,
        "kind": values.kind,
        "required": values.required,
        "choices": choices,
        "comparison": values.comparison,
        "partner": partner,
    }


def _unique_key(program: Program, label: str) -> str:
    base = slugify(label)[:50] or "question"
    candidate, suffix = base, 2
    while ProfileQuestion.objects.filter(program=program, key=candidate).exists():
        candidate = f"{base}-{suffix}"
        suffix += 1
    return candidate


def _pair(question: ProfileQuestion, previous_partner_id: int | None) -> None:
    """Keep pairs symmetric: the partner points back, and a dropped partner is unpaired."""
    if previous_partner_id and previous_partner_id != question.partner_id:
        ProfileQuestion.objects.filter(pk=previous_partner_id, partner=question).update(
            partner=None, comparison=""
        )
    if question.partner_id:
        # The partner's own former partner loses it.
        ProfileQuestion.objects.filter(partner_id=question.partner_id).exclude(
            pk=question.pk
        ).update(partner=None, comparison="")
        ProfileQuestion.objects.filter(pk=question.partner_id).update(
            partner=question, comparison=question.comparison
        )


@transaction.atomic
def question_create(
    *, actor_membership: Membership, program: Program, values: QuestionSettings
) -> ProfileQuestion:
    require_program_manager(actor_membership, program)
    with organization_scope(program.organization):
        fields = _clean_question(program, values, None)
        last = (
            ProfileQuestion.objects.filter(program=program).aggregate(last=Max("position"))["last"]
            or 0
        )
        try:
            with transaction.atomic():
                question = ProfileQuestion.objects.create(
                    organization=program.organization,
                    program=program,
                    key=_unique_key(program, fields["label"]),
                    position=last + 1,
                    **fields,
                )
        except IntegrityError:  # the same question, added a moment ago by someone else
            raise ValidationError(
                {"label": "This question was just added by someone else; reload the page."}
            ) from None
        _pair(question, None)
    return question


@transaction.atomic
def question_update(
    *, actor_membership: Membership, question: ProfileQuestion, values: QuestionSettings
) -> ProfileQuestion:
    """Change a question. Its key stays, so answers already given keep pointing at it."""
    require_program_manager(actor_membership, question.program)
    with organization_scope(question.organization):
        question = ProfileQuestion.objects.select_for_update().get(pk=question.pk)
        previous_partner_id = question.partner_id
        for name, value in _clean_question(question.program, values, question).items():
            setattr(question, name, value)
        question.save()
        _pair(question, previous_partner_id)
    return question


@transaction.atomic
def question_delete(*, actor_membership: Membership, question: ProfileQuestion) -> None:
    require_program_manager(actor_membership, question.program)
    with organization_scope(question.organization):
        ProfileQuestion.objects.filter(partner=question).update(partner=None, comparison="")
        ProfileQuestion.objects.filter(pk=question.pk).delete()


@transaction.atomic
def question_move(
    *, actor_membership: Membership, question: ProfileQuestion, direction: str
) -> None:
    """Swap a question with its neighbour above ("up") or below ("down")."""
    require_program_manager(actor_membership, question.program)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Move a question up or down."})
    with organization_scope(question.organization):
        ordered = list(
            ProfileQuestion.objects.select_for_update()
            .filter(program=question.program)
            .order_by("position", "pk")
        )
        index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(ordered):
            return
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, item in enumerate(ordered, 1):
            item.position = position
        ProfileQuestion.objects.bulk_update(ordered, ["position"])


@transaction.atomic
def program_skills_update(
    *, actor_membership: Membership, program: Program, skills: list[str]
) -> Program:
    """Replace the program's skill list (the options of skill questions). Duplicates are dropped."""
    require_program_manager(actor_membership, program)
    cleaned: list[str] = []
    seen: set[str] = set()
    for skill in skills:
        skill = " ".join(skill.split())
        if not skill or skill.casefold() in seen:
            continue
        if len(skill) > MAX_SKILL_LENGTH:
            raise ValidationError(
                {
                    "skills": f"“{skill[:30]}…” is too long: keep skills under {MAX_SKILL_LENGTH} characters."
                }
            )
        seen.add(skill.casefold())
        cleaned.append(skill)
    if len(cleaned) > MAX_SKILLS:
        raise ValidationError({"skills": f"At most {MAX_SKILLS} skills."})
    with organization_scope(program.organization):
        program.skills = cleaned
        program.save(update_fields=["skills", "updated_at"])
    return program
