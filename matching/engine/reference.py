"""The score of one pair by a plain Python loop: the yardstick the vectorised scoring is checked
and benchmarked against. Same encoded answers, same formulas, one pair at a time."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from matching.engine import criteria as c
from matching.engine.features import SENIORITY_STEP_PENALTY, SLOT_MINUTES, TEXT_SATURATION
from matching.engine.model import MatchingModel


def python_values(model: MatchingModel) -> dict[str, tuple[list[Any], list[Any]]]:
    return {spec.key: model.encoders[spec.key].python_values() for spec in model.scored_criteria}


def similarity(spec: c.CriterionSpec, rules: c.Rules, a: Any, b: Any) -> float:
    method = spec.method
    if method == c.COVERAGE:
        return len(a & b) / len(a) if a else 0.0
    if method == c.ANY_SHARED:
        return 1.0 if a & b else 0.0
    if method == c.JACCARD:
        union = len(a | b)
        return len(a & b) / union if union else 0.0
    if method in (c.SAME_CHOICE, c.DIFFERENT_CHOICE, c.SENIORITY):
        if a < 0 or b < 0:
            return 0.0
        if method == c.SAME_CHOICE:
            return 1.0 if a == b else 0.0
        if method == c.DIFFERENT_CHOICE:
            return 1.0 if a != b else 0.0
        gap = b - a
        outside = max(rules.seniority_gap_min - gap, 0) + max(gap - rules.seniority_gap_max, 0)
        return min(max(1 - SENIORITY_STEP_PENALTY * outside, 0.0), 1.0)
    if method == c.SCALE_DISTANCE:
        if math.isnan(a) or math.isnan(b):
            return 0.0
        return min(max(1 - abs(a - b) / 4, 0.0), 1.0)
    if method == c.TEXT:
        cosine = sum(weight * b[term] for term, weight in a.items() if term in b)
        return min(cosine / TEXT_SATURATION, 1.0)
    if method == c.TIMEZONE:
        difference = abs(a - b) % 1440
        hours = min(difference, 1440 - difference) / 60
        return min(max(1 - hours / 12, 0.0), 1.0)
    if method == c.AVAILABILITY:
        hours = len(a & b) * SLOT_MINUTES / 60
        return min(hours / rules.availability_target_hours, 1.0)
    total = 0.0
    for position, trait in enumerate(c.PERSONALITY_TRAITS):
        if math.isnan(a[position]) or math.isnan(b[position]):
            return 0.0
        distance = abs(a[position] - b[position]) / 6
        total += distance if rules.personality_mode(trait) == c.COMPLEMENTARY else 1 - distance
    return total / len(c.PERSONALITY_TRAITS)


def reference_scores(
    model: MatchingModel,
    pairs: Iterable[tuple[int, int]],
    values: dict[str, tuple[list[Any], list[Any]]] | None = None,
) -> list[float]:
    """The score of each (mentee row, mentor column) pair, one pair at a time."""
    values = values if values is not None else python_values(model)
    specs = [
        (spec, model.max_points[spec.key], *values[spec.key]) for spec in model.scored_criteria
    ]
    out = []
    for row, col in pairs:
        total = 0.0
        for spec, points, mentee_values, mentor_values in specs:
            total += points * similarity(spec, model.rules, mentee_values[row], mentor_values[col])
        out.append(total)
    return out
