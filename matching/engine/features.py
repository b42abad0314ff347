"""Encoders: one per criterion, built once per cohort, scoring all pairs at once.

Every encoder turns both sides' answers into arrays when it is built, then answers three
questions: `matrix()` (similarity 0-1 of every mentee x mentor pair), `pairs(rows, cols)` (the same
for a list of pairs, computed the same way) and `describe(row, col)` (the pair in words).
"""

from __future__ import annotations

import math
import zoneinfo
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.engine import criteria as c

MINUTES_PER_WEEK = 7 * 24 * 60
SLOT_MINUTES = 30
SLOTS_PER_WEEK = MINUTES_PER_WEEK // SLOT_MINUTES
# A TF-IDF cosine of 0.5 between goals and background is already a strong overlap of words.
TEXT_SATURATION = 0.5
SENIORITY_STEP_PENALTY = 0.5


@lru_cache(maxsize=1024)
def utc_offset_minutes(timezone: str, at: datetime) -> int:
    """The zone's offset from UTC at `at` (so daylight saving time is as it is then)."""
    try:
        zone = zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    offset = at.astimezone(zone).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def hours_apart(offset_a: np.ndarray, offset_b: np.ndarray) -> np.ndarray:
    """Hours between two UTC offsets (in minutes), the short way round the clock."""
    difference = np.abs(offset_a - offset_b) % 1440
    return np.minimum(difference, 1440 - difference) / 60


