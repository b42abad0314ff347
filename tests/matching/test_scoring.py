"""Scoring: vectorised scores agree with the per-pair loop, explanations add up, rules hold."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.criteria_mapping import criterion_specs, validate_weights
from matching.engine import CriterionSpec, MatchingModel, Person, Rules
from matching.engine.model import Part, rounded_parts
from matching.engine.reference import reference_scores
from matching.synthetic import random_people
from programs.standard_questions import STANDARD_QUESTIONS

PARTNERS = {q.key: q.partner_key for q in STANDARD_QUESTIONS if q.partner_key}
AT = datetime(2026, 11, 24, 12, tzinfo=UTC)


def standard_specs(**weights: int) -> list[CriterionSpec]:
    return criterion_specs(STANDARD_QUESTIONS, weights, PARTNERS)


def synthetic_model(n=60, m=25, seed=3, rules=None, **weights) -> MatchingModel:
    return MatchingModel(
        mentees=random_people(n, "mentee", seed=seed),
        mentors=random_people(m, "mentor", seed=seed, capacity=(1, 3)),
        criteria=standard_specs(**weights),
        rules=rules or Rules(),
        at=AT,
    )


def test_the_standard_questions_give_every_kind_of_criterion():
    methods = {spec.key: spec.method for spec in standard_specs()}
    assert methods == {
        "goals": "text",
        "skills_wanted": "coverage",
        "function": "same_choice",
        "experience_years": "seniority",
        "department": "different_choice",
        "languages": "any_shared",
        "timezone": "timezone",
        "availability": "availability",
        "learning_style": "same_choice",
        "communication_style": "same_choice",
        "values": "coverage",
        "personality": "personality",
    }


@pytest.mark.parametrize(
    "rules",
    [
        Rules(),
        Rules(
            seniority_gap_min=0,
            seniority_gap_max=1,
            availability_target_hours=5,
            personality_modes={"extraversion": "complementary", "openness": "complementary"},
        ),
    ],
)
def test_vectorised_scores_equal_the_per_pair_loop(rules):
    model = synthetic_model(rules=rules, department=2, personality=5)
    pairs = [(row, col) for row in range(model.shape[0]) for col in range(model.shape[1])]
    loop = np.array(reference_scores(model, pairs)).reshape(model.shape)
    np.testing.assert_allclose(model.scores, loop, rtol=0, atol=1e-9)
    assert model.scores.min() >= 0
    assert model.scores.max() <= 100
    # The scores are not flat: the criteria tell people apart.
    assert model.scores.std() > 5


def test_pair_by_pair_scores_equal_the_matrix():
    model = synthetic_model()
    rows = np.repeat(np.arange(model.shape[0]), model.shape[1])
    cols = np.tile(np.arange(model.shape[1]), model.shape[0])
    np.testing.assert_allclose(
        model.pair_scores(rows, cols), model.scores.ravel(), rtol=0, atol=1e-9
    )


def test_explanation_parts_add_up_to_the_score():
    model = synthetic_model()
    for row, col in [(0, 0), (5, 7), (59, 24), (17, 3)]:
        explanation = model.explain(row, col)
        assert explanation.score == pytest.approx(model.scores[row, col], abs=1e-9)
        assert sum(p.points for p in explanation.parts) == pytest.approx(explanation.score)
        assert all(0 <= p.points <= p.max_points + 1e-9 for p in explanation.parts)
        assert sum(p.max_points for p in explanation.parts) == pytest.approx(100)
        assert all(p.words.endswith(".") for p in explanation.parts)


def person(pid: int, name: str, **answers) -> Person:
    fields = {
        k: answers.pop(k)
        for k in ("timezone", "department", "email", "manager_email")
        if k in answers
    }
    fields.setdefault("email", f"{name.lower()}@example.com")
    return Person(id=pid, name=name, answers=answers, **fields)


def test_explanation_words_for_a_pair():
    mentee = person(
        1, "Maya",
        skills_wanted=["Python", "Public speaking", "Negotiation", "Writing"],
        languages=["English", "Spanish"], experience_years="2 to 5 years",
        availability=[[0, 540, 720]], timezone="Europe/Berlin",
        learning_style="Hands-on: trying things and reviewing them",
        goals="I want to negotiate my salary and speak in public with confidence.",
    )  # fmt: skip
    mentor = person(
        7, "Olu",
        skills_offered=["Python", "Public speaking", "Negotiation", "Leadership"],
        languages=["English"], experience_years="10 to 15 years",
        availability=[[0, 480, 600]], timezone="Europe/London",
        mentoring_style="Working on real tasks together",
        experience="I coach people to negotiate offers and to speak in public.",
    )  # fmt: skip
    model = MatchingModel(
        mentees=[mentee], mentors=[mentor], criteria=standard_specs(), rules=Rules(), at=AT
    )
    words = {part.key: part.words for part in model.explain(0, 0).parts}
    assert words["skills_wanted"] == "3 of 4 wanted skills: Python, Public speaking, Negotiation."
    assert words["languages"] == "Both speak English."
    assert words["experience_years"] == (
        "Mentor is 2 steps more experienced (10 to 15 years vs 2 to 5 years)."
    )
    # Berlin 09:00-12:00 is 08:00-11:00 in London: one hour overlaps London 08:00-10:00... and
    # the mentor's 08:00-10:00 covers 08:00-10:00 of it: two hours.
    assert words["availability"] == "2 hours a week free at the same time."
    assert words["timezone"] == "1 hour apart (Europe/Berlin, Europe/London)."
    assert words["learning_style"] == (
        "A fit: Hands-on: trying things and reviewing them / Working on real tasks together."
    )
    assert words["goals"].startswith("Goals and background share: ")
    assert "negotiate" in words["goals"] and "public" in words["goals"]
    assert words["function"] == "The mentee has not answered this yet."


def test_hard_rules_exclude_pairs_and_say_which():
    mentees = [
        person(1, "Ana", department="Sales", manager_email="boss@example.com",
               languages=["French"], timezone="Europe/Paris"),
        person(2, "Ben", department="", languages=["English"], timezone="Asia/Kolkata"),
    ]  # fmt: skip
    mentors = [
        person(10, "Cara", department=" sales ", languages=["French"], timezone="Europe/Paris"),
        person(11, "Boss", email="boss@example.com", department="Ops", languages=["French"],
               timezone="Europe/Paris"),
        person(12, "Dev", department="Ops", languages=["English"], timezone="America/Los_Angeles"),
        person(13, "Eve", department="Ops", languages=["English", "French"],
               timezone="Europe/Paris"),
    ]  # fmt: skip
    model = MatchingModel(
        mentees=mentees,
        mentors=mentors,
        criteria=standard_specs(),
        rules=Rules(max_timezone_difference_hours=8),
        blocked=[(2, 13)],
        earlier_pairs=[("ana@example.com", "eve@example.com")],
        at=AT,
    )
    assert model.feasible.tolist() == [[False, False, False, False], [False, False, False, False]]
    assert model.exclusions_for_mentee(0) == {
        "same_department": [0],
        "reporting_line": [1],
        "no_shared_language": [2],
        "timezone_distance": [2],
        "earlier_pair": [3],
    }
    assert model.exclusions_for_mentee(1) == {
        "no_shared_language": [0, 1],
        "timezone_distance": [2],
        "not_this_person": [3],
    }
    assert model.rule_label("reporting_line") == "Same reporting line"
    assert model.explain(0, 0).broken_rules == ["same_department"]


def test_rules_can_be_turned_off():
    mentees = [person(1, "Ana", department="Sales", languages=["French"])]
    mentors = [person(10, "Cara", department="Sales", languages=["English"])]
    model = MatchingModel(
        mentees=mentees,
        mentors=mentors,
        criteria=standard_specs(),
        rules=Rules(exclude_same_department=False, require_shared_language=False),
        at=AT,
    )
    assert model.feasible.tolist() == [[True]]


def test_must_have_criterion_excludes_pairs_that_score_nothing_on_it():
    mentees = [person(1, "Ana", skills_wanted=["Python"])]
    mentors = [
        person(10, "Cara", skills_offered=["Writing"]),
        person(11, "Dan", skills_offered=["Python"]),
    ]
    model = MatchingModel(
        mentees=mentees, mentors=mentors, criteria=standard_specs(skills_wanted=10),
        rules=Rules(), at=AT,
    )  # fmt: skip
    assert model.feasible.tolist() == [[False, True]]
    assert model.rule_label("must_have:skills_wanted") == "Nothing in common on a must-have: Skills"


def test_a_mentor_without_free_places_is_excluded():
    mentees = [person(1, "Ana")]
    mentors = [Person(id=10, name="Cara", capacity=0), Person(id=11, name="Dan", capacity=2)]
    model = MatchingModel(
        mentees=mentees, mentors=mentors, criteria=standard_specs(), rules=Rules()
    )
    assert model.exclusions_for_mentee(0) == {"at_capacity": [0]}


def test_all_weights_off_scores_zero_without_dividing_by_zero():
    weights = {spec.key: 0 for spec in standard_specs()}
    model = synthetic_model(n=4, m=3, **weights)
    assert model.scores.tolist() == np.zeros((4, 3)).tolist()


def test_weights_out_of_range_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="from 0 \\(off\\) to 10 \\(must-have\\), not 11"):
        standard_specs(skills_wanted=11)
    errors = validate_weights(
        {"skills_wanted": -1, "nonsense": 3, "values": "high"}, ["skills_wanted", "values"]
    )
    assert errors == {
        "skills_wanted": "Give a whole number from 0 (off) to 10 (must-have).",
        "nonsense": "This is not a matching criterion of the program.",
        "values": "Give a whole number from 0 (off) to 10 (must-have).",
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seniority_gap_min": 3, "seniority_gap_max": 1}, "smallest experience gap"),
        ({"max_timezone_difference_hours": 13}, "from 0 to 12 hours"),
        ({"availability_target_hours": 0}, "from 0.5 to 40 hours"),
        ({"personality_modes": {"openness": "opposite"}}, "Unknown personality setting"),
    ],
)
def test_contradictory_rules_are_refused_with_the_reason(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Rules(**kwargs)


@given(st.lists(st.floats(0, 30, allow_nan=False), min_size=1, max_size=12))
def test_rounded_parts_add_up_to_the_rounded_score(points):
    parts = [
        Part(key=str(i), name="", points=p, max_points=30, words="") for i, p in enumerate(points)
    ]
    shown = rounded_parts(parts)
    assert round(sum(shown), 1) == round(sum(points), 1)
    assert all(abs(s - p) < 0.1 + 1e-9 for s, p in zip(shown, points, strict=True))


def test_the_engine_does_not_import_django():
    code = (
        "import sys, matching.engine; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 - our own code
