"""From a program's profile questions to the engine's criteria.

A mentee question with a comparison becomes one criterion: compared with its partner mentor
question, or, for a question asked of both sides, with the mentor's answer to the same question.
Mentor questions are the other end of a mapping and add no criterion of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from matching.engine import CriterionSpec
from matching.engine.criteria import MAX_WEIGHT, MIN_WEIGHT

# Short names for the standard questions' criteria; other questions are named by their label.
CRITERION_NAMES = {
    "goals": "Goals and background",
    "skills_wanted": "Skills",
    "function": "Area of work",
    "experience_years": "Experience gap",
    "department": "Different department",
    "languages": "Shared language",
    "timezone": "Time zones",
    "availability": "Free at the same time",
    "learning_style": "Learning and mentoring style",
    "communication_style": "Communication style",
    "values": "Values",
    "personality": "Personality",
}
DEFAULT_WEIGHTS = {
    "goals": 6,
    "skills_wanted": 8,
    "function": 3,
    "experience_years": 5,
    # Departments are kept apart by a hard rule; scoring them too would count it twice.
    "department": 0,
    "languages": 4,
    "timezone": 2,
    "availability": 5,
    "learning_style": 4,
    "communication_style": 3,
    "values": 3,
    "personality": 2,
}
DEFAULT_WEIGHT = 3


class QuestionLike(Protocol):
    key: str
    audience: str
    kind: str
    label: str
    choices: list[str]
    comparison: str


def criterion_specs(
    questions: Iterable[QuestionLike],
    weights: Mapping[str, int],
    partner_keys: Mapping[str, str],
) -> list[CriterionSpec]:
    """The criteria of a program: `partner_keys` maps a mentee question key to its mentor
    question's key; `weights` (criterion key -> 0..10) falls back to the defaults."""
    by_key = {question.key: question for question in questions}
    specs = []
    for question in by_key.values():
        if not question.comparison or question.audience == "mentor":
            continue
        if question.audience == "mentee":
            partner = by_key.get(partner_keys.get(question.key, ""))
            if partner is None or partner.audience == "mentee":
                continue
        else:
            partner = question
        weight = weights.get(question.key, DEFAULT_WEIGHTS.get(question.key, DEFAULT_WEIGHT))
        specs.append(
            CriterionSpec(
                key=question.key,
                name=CRITERION_NAMES.get(question.key, question.label),
                question_kind=question.kind,
                comparison=question.comparison,
                mentee_key=question.key,
                mentor_key=partner.key,
                weight=int(weight),
                mentee_choices=tuple(question.choices),
                mentor_choices=tuple(partner.choices),
            )
        )
    return specs


def validate_weights(weights: Mapping[str, object], known: Iterable[str]) -> dict[str, str]:
    """Field errors for a weights mapping: unknown criteria and values outside 0..10."""
    known = set(known)
    errors = {}
    for key, value in weights.items():
        if key not in known:
            errors[key] = "This is not a matching criterion of the program."
        elif (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not MIN_WEIGHT <= value <= MAX_WEIGHT
        ):
            errors[key] = (
                f"Give a whole number from {MIN_WEIGHT} (off) to {MAX_WEIGHT} (must-have)."
            )
    return errors
