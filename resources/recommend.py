"""Which library resources fit a person, and why, in words.

A pure function of the person (their side of the pair, the skills they want to grow or offer,
their goals' words, how far into the relationship they are) and of the resources (skills,
tags, audience, suggested stage). Each reason adds to a resource's score; resources without a
reason are not recommended. No database: the selectors gather the inputs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

AUDIENCE_BOTH = "both"
FIRST_MONTH_DAYS = 30
# Stage -> the share of the relationship's length it covers, from (inclusive) to (exclusive).
STAGE_SHARES = {"middle": (0.25, 0.75), "closing": (0.75, 1.01)}
STAGE_LABELS = {
    "first_month": "your first month",
    "middle": "the middle of a mentorship",
    "closing": "the closing weeks",
}
WORD = re.compile(r"[a-z0-9]+")
# Words too common to say that a goal and a resource are about the same thing.
STOP_WORDS = frozenset(
    {"and", "are", "better", "for", "from", "get", "how", "into", "more", "our", "that", "the",
     "their", "them", "this", "with", "you", "your"}
)  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    id: int
    title: str
    skills: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    audience: str = AUDIENCE_BOTH
    stage: str = ""


@dataclass(frozen=True)
class Reader:
    side: str  # "mentor" or "mentee"
    skills: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()  # goal titles (the reader's, or their mentee's)
    days_in: int | None = None  # days since the match (None: not matched yet)
    length_days: int | None = None


@dataclass(frozen=True)
class Recommendation:
    candidate: Candidate
    reasons: tuple[str, ...]
    score: float = field(default=0.0)


# Endings taken off so that "speak", "speaking" and "speaker" meet (a light stemmer).
SUFFIXES = ("ership", "ing", "ers", "er", "ed", "es", "s")


def _stem(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _words(text: str) -> set[str]:
    return {_stem(w) for w in WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 2}


def _in_stage(stage: str, reader: Reader) -> bool:
    if not stage or reader.days_in is None:
        return False
    if stage == "first_month":
        return reader.days_in <= FIRST_MONTH_DAYS
    if stage not in STAGE_SHARES or not reader.length_days:
        return False
    low, high = STAGE_SHARES[stage]
    return low <= reader.days_in / reader.length_days < high


def recommend(
    candidates: Sequence[Candidate], reader: Reader, limit: int = 10
) -> list[Recommendation]:
    """The resources that fit the reader, best first, each with why."""
    wanted = {s.lower(): s for s in reader.skills}
    goal_words = [(goal, _words(goal)) for goal in reader.goals]
    found = []
    for candidate in candidates:
        if candidate.audience not in (AUDIENCE_BOTH, reader.side):
            continue
        reasons: list[str] = []
        score = 0.0
        topic = _words(" ".join((candidate.title, *candidate.skills, *candidate.tags)))
        # The goal it has most words in common with (the first of equals).
        overlap, goal = max(
            ((len(words & topic), goal) for goal, words in goal_words),
            key=lambda pair: pair[0],
            default=(0, ""),
        )
        if overlap:
            whose = "your mentee's goal" if reader.side == "mentor" else "your goal"
            reasons.append(f"matches {whose}: {goal}")
            score += 3
        for skill in candidate.skills:
            if skill.lower() in wanted:
                verb = "you help others grow" if reader.side == "mentor" else "you want to grow"
                reasons.append(f"{verb}: {wanted[skill.lower()]}")
                score += 2
                break
        if _in_stage(candidate.stage, reader):
            reasons.append(f"suggested for {STAGE_LABELS[candidate.stage]}")
            score += 1
        if reasons:
            found.append(Recommendation(candidate, tuple(reasons), score))
    found.sort(key=lambda r: (-r.score, r.candidate.title.lower(), r.candidate.id))
    return found[:limit]
