"""Realistic random profiles for the standard questions, for benchmarks and property tests.

Answers are drawn the way real cohorts look: mentees are earlier in their careers, mentors offer
more skills than mentees want, most people share English, time zones cluster in a few regions,
goals and backgrounds are written in the words of the skills they name.
"""

from __future__ import annotations

import random
from typing import Any

from matching.engine import Person
from programs.personality import trait_scores
from programs.standard_questions import (
    COMMUNICATION_STYLES,
    DEFAULT_SKILLS,
    EXPERIENCE,
    FUNCTIONS,
    LEARNING_STYLES,
    MENTORING_STYLES,
    VALUES,
)

TIMEZONES = [
    ("Europe/London", 14), ("Europe/Berlin", 16), ("Europe/Madrid", 6), ("Africa/Lagos", 5),
    ("America/New_York", 16), ("America/Chicago", 6), ("America/Los_Angeles", 9),
    ("America/Sao_Paulo", 5), ("Asia/Kolkata", 10), ("Asia/Singapore", 6), ("Asia/Tokyo", 4),
    ("Australia/Sydney", 3),
]  # fmt: skip
OTHER_LANGUAGES = ["French", "German", "Spanish", "Hindi", "Portuguese", "Mandarin Chinese"]
AIMS = [
    "lead a team for the first time", "move into a senior role", "present with confidence",
    "change to a new function", "grow my network across the company", "manage my workload",
    "build a product from scratch", "negotiate my next role", "write clearly for executives",
]  # fmt: skip
DEPARTMENTS = [f"{function} {team}" for function in FUNCTIONS for team in ("North", "South", "Hub")]


def _availability(rng: random.Random) -> list[list[int]]:
    days = rng.sample(range(5), rng.randint(1, 3))
    windows = []
    for day in sorted(days):
        start = rng.choice([8, 9, 10, 12, 14, 16]) * 60
        windows.append([day, start, start + rng.choice([60, 120, 180])])
    return windows


def profile_answers(rng: random.Random, role: str) -> tuple[dict[str, Any], str]:
    """Answers to the standard questions for one person, and their time zone."""
    timezone = rng.choices([z for z, _ in TIMEZONES], weights=[w for _, w in TIMEZONES])[0]
    function = rng.choice(FUNCTIONS)
    languages = ["English"] if rng.random() < 0.9 else []
    if rng.random() < 0.35 or not languages:
        languages.append(rng.choice(OTHER_LANGUAGES))
    answers: dict[str, Any] = {
        "function": function,
        "department": rng.choice(DEPARTMENTS),
        "languages": languages,
        "availability": _availability(rng),
        "communication_style": rng.choice(COMMUNICATION_STYLES),
        "values": rng.sample(VALUES, 3),
    }
    if rng.random() < 0.7:
        ratings = [rng.randint(1, 7) for _ in range(10)]
        answers["personality"] = {"ratings": ratings, "traits": trait_scores(ratings)}
    if role == "mentee":
        skills = rng.sample(DEFAULT_SKILLS, rng.randint(2, 4))
        answers["skills_wanted"] = skills
        answers["experience_years"] = EXPERIENCE[rng.choice([0, 0, 1, 1, 2])]
        answers["learning_style"] = rng.choice(LEARNING_STYLES)
        answers["goals"] = (
            f"I want to get better at {skills[0].lower()} and {skills[1].lower()} "
            f"so that I can {rng.choice(AIMS)}. I work in {function.lower()}."
        )
    else:
        skills = rng.sample(DEFAULT_SKILLS, rng.randint(3, 6))
        answers["skills_offered"] = skills
        answers["experience_years"] = EXPERIENCE[rng.choice([2, 3, 3, 4, 4])]
        answers["mentoring_style"] = rng.choice(MENTORING_STYLES)
        answers["experience"] = (
            f"{rng.randint(6, 25)} years in {function.lower()}; I have helped people "
            f"{rng.choice(AIMS)} and I can coach {', '.join(s.lower() for s in skills[:3])}."
        )
    return answers, timezone


def random_people(
    count: int, role: str, *, seed: int, capacity: tuple[int, int] = (1, 1)
) -> list[Person]:
    rng = random.Random(f"{seed}-{role}")  # noqa: S311 - test data, not secrets
    people = []
    for number in range(count):
        answers, timezone = profile_answers(rng, role)
        people.append(
            Person(
                id=number + 1,
                name=f"{role.title()} {number + 1}",
                email=f"{role}{number + 1}@example.com",
                answers=answers,
                timezone=timezone,
                department=answers["department"],
                capacity=rng.randint(*capacity) if role == "mentor" else 1,
            )
        )
    return people