def _items(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if isinstance(value, str) and value:
        return [value]
    return []


def _join(items: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


class Encoder:
    def __init__(self, spec: c.CriterionSpec, mentees: Sequence[Any], mentors: Sequence[Any]):
        self.spec = spec
        self.mentee_names = [person.name for person in mentees]
        self.mentor_names = [person.name for person in mentors]

    def matrix(self) -> np.ndarray:
        raise NotImplementedError

    def pairs(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def describe(self, row: int, col: int) -> str:
        raise NotImplementedError

    def python_values(self) -> tuple[list[Any], list[Any]]:
        """Each side's encoded answers as plain Python values, for the per-pair reference."""
        raise NotImplementedError

    def missing(self, row: int, col: int) -> str | None:
        if not self.mentee_answered[row]:
            return "The mentee has not answered this yet."
        if not self.mentor_answered[col]:
            return "The mentor has not answered this yet."
        return None


class SetEncoder(Encoder):
    """Skills, languages, multiple choice: items in common."""

    def __init__(self, spec, mentees, mentors):
        super().__init__(spec, mentees, mentors)
        mentee_items = [_items(p.answers.get(spec.mentee_key)) for p in mentees]
        mentor_items = [_items(p.answers.get(spec.mentor_key)) for p in mentors]
        vocabulary = sorted({item for items in mentee_items + mentor_items for item in items})
        index = {item: position for position, item in enumerate(vocabulary)}
        self.vocabulary = vocabulary
        self.mentee_items = mentee_items
        self.mentor_items = mentor_items
        self.a = self._onehot(mentee_items, index)
        self.b = self._onehot(mentor_items, index)
        self.a_count = self.a.sum(axis=1)
        self.b_count = self.b.sum(axis=1)
        self.mentee_answered = self.a_count > 0
        self.mentor_answered = self.b_count > 0

    @staticmethod
    def _onehot(rows: list[list[str]], index: dict[str, int]) -> np.ndarray:
        out = np.zeros((len(rows), max(len(index), 1)), dtype=np.float32)
        for row, items in enumerate(rows):
            out[row, [index[item] for item in items]] = 1
        return out

    def _similarity(self, shared, a_count, b_count) -> np.ndarray:
        shared = shared.astype(np.float64)
        a_count = a_count.astype(np.float64)
        b_count = b_count.astype(np.float64)
        method = self.spec.method
        with np.errstate(divide="ignore", invalid="ignore"):
            if method == c.ANY_SHARED:
                return (shared > 0).astype(np.float64)
            if method == c.COVERAGE:
                return np.where(a_count > 0, shared / a_count, 0.0)
            union = a_count + b_count - shared
            return np.where(union > 0, shared / union, 0.0)

    def shared_counts(self) -> np.ndarray:
        return self.a @ self.b.T

    def matrix(self):
        shared = self.shared_counts()
        method = self.spec.method
        if method == c.ANY_SHARED:
            return (shared > 0).astype(np.float64)
        if method == c.COVERAGE:
            with np.errstate(divide="ignore"):
                per_item = np.where(self.a_count > 0, 1 / self.a_count.astype(np.float64), 0.0)
            out = shared.astype(np.float64)
            out *= per_item[:, None]
            return out
        return self._similarity(shared, self.a_count[:, None], self.b_count[None, :])

    def pairs(self, rows, cols):
        shared = np.einsum("ij,ij->i", self.a[rows], self.b[cols])
        return self._similarity(shared, self.a_count[rows], self.b_count[cols])

    def describe(self, row, col):
        if missing := self.missing(row, col):
            return missing
        theirs = set(self.mentor_items[col])
        shared = [item for item in self.mentee_items[row] if item in theirs]
        method = self.spec.method
        if method == c.ANY_SHARED:
            return f"Both speak {_join(shared)}." if shared else "No language in common."
        if method == c.COVERAGE:
            wanted = len(self.mentee_items[row])
            noun = (
                "wanted skills"
                if self.spec.question_kind == "skills"
                else "of the mentee's choices"
            )
            if not shared:
                return f"0 of {wanted} {noun}."
            return f"{len(shared)} of {wanted} {noun}: {_join(shared)}."
        if not shared:
            return "Nothing in common."
        return f"{len(shared)} in common: {_join(shared)}."

    def python_values(self):
        return [set(items) for items in self.mentee_items], [
            set(items) for items in self.mentor_items
        ]


class ChoiceEncoder(Encoder):
    """One answer each: the same option, a different one, or a step on an ordered list."""

    def __init__(self, spec, mentees, mentors, rules: c.Rules):
        super().__init__(spec, mentees, mentors)
        self.rules = rules
        self.mentee_values = [p.answers.get(spec.mentee_key) for p in mentees]
        self.mentor_values = [p.answers.get(spec.mentor_key) for p in mentors]
        by_position = bool(spec.mentee_choices) and bool(spec.mentor_choices)
        if by_position:
            # Two questions with their own option lists compare by position in each list.
            self.a = self._positions(self.mentee_values, spec.mentee_choices)
            self.b = self._positions(self.mentor_values, spec.mentor_choices)
        else:
            values = sorted(
                {self._normal(v) for v in self.mentee_values + self.mentor_values} - {""}
            )
            self.a = self._positions(self.mentee_values, values, normal=True)
            self.b = self._positions(self.mentor_values, values, normal=True)
        self.mentee_answered = self.a >= 0
        self.mentor_answered = self.b >= 0

    @staticmethod
    def _normal(value: Any) -> str:
        return "" if value is None else " ".join(str(value).split()).casefold()

    def _positions(self, values, choices, *, normal: bool = False) -> np.ndarray:
        index = {choice: position for position, choice in enumerate(choices)}
        return np.array(
            [index.get(self._normal(v) if normal else v, -1) for v in values], dtype=np.int64
        )

    def _similarity(self, a, b) -> np.ndarray:
        answered = (a >= 0) & (b >= 0)
        method = self.spec.method
        if method == c.SAME_CHOICE:
            return ((a == b) & answered).astype(np.float64)
        if method == c.DIFFERENT_CHOICE:
            return ((a != b) & answered).astype(np.float64)
        gap = b - a
        low, high = self.rules.seniority_gap_min, self.rules.seniority_gap_max
        outside = np.maximum(low - gap, 0) + np.maximum(gap - high, 0)
        return np.where(answered, np.clip(1 - SENIORITY_STEP_PENALTY * outside, 0, 1), 0.0)

    def matrix(self):
        # Few options: score every pair of options once, then look the pairs up.
        levels = np.concatenate(
            [np.arange(max(self.a.max(initial=0), self.b.max(initial=0)) + 1), [-1]]
        )
        table = self._similarity(levels[:, None], levels[None, :])
        missing = len(levels) - 1
        rows = np.where(self.a < 0, missing, self.a)
        cols = np.where(self.b < 0, missing, self.b)
        return table[rows][:, cols]

    def pairs(self, rows, cols):
        return self._similarity(self.a[rows], self.b[cols])

    def describe(self, row, col):
        if missing := self.missing(row, col):
            return missing
        mentee, mentor = self.mentee_values[row], self.mentor_values[col]
        method = self.spec.method
        if method == c.SENIORITY:
            gap = int(self.b[col] - self.a[row])
            steps = f"{abs(gap)} step{'s' if abs(gap) != 1 else ''}"
            if gap > 0:
                where = f"Mentor is {steps} more experienced"
            elif gap == 0:
                where = "Both at the same level"
            else:
                where = f"Mentor is {steps} less experienced"
            return f"{where} ({mentor} vs {mentee})."
        same = bool(self.a[row] == self.b[col])
        if method == c.DIFFERENT_CHOICE:
            return f"Both: {mentee}." if same else f"Mentee: {mentee}; mentor: {mentor}."
        if same and self.spec.mentee_key == self.spec.mentor_key:
            return f"Both: {mentee}."
        if same:
            return f"A fit: {mentee} / {mentor}."
        return f"Mentee: {mentee}; mentor: {mentor}."

    def python_values(self):
        return [int(v) for v in self.a], [int(v) for v in self.b]


class ScaleEncoder(Encoder):
    """Answers from 1 to 5: closer is better."""

    def __init__(self, spec, mentees, mentors):
        super().__init__(spec, mentees, mentors)
        self.a = np.array([self._number(p.answers.get(spec.mentee_key)) for p in mentees])
        self.b = np.array([self._number(p.answers.get(spec.mentor_key)) for p in mentors])
        self.mentee_answered = ~np.isnan(self.a)
        self.mentor_answered = ~np.isnan(self.b)

    @staticmethod
    def _number(value: Any) -> float:
        return (
            float(value)
            if isinstance(value, int | float) and not isinstance(value, bool)
            else math.nan
        )

    @staticmethod
    def _similarity(a, b) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return np.nan_to_num(np.clip(1 - np.abs(a - b) / 4, 0, 1), nan=0.0)

    def matrix(self):
        return self._similarity(self.a[:, None], self.b[None, :])

    def pairs(self, rows, cols):
        return self._similarity(self.a[rows], self.b[cols])

    def describe(self, row, col):
        if missing := self.missing(row, col):
            return missing
        return f"Mentee {self.a[row]:g}, mentor {self.b[col]:g} (of 5)."

    def python_values(self):
        return list(self.a), list(self.b)


class TextEncoder(Encoder):
    """Free text: TF-IDF cosine of the mentee's words against the mentor's."""

    def __init__(self, spec, mentees, mentors):
        super().__init__(spec, mentees, mentors)
        mentee_texts = [self._text(p.answers.get(spec.mentee_key)) for p in mentees]
        mentor_texts = [self._text(p.answers.get(spec.mentor_key)) for p in mentors]
        self.mentee_answered = np.array([bool(t.strip()) for t in mentee_texts], dtype=bool)
        self.mentor_answered = np.array([bool(t.strip()) for t in mentor_texts], dtype=bool)
        vectorizer = TfidfVectorizer(
            stop_words="english", sublinear_tf=True, dtype=np.float64, max_features=50_000
        )
        try:
            matrix = vectorizer.fit_transform(mentee_texts + mentor_texts)
            self.terms = vectorizer.get_feature_names_out()
        except ValueError:  # no words at all (nobody answered, or only stop words)
            matrix = sparse.csr_matrix((len(mentee_texts) + len(mentor_texts), 1))
            self.terms = np.array([""])
        matrix = sparse.csr_matrix(matrix)
        self.a = matrix[: len(mentee_texts)]
        self.b = matrix[len(mentee_texts) :]

    @staticmethod
    def _text(value: Any) -> str:
        return value if isinstance(value, str) else ""

    @staticmethod
    def _similarity(cosine) -> np.ndarray:
        return np.minimum(np.asarray(cosine, dtype=np.float64) / TEXT_SATURATION, 1.0)

    def cosine_matrix(self) -> np.ndarray:
        # Only terms that both sides use add to a dot product; the rows are already normalised.
        shared = np.flatnonzero(
            (np.diff(self.a.tocsc().indptr) > 0) & (np.diff(self.b.tocsc().indptr) > 0)
        )
        if not len(shared):
            return np.zeros((self.a.shape[0], self.b.shape[0]))
        return np.asarray(self.a[:, shared] @ self.b[:, shared].T.toarray())

    def matrix(self):
        return self._similarity(self.cosine_matrix())

    def pairs(self, rows, cols):
        cosine = np.asarray(self.a[rows].multiply(self.b[cols]).sum(axis=1)).ravel()
        return self._similarity(cosine)

    def describe(self, row, col):
        if missing := self.missing(row, col):
            return missing
        product = self.a[row].multiply(self.b[col]).tocoo()
        if not product.nnz:
            return "No words in common."
        order = np.argsort(-product.data, kind="stable")[:4]
        words = [str(self.terms[product.col[position]]) for position in order]
        return f"Goals and background share: {_join(words)}."

    def python_values(self):
        def rows(matrix):
            matrix = sparse.csr_matrix(matrix)
            return [
                dict(
                    zip(
                        matrix.indices[matrix.indptr[r] : matrix.indptr[r + 1]].tolist(),
                        matrix.data[matrix.indptr[r] : matrix.indptr[r + 1]].tolist(),
                        strict=True,
                    )
                )
                for r in range(matrix.shape[0])
            ]

        return rows(self.a), rows(self.b)


class TimezoneEncoder(Encoder):
    """Time zones: hours apart, closer is better."""

    def __init__(self, spec, mentees, mentors, at: datetime):
        super().__init__(spec, mentees, mentors)
        self.mentee_zones = [p.answers.get(spec.mentee_key) or p.timezone for p in mentees]
        self.mentor_zones = [p.answers.get(spec.mentor_key) or p.timezone for p in mentors]
        self.a = np.array([utc_offset_minutes(z, at) for z in self.mentee_zones], dtype=np.float64)
        self.b = np.array([utc_offset_minutes(z, at) for z in self.mentor_zones], dtype=np.float64)
        self.mentee_answered = np.ones(len(mentees), dtype=bool)
        self.mentor_answered = np.ones(len(mentors), dtype=bool)

    @staticmethod
    def _similarity(a, b) -> np.ndarray:
        return np.clip(1 - hours_apart(a, b) / 12, 0, 1)

    def matrix(self):
        offsets = np.unique(np.concatenate([self.a, self.b]))
        table = self._similarity(offsets[:, None], offsets[None, :])
        return table[np.searchsorted(offsets, self.a)][:, np.searchsorted(offsets, self.b)]

    def pairs(self, rows, cols):
        return self._similarity(self.a[rows], self.b[cols])

    def describe(self, row, col):
        apart = float(hours_apart(self.a[row], self.b[col]))
        if apart == 0:
            return f"Same time of day ({self.mentee_zones[row]}, {self.mentor_zones[col]})."
        return (
            f"{apart:g} hour{'s' if apart != 1 else ''} apart "
            f"({self.mentee_zones[row]}, {self.mentor_zones[col]})."
        )

    def python_values(self):
        return list(self.a), list(self.b)


class AvailabilityEncoder(Encoder):
    """Weekly free time, moved to UTC: the hours a week both are free."""

    def __init__(self, spec, mentees, mentors, rules: c.Rules, at: datetime):
        super().__init__(spec, mentees, mentors)
        self.target = rules.availability_target_hours
        self.a = self._slots(mentees, spec.mentee_key, at)
        self.b = self._slots(mentors, spec.mentor_key, at)
        self.mentee_answered = self.a.any(axis=1)
        self.mentor_answered = self.b.any(axis=1)

    @staticmethod
    def _slots(people, key: str, at: datetime) -> np.ndarray:
        out = np.zeros((len(people), SLOTS_PER_WEEK), dtype=np.float32)
        for row, person in enumerate(people):
            windows = person.answers.get(key) or []
            offset = utc_offset_minutes(person.timezone, at)
            for day, start, end in windows:
                first = (day * 1440 + start - offset) // SLOT_MINUTES
                last = (day * 1440 + end - offset + SLOT_MINUTES - 1) // SLOT_MINUTES
                out[row, np.arange(first, last) % SLOTS_PER_WEEK] = 1
        return out

    def _similarity(self, shared_slots) -> np.ndarray:
        hours = np.asarray(shared_slots, dtype=np.float64) * SLOT_MINUTES / 60
        return np.minimum(hours / self.target, 1.0)

    def matrix(self):
        return self._similarity(self.a @ self.b.T)

    def pairs(self, rows, cols):
        return self._similarity(np.einsum("ij,ij->i", self.a[rows], self.b[cols]))

    def describe(self, row, col):
        if missing := self.missing(row, col):
            return missing
        hours = float(self.a[row] @ self.b[col]) * SLOT_MINUTES / 60
        if not hours:
            return "No free time in common, once time zones are taken into account."
        return f"{hours:g} hour{'s' if hours != 1 else ''} a week free at the same time."

    def python_values(self):
        return (
            [set(np.flatnonzero(row).tolist()) for row in self.a],
            [set(np.flatnonzero(row).tolist()) for row in self.b],
        )


class PersonalityEncoder(Encoder):
    """Big Five traits (1-7): similar or complementary per trait, as the program chooses."""

    def __init__(self, spec, mentees, mentors, rules: c.Rules):
        super().__init__(spec, mentees, mentors)
        self.a = self._traits(mentees, spec.mentee_key)
        self.b = self._traits(mentors, spec.mentor_key)
        self.complementary = np.array(
            [rules.personality_mode(t) == c.COMPLEMENTARY for t in c.PERSONALITY_TRAITS]
        )
        self.mentee_answered = ~np.isnan(self.a).any(axis=1)
        self.mentor_answered = ~np.isnan(self.b).any(axis=1)

    @staticmethod
    def _traits(people, key: str) -> np.ndarray:
        out = np.full((len(people), len(c.PERSONALITY_TRAITS)), np.nan)
        for row, person in enumerate(people):
            value = person.answers.get(key)
            traits = value.get("traits") if isinstance(value, dict) else None
            if traits:
                out[row] = [float(traits.get(t, math.nan)) for t in c.PERSONALITY_TRAITS]
        return out

    def _trait_fit(self, a, b, trait: int) -> np.ndarray:
        distance = np.abs(a - b) / 6
        return distance if self.complementary[trait] else 1 - distance

    def _similarity(self, a, b) -> np.ndarray:
        total = 0.0
        with np.errstate(invalid="ignore"):
            for trait in range(len(c.PERSONALITY_TRAITS)):
                total = total + self._trait_fit(a[..., trait], b[..., trait], trait)
            return np.nan_to_num(total / len(c.PERSONALITY_TRAITS), nan=0.0)

    def matrix(self):
        # sum over traits of (1 - d/6) for similar traits and d/6 for complementary ones,
        # accumulated in place: five passes over the pairs instead of five temporaries.
        n, m = len(self.a), len(self.b)
        total = np.zeros((n, m))
        distance = np.empty((n, m))
        for trait in range(len(c.PERSONALITY_TRAITS)):
            np.subtract.outer(
                np.nan_to_num(self.a[:, trait]), np.nan_to_num(self.b[:, trait]), out=distance
            )
            np.abs(distance, out=distance)
            if self.complementary[trait]:
                total += distance
            else:
                total -= distance
        similar = float((~self.complementary).sum())
        total *= 1 / (6 * len(c.PERSONALITY_TRAITS))
        total += similar / len(c.PERSONALITY_TRAITS)
        total[~self.mentee_answered] = 0
        total[:, ~self.mentor_answered] = 0
        return total

    def pairs(self, rows, cols):
        return self._similarity(self.a[rows], self.b[cols])

    def describe(self, row, col):
        if missing := self.missing(row, col):
            return missing
        good = [
            trait.replace("_", " ")
            for position, trait in enumerate(c.PERSONALITY_TRAITS)
            if self._trait_fit(self.a[row, position], self.b[col, position], position) >= 2 / 3
        ]
        if not good:
            return "No trait fits the program's personality settings well."
        return f"A good fit on {len(good)} of 5 traits: {_join(good)}."

    def python_values(self):
        return [list(row) for row in self.a], [list(row) for row in self.b]


def build_encoder(spec: c.CriterionSpec, mentees, mentors, rules: c.Rules, at: datetime) -> Encoder:
    method = spec.method
    if method in (c.COVERAGE, c.ANY_SHARED, c.JACCARD):
        return SetEncoder(spec, mentees, mentors)
    if method in (c.SAME_CHOICE, c.DIFFERENT_CHOICE, c.SENIORITY):
        return ChoiceEncoder(spec, mentees, mentors, rules)
    if method == c.SCALE_DISTANCE:
        return ScaleEncoder(spec, mentees, mentors)
    if method == c.TEXT:
        return TextEncoder(spec, mentees, mentors)
    if method == c.TIMEZONE:
        return TimezoneEncoder(spec, mentees, mentors, at)
    if method == c.AVAILABILITY:
        return AvailabilityEncoder(spec, mentees, mentors, rules, at)
    return PersonalityEncoder(spec, mentees, mentors, rules)
