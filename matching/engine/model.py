"""A cohort encoded for matching: scores, hard rules and explanations of every pair."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import numpy as np

from matching.engine import criteria as c
from matching.engine.features import Encoder, build_encoder, hours_apart, utc_offset_minutes

MAX_SCORE = 100.0


@dataclass(frozen=True)
class Person:
    """One side of a pair as the engine sees it; `id` is the caller's (an enrolment id)."""

    id: int
    name: str
    email: str = ""
    answers: Mapping[str, Any] = field(default_factory=dict)
    timezone: str = "UTC"
    department: str = ""
    manager_email: str = ""
    capacity: int = 1


@dataclass(frozen=True)
class Part:
    """What one criterion adds to a pair's score."""

    key: str
    name: str
    points: float
    max_points: float
    words: str


@dataclass(frozen=True)
class PairExplanation:
    score: float
    parts: list[Part]
    broken_rules: list[str]

    @property
    def feasible(self) -> bool:
        return not self.broken_rules


class MatchingModel:
    """Mentees (rows) x mentors (columns), encoded once.

    A pair's score is the weighted mean of its criterion similarities on a 0-100 scale: a
    criterion of weight w adds `100 * w / (sum of weights) * similarity` points, so the parts of
    an explanation add up to the score.
    """

    def __init__(
        self,
        *,
        mentees: Sequence[Person],
        mentors: Sequence[Person],
        criteria: Sequence[c.CriterionSpec],
        rules: c.Rules,
        blocked: Iterable[tuple[int, int]] = (),
        earlier_pairs: Iterable[tuple[str, str]] = (),
        at: datetime | None = None,
    ):
        self.mentees = list(mentees)
        self.mentors = list(mentors)
        self.criteria = list(criteria)
        self.rules = rules
        self.at = (at or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)
        self.blocked = {(int(a), int(b)) for a, b in blocked}
        self.earlier_pairs = {(a.casefold(), b.casefold()) for a, b in earlier_pairs}
        self.encoders: dict[str, Encoder] = {
            spec.key: build_encoder(spec, self.mentees, self.mentors, rules, self.at)
            for spec in self.criteria
        }
        total_weight = sum(spec.weight for spec in self.criteria)
        self.max_points = {
            spec.key: (MAX_SCORE * spec.weight / total_weight if total_weight else 0.0)
            for spec in self.criteria
        }
        self.capacity = np.array([max(p.capacity, 0) for p in self.mentors], dtype=np.int64)
        self.mentee_index = {p.id: row for row, p in enumerate(self.mentees)}
        self.mentor_index = {p.id: col for col, p in enumerate(self.mentors)}
        self._similarities: dict[str, np.ndarray] = {}

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.mentees), len(self.mentors)

    @property
    def scored_criteria(self) -> list[c.CriterionSpec]:
        return [spec for spec in self.criteria if spec.weight > 0]

    # Scores -----------------------------------------------------------------------------------

    @cached_property
    def scores(self) -> np.ndarray:
        """The score of every pair, 0-100 (float64, mentees x mentors)."""
        total = np.zeros(self.shape)
        for spec in self.scored_criteria:
            if spec.must_have:  # the hard rule reads the similarity again
                total += self.similarity(spec.key) * self.max_points[spec.key]
            else:
                points = self.encoders[spec.key].matrix()
                points *= self.max_points[spec.key]
                total += points
        return total

    def similarity(self, key: str) -> np.ndarray:
        if key not in self._similarities:
            self._similarities[key] = self.encoders[key].matrix()
        return self._similarities[key]

    def pair_points(self, rows: np.ndarray, cols: np.ndarray) -> dict[str, np.ndarray]:
        """Points per criterion for a list of pairs, computed pair by pair."""
        rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        return {
            spec.key: self.max_points[spec.key] * self.encoders[spec.key].pairs(rows, cols)
            for spec in self.scored_criteria
        }

    def pair_scores(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        points = self.pair_points(rows, cols)
        return sum(points.values(), np.zeros(len(np.atleast_1d(rows))))

    # Hard rules -------------------------------------------------------------------------------

    @cached_property
    def exclusions(self) -> dict[str, np.ndarray]:
        """Rule code -> mentees x mentors mask of the pairs that rule excludes."""
        n, m = self.shape
        masks: dict[str, np.ndarray] = {}
        if self.rules.exclude_same_department:
            a, b = _codes(
                [_normal(p.department) for p in self.mentees],
                [_normal(p.department) for p in self.mentors],
            )
            masks["same_department"] = (a[:, None] == b[None, :]) & (a[:, None] >= 0)
        if self.rules.exclude_reporting_line:
            mentee_email, mentor_manager = _codes(
                [_normal(p.email) for p in self.mentees],
                [_normal(p.manager_email) for p in self.mentors],
            )
            mentee_manager, mentor_email = _codes(
                [_normal(p.manager_email) for p in self.mentees],
                [_normal(p.email) for p in self.mentors],
            )
            masks["reporting_line"] = (
                (mentee_email[:, None] == mentor_manager[None, :]) & (mentee_email[:, None] >= 0)
            ) | (
                (mentee_manager[:, None] == mentor_email[None, :]) & (mentee_manager[:, None] >= 0)
            )
        if self.rules.require_shared_language:
            languages = next(
                (e for e in self.encoders.values() if e.spec.question_kind == "languages"), None
            )
            if languages is not None:
                answered = languages.mentee_answered[:, None] & languages.mentor_answered[None, :]
                masks["no_shared_language"] = answered & (languages.shared_counts() == 0)
        if self.rules.max_timezone_difference_hours is not None:
            a = np.array([utc_offset_minutes(p.timezone, self.at) for p in self.mentees], float)
            b = np.array([utc_offset_minutes(p.timezone, self.at) for p in self.mentors], float)
            masks["timezone_distance"] = (
                hours_apart(a[:, None], b[None, :]) > self.rules.max_timezone_difference_hours
            )
        if self.blocked:
            masks["not_this_person"] = self._pair_mask(
                (self.mentee_index.get(a), self.mentor_index.get(b)) for a, b in self.blocked
            )
        if self.earlier_pairs:
            mentee_rows: dict[str, list[int]] = {}
            for row, person in enumerate(self.mentees):
                mentee_rows.setdefault(person.email.casefold(), []).append(row)
            mentor_cols: dict[str, list[int]] = {}
            for col, person in enumerate(self.mentors):
                mentor_cols.setdefault(person.email.casefold(), []).append(col)
            masks["earlier_pair"] = self._pair_mask(
                (row, col)
                for a, b in self.earlier_pairs
                for row in mentee_rows.get(a, ())
                for col in mentor_cols.get(b, ())
            )
        for spec in self.criteria:
            if spec.must_have:
                masks[c.must_have_rule(spec.key)] = self.similarity(spec.key) <= 0
        if (self.capacity <= 0).any():
            masks["at_capacity"] = np.broadcast_to(self.capacity[None, :] <= 0, (n, m))
        return masks

    def _pair_mask(self, pairs: Iterable[tuple[int | None, int | None]]) -> np.ndarray:
        mask = np.zeros(self.shape, dtype=bool)
        for row, col in pairs:
            if row is not None and col is not None:
                mask[row, col] = True
        return mask

    @cached_property
    def feasible(self) -> np.ndarray:
        """Mentees x mentors: True where no hard rule excludes the pair."""
        excluded = np.zeros(self.shape, dtype=bool)
        for mask in self.exclusions.values():
            excluded |= mask
        return ~excluded

    def rule_label(self, code: str) -> str:
        if code.startswith("must_have:"):
            key = code.split(":", 1)[1]
            name = next((s.name for s in self.criteria if s.key == key), key)
            return f"Nothing in common on a must-have: {name}"
        return c.RULE_LABELS.get(code, code)

    def broken_rules(self, row: int, col: int) -> list[str]:
        return [code for code, mask in self.exclusions.items() if mask[row, col]]

    def exclusions_for_mentee(self, row: int) -> dict[str, list[int]]:
        """Rule code -> the mentor columns it excludes for this mentee."""
        return {
            code: np.flatnonzero(mask[row]).tolist()
            for code, mask in self.exclusions.items()
            if mask[row].any()
        }

    # Explanations -----------------------------------------------------------------------------

    def explain(self, row: int, col: int) -> PairExplanation:
        """The pair's score criterion by criterion, in points and in words."""
        points = self.pair_points(np.array([row]), np.array([col]))
        parts = [
            Part(
                key=spec.key,
                name=spec.name,
                points=float(points[spec.key][0]),
                max_points=self.max_points[spec.key],
                words=self.encoders[spec.key].describe(row, col),
            )
            for spec in self.scored_criteria
        ]
        return PairExplanation(
            score=float(sum(part.points for part in parts)),
            parts=parts,
            broken_rules=self.broken_rules(row, col),
        )


def _normal(value: str) -> str:
    return " ".join((value or "").split()).casefold()


def _codes(left: list[str], right: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes for strings shared across two lists; blank strings get -1 (never equal)."""
    index: dict[str, int] = {}
    for value in left + right:
        if value and value not in index:
            index[value] = len(index)
    return (
        np.array([index.get(v, -1) if v else -1 for v in left], dtype=np.int64),
        np.array([index.get(v, -1) if v else -2 for v in right], dtype=np.int64),
    )


def rounded_parts(parts: Sequence[Part], decimals: int = 1) -> list[float]:
    """Parts rounded for display so that they still add up to the rounded score
    (largest remainder: the parts that lost most in rounding get the spare tenths)."""
    step = 10.0**-decimals
    exact = np.array([part.points for part in parts], dtype=np.float64)
    target = round(float(exact.sum()), decimals)
    floored = np.floor(exact / step + 1e-9) * step
    spare = round((target - floored.sum()) / step)
    order = np.argsort(-(exact - floored), kind="stable")
    for position in order[: max(spare, 0)]:
        floored[position] += step
    return [round(float(value), decimals) for value in floored]
