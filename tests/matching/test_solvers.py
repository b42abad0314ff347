"""The solvers against brute force on small random instances, and their guarantees."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine import solvers
from matching.engine.solvers import SolverError, solve_optimal, solve_stable, suggest_mentors


@st.composite
def instances(draw, max_mentees: int = 5, max_mentors: int = 3):
    n = draw(st.integers(1, max_mentees))
    m = draw(st.integers(1, max_mentors))
    # Scores on a coarse grid make ties common, which is where solvers go wrong.
    scores = (
        np.array(
            draw(st.lists(st.integers(0, 20), min_size=n * m, max_size=n * m)), dtype=float
        ).reshape(n, m)
        * 2.5
    )
    feasible = np.array(
        draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m)), dtype=bool
    ).reshape(n, m)
    capacity = np.array(draw(st.lists(st.integers(0, 2), min_size=m, max_size=m)))
    return scores, feasible, capacity


def brute_force(scores, feasible, capacity, *, maximize_matched: bool) -> tuple[int, float]:
    """The best (matched count, total score) over every assignment that keeps the rules."""
    n, m = scores.shape
    best = (-1, -1.0) if maximize_matched else (0, -1.0)
    for choice in itertools.product(range(-1, m), repeat=n):
        load = np.bincount([c for c in choice if c >= 0], minlength=m)
        if (load > capacity).any():
            continue
        if any(c >= 0 and not feasible[row, c] for row, c in enumerate(choice)):
            continue
        count = sum(c >= 0 for c in choice)
        total = sum(scores[row, c] for row, c in enumerate(choice) if c >= 0)
        key = (count, total) if maximize_matched else (0, total)
        if key > best:
            best = key
    return best


def check_valid(mentor_of, feasible, capacity) -> None:
    matched = np.flatnonzero(mentor_of >= 0)
    assert feasible[matched, mentor_of[matched]].all(), "an infeasible pair was proposed"
    load = np.bincount(mentor_of[matched], minlength=len(capacity))
    assert (load <= capacity).all(), "a mentor got more mentees than places"


@settings(max_examples=300, deadline=None)
@given(instances(), st.booleans())
def test_optimal_matches_brute_force(instance, maximize_matched):
    scores, feasible, capacity = instance
    mentor_of = solve_optimal(scores, feasible, capacity, maximize_matched=maximize_matched)
    check_valid(mentor_of, feasible, capacity)
    count, total = brute_force(scores, feasible, capacity, maximize_matched=maximize_matched)
    assert solvers.total_score(scores, mentor_of) == pytest.approx(total, abs=1e-6)
    if maximize_matched:
        assert (mentor_of >= 0).sum() == count


@settings(max_examples=200, deadline=None)
@given(instances(max_mentees=6, max_mentors=4), st.booleans())
def test_optimality_certificate_adds_the_pairs_the_first_guess_left_out(instance, maximize_matched):
    """With a first guess of one mentor per mentee and no extra mentees per mentor, the
    optimum often needs pairs outside the guess: the certificate must find and add them."""
    scores, feasible, capacity = instance
    original = solvers.MENTOR_CHOICES_PER_MENTEE, solvers.EXTRA_MENTEES_PER_MENTOR
    solvers.MENTOR_CHOICES_PER_MENTEE, solvers.EXTRA_MENTEES_PER_MENTOR = 1, -2
    try:
        mentor_of = solve_optimal(scores, feasible, capacity, maximize_matched=maximize_matched)
    finally:
        solvers.MENTOR_CHOICES_PER_MENTEE, solvers.EXTRA_MENTEES_PER_MENTOR = original
    check_valid(mentor_of, feasible, capacity)
    count, total = brute_force(scores, feasible, capacity, maximize_matched=maximize_matched)
    assert solvers.total_score(scores, mentor_of) == pytest.approx(total, abs=1e-6)
    if maximize_matched:
        assert (mentor_of >= 0).sum() == count


def test_maximising_matches_first_can_cost_score():
    # Mentee 0 fits both mentors; mentee 1 only mentor 0. Best score puts 0 with mentor 0.
    scores = np.array([[90.0, 10.0], [50.0, 0.0]])
    feasible = np.array([[True, True], [True, False]])
    capacity = np.array([1, 1])
    assert solve_optimal(scores, feasible, capacity).tolist() == [0, -1]
    assert solve_optimal(scores, feasible, capacity, maximize_matched=True).tolist() == [1, 0]


def test_locked_pairs_stay_and_use_a_place():
    scores = np.array([[10.0, 90.0], [80.0, 20.0], [85.0, 5.0]])
    feasible = np.ones((3, 2), dtype=bool)
    capacity = np.array([1, 1])
    mentor_of = solve_optimal(scores, feasible, capacity, locked={1: 1})
    assert mentor_of[1] == 1
    assert mentor_of.tolist() == [-1, 1, 0]


def test_locking_more_pairs_than_places_is_refused():
    with pytest.raises(SolverError, match="More pairs are locked with one mentor"):
        solve_optimal(
            np.ones((2, 1)), np.ones((2, 1), dtype=bool), np.array([1]), locked={0: 0, 1: 0}
        )


def test_nobody_feasible_matches_nobody():
    mentor_of = solve_optimal(np.ones((3, 2)), np.zeros((3, 2), dtype=bool), np.array([2, 2]))
    assert mentor_of.tolist() == [-1, -1, -1]


def blocking_pairs(scores, feasible, capacity, mentor_of) -> list[tuple[int, int]]:
    """Pairs who would both rather be together than with what they got."""
    n, m = scores.shape
    found = []
    for row, col in itertools.product(range(n), range(m)):
        if not feasible[row, col] or capacity[col] <= 0 or mentor_of[row] == col:
            continue
        current = mentor_of[row]
        mentee_prefers = current < 0 or (scores[row, col], -col) > (scores[row, current], -current)
        held = [r for r in range(n) if mentor_of[r] == col]
        mentor_prefers = len(held) < capacity[col] or any(
            (scores[row, col], -row) > (scores[r, col], -r) for r in held
        )
        if mentee_prefers and mentor_prefers:
            found.append((row, col))
    return found


@settings(max_examples=300, deadline=None)
@given(instances(max_mentees=6, max_mentors=4))
def test_stable_matching_leaves_no_blocking_pair(instance):
    scores, feasible, capacity = instance
    mentor_of = solve_stable(scores, feasible, capacity)
    check_valid(mentor_of, feasible, capacity)
    assert blocking_pairs(scores, feasible, capacity, mentor_of) == []


def test_suggestions_rank_by_score_and_skip_full_mentors():
    scores = np.array([40.0, 90.0, 70.0, 95.0])
    feasible = np.array([True, True, True, False])
    places = np.array([1, 0, 2, 1])
    assert suggest_mentors(scores, feasible, places, 5).tolist() == [2, 0]
    assert suggest_mentors(scores, feasible, places, 1).tolist() == [2]
