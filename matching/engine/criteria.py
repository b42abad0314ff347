"""What is compared, how, and how much it counts: criteria and hard rules as plain values.

Question kinds and comparisons are the string values of programs.models.QuestionKind and
Comparison; they are repeated here so that the engine never imports Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MIN_WEIGHT = 0
MAX_WEIGHT = 10
# Weight 10 means must-have: a pair that scores nothing on the criterion is not a match.
MUST_HAVE_WEIGHT = MAX_WEIGHT

PERSONALITY_TRAITS = (
    "extraversion",
    "agreeableness",
    "conscientiousness",
    "emotional_stability",
    "openness",
)
SIMILAR = "similar"
COMPLEMENTARY = "complementary"

# How two answers are compared, by (question kind, comparison). The method names are the
# engine's own; `method_for` falls back per kind when a comparison does not apply to it.
COVERAGE = "coverage"  # share of the mentee's items the mentor has: "3 of 4 wanted skills"
ANY_SHARED = "any_shared"  # at least one item in common: languages
JACCARD = "jaccard"  # items in common over items in either
SAME_CHOICE = "same_choice"  # the same option (by position when the two questions differ)
DIFFERENT_CHOICE = "different_choice"
SENIORITY = "seniority"  # mentor's option further down an ordered list, within a gap range
SCALE_DISTANCE = "scale_distance"  # 1-5 answers, closer is better
TEXT = "text"  # TF-IDF cosine of free text
TIMEZONE = "timezone"  # hours apart, closer is better
AVAILABILITY = "availability"  # hours per week both are free, across time zones
PERSONALITY = "personality"  # Big Five traits, similar or complementary per trait

_METHODS: dict[tuple[str, str], str] = {
    ("skills", "overlap"): COVERAGE,
    ("multiple_choice", "overlap"): COVERAGE,
    ("skills", "similarity"): JACCARD,
    ("multiple_choice", "similarity"): JACCARD,
    ("skills", "same"): JACCARD,
    ("multiple_choice", "same"): JACCARD,
    ("single_choice", "distance"): SENIORITY,
    ("single_choice", "different"): DIFFERENT_CHOICE,
    ("text", "different"): DIFFERENT_CHOICE,
    ("scale", "different"): DIFFERENT_CHOICE,
    ("timezone", "different"): DIFFERENT_CHOICE,
    ("text", "same"): SAME_CHOICE,
    ("scale", "same"): SAME_CHOICE,
}
_BY_KIND: dict[str, str] = {
    "skills": COVERAGE,
    "multiple_choice": COVERAGE,
    "languages": ANY_SHARED,
    "single_choice": SAME_CHOICE,
    "scale": SCALE_DISTANCE,
    "text": TEXT,
    "timezone": TIMEZONE,
    "availability": AVAILABILITY,
    "personality": PERSONALITY,
}


def method_for(question_kind: str, comparison: str) -> str:
    """The comparison method for a mapped question, or ValueError for an unknown kind."""
    try:
        return _METHODS.get((question_kind, comparison)) or _BY_KIND[question_kind]
    except KeyError:
        raise ValueError(f"Answers of kind {question_kind!r} cannot be compared.") from None


@dataclass(frozen=True)
class CriterionSpec:
    """One thing a pair is compared on: a mentee question and the mentor question it maps to."""

    key: str
    name: str
    question_kind: str
    comparison: str
    mentee_key: str
    mentor_key: str
    weight: int
    mentee_choices: tuple[str, ...] = ()
    mentor_choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not MIN_WEIGHT <= self.weight <= MAX_WEIGHT:
            raise ValueError(
                f"{self.name}: the weight must be from {MIN_WEIGHT} (off) to {MAX_WEIGHT} "
                f"(must-have), not {self.weight}."
            )
        method_for(self.question_kind, self.comparison)

    @property
    def method(self) -> str:
        return method_for(self.question_kind, self.comparison)

    @property
    def must_have(self) -> bool:
        return self.weight >= MUST_HAVE_WEIGHT


@dataclass(frozen=True)
class Rules:
    """Hard rules (a pair that breaks one is never proposed) and the scoring parameters."""

    exclude_same_department: bool = True
    exclude_reporting_line: bool = True
    require_shared_language: bool = True
    max_timezone_difference_hours: float | None = None
    seniority_gap_min: int = 1
    seniority_gap_max: int = 3
    availability_target_hours: float = 2.0
    personality_modes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.seniority_gap_min > self.seniority_gap_max:
            raise ValueError(
                "The smallest experience gap cannot be larger than the largest "
                f"({self.seniority_gap_min} > {self.seniority_gap_max})."
            )
        if self.max_timezone_difference_hours is not None and not (
            0 <= self.max_timezone_difference_hours <= 12
        ):
            raise ValueError("The largest time zone difference must be from 0 to 12 hours.")
        if not 0.5 <= self.availability_target_hours <= 40:
            raise ValueError("The shared free time to aim for must be from 0.5 to 40 hours.")
        for trait, mode in self.personality_modes.items():
            if trait not in PERSONALITY_TRAITS or mode not in (SIMILAR, COMPLEMENTARY):
                raise ValueError(f"Unknown personality setting: {trait} = {mode}.")

    def personality_mode(self, trait: str) -> str:
        return self.personality_modes.get(trait, SIMILAR)


# Hard rules by code, with the words an admin reads in "why was nobody matched".
RULE_LABELS = {
    "same_department": "Same department",
    "reporting_line": "Same reporting line",
    "no_shared_language": "No language in common",
    "timezone_distance": "Too many time zones apart",
    "not_this_person": "On the mentee's “not this person” list",
    "earlier_pair": "Paired with each other before",
    "at_capacity": "No free place left",
}


def must_have_rule(criterion_key: str) -> str:
    return f"must_have:{criterion_key}"
