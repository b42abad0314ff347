"""Who is matched with whom: exact bulk matching, stable matching and self-select suggestions.

All solvers take the score matrix (mentees x mentors), the feasibility mask from the hard rules
and each mentor's free places, and return `mentor_of`: for every mentee the mentor column, or -1.
No solver ever gives a mentor more mentees than free places or proposes an infeasible pair.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Mapping

import numpy as np
from ortools.graph.python import min_cost_flow

# Scores are solved as whole millionths of a point: exact integer arithmetic in the flow.
SCORE_SCALE = 1_000_000
MENTOR_CHOICES_PER_MENTEE = 6
EXTRA_MENTEES_PER_MENTOR = 4


class SolverError(ValueError):
    """The request cannot be solved as asked; the message says why."""


def total_score(scores: np.ndarray, mentor_of: np.ndarray) -> float:
    rows = np.flatnonzero(mentor_of >= 0)
    return float(scores[rows, mentor_of[rows]].sum())


def _apply_locked(
    feasible: np.ndarray, capacity: np.ndarray, locked: Mapping[int, int] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seat the locked pairs first; returns (mentor_of, the other mentees, places left)."""
    n = feasible.shape[0]
    mentor_of = np.full(n, -1, dtype=np.int64)
    places = np.asarray(capacity, dtype=np.int64).copy()
    for row, col in (locked or {}).items():
        if places[col] <= 0:
            raise SolverError(
                "More pairs are locked with one mentor than the mentor has places; "
                "unlock one of them."
            )
        places[col] -= 1
        mentor_of[row] = col
    return mentor_of, np.flatnonzero(mentor_of < 0), places


def solve_optimal(
    scores: np.ndarray,
    feasible: np.ndarray,
    capacity: np.ndarray,
    *,
    maximize_matched: bool = False,
    locked: Mapping[int, int] | None = None,
) -> np.ndarray:
    """The assignment with the highest total score (or, with `maximize_matched`, the highest
    total score among those that match as many mentees as possible).

    Exact: a min-cost flow (OR-Tools) on the most promising pairs, then an optimality
    certificate over all pairs. The mentor prices (LP duals) of the flow must leave no omitted
    feasible pair more profitable than its mentee's current match; any pair that would be is
    added and the flow solved again. Rules and capacities are constraints of the flow, so they
    hold whatever the scores.
    """
    mentor_of, rows, places = _apply_locked(feasible, capacity, locked)
    m = feasible.shape[1]
    if not len(rows) or not m:
        return mentor_of
    allowed = feasible[rows] & (places > 0)[None, :]
    scaled = scores[rows] * SCORE_SCALE
    np.rint(scaled, out=scaled)
    # Only allowed pairs are ever read from here on.
    weights = scaled.astype(np.int64)
    del scaled
    if maximize_matched:
        # Worth more than any total of scores: one more matched mentee always wins.
        weights += int(weights.max(initial=0, where=allowed)) * len(rows) + 1

    candidates = _candidate_pairs(weights, allowed, places)
    while True:
        cand_rows, cand_cols = np.nonzero(candidates)
        chosen = _min_cost_flow(len(rows), m, cand_rows, cand_cols, weights, places)
        assigned = np.full(len(rows), -1, dtype=np.int64)
        assigned[cand_rows[chosen]] = cand_cols[chosen]
        duals = _mentor_prices(assigned, cand_rows, cand_cols, weights, places)
        if duals is None:
            if candidates.sum() == allowed.sum():
                break
            candidates = allowed.copy()
            continue
        profit, price = duals
        better = allowed & ~candidates & (weights > profit[:, None] + price[None, :])
        if not better.any():
            break
        candidates |= better
        # Where one pair was missing, its neighbours at the current prices often are too.
        rows_to_widen = np.flatnonzero(better.any(axis=1))
        at_prices = np.where(
            allowed[rows_to_widen], weights[rows_to_widen] - price[None, :], -(2**62)
        )
        widen = min(m, 2 * MENTOR_CHOICES_PER_MENTEE)
        best = np.argpartition(-at_prices, widen - 1, axis=1)[:, :widen]
        candidates[rows_to_widen[:, None], best] |= allowed[rows_to_widen[:, None], best]
    mentor_of[rows] = assigned
    return mentor_of


def _candidate_pairs(weights: np.ndarray, allowed: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Each mentee's best few mentors and each mentor's best few mentees."""
    n, m = weights.shape
    masked = np.where(allowed, weights, -1)
    candidates = np.zeros((n, m), dtype=bool)
    per_mentee = min(m, MENTOR_CHOICES_PER_MENTEE)
    best_mentors = np.argpartition(-masked, per_mentee - 1, axis=1)[:, :per_mentee]
    candidates[np.arange(n)[:, None], best_mentors] = True
    per_mentor = min(n, int(places.max(initial=0)) + EXTRA_MENTEES_PER_MENTOR)
    if per_mentor > 0:
        best_mentees = np.argpartition(-masked, per_mentor - 1, axis=0)[:per_mentor, :]
        candidates[best_mentees, np.arange(m)[None, :]] = True
    return candidates & allowed


def _min_cost_flow(
    n: int,
    m: int,
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    places: np.ndarray,
) -> np.ndarray:
    """Source -> mentee (1) -> mentor (weight) -> sink (places); a bypass arc lets a mentee stay
    unmatched. Returns which of the given pairs carry flow."""
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([np.full(n, source), rows, n + np.arange(m), [source]])
    heads = np.concatenate([np.arange(n), n + cols, np.full(m, sink), [sink]])
    capacities = np.concatenate([np.ones(n + len(rows)), places, [n]]).astype(np.int64)
    costs = np.concatenate([np.zeros(n, np.int64), -weights[rows, cols], np.zeros(m + 1, np.int64)])
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int64), heads.astype(np.int64), capacities, costs
    )
    flow.set_nodes_supplies(np.array([source, sink]), np.array([n, -n]))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverError(f"The matching could not be solved ({status}).")
    return flow.flows(np.arange(n, n + len(rows))) > 0


def _mentor_prices(
    assigned: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    places: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Dual values proving the assignment optimal on the candidate pairs: a price per mentor
    (0 for a mentor with a free place) and a profit per mentee (0 if unmatched) with
    profit + price >= weight on every candidate pair and equality on the assigned ones.

    The smallest such prices are the least fixed point of `price = max(0, weight - profit)`,
    reached by relaxing all pairs at once (Bellman-Ford on the residual graph). Returns None
    if no certificate is found, and the caller then solves over every pair.
    """
    n, m = len(assigned), len(places)
    if not len(rows):
        return np.zeros(n, np.int64), np.zeros(m, np.int64)
    order = np.argsort(cols, kind="stable")
    rows, cols = rows[order], cols[order]
    pair_weights = weights[rows, cols]
    mentors_with_pairs, starts = np.unique(cols, return_index=True)
    matched = assigned >= 0
    matched_weight = np.where(matched, weights[np.arange(n), np.maximum(assigned, 0)], 0)
    price = np.zeros(m, dtype=np.int64)
    for _ in range(n + m + 2):
        profit = np.where(matched, matched_weight - price[np.maximum(assigned, 0)], 0)
        needed = np.maximum.reduceat(pair_weights - profit[rows], starts)
        new_price = np.zeros(m, dtype=np.int64)
        new_price[mentors_with_pairs] = np.maximum(needed, 0)
        if np.array_equal(new_price, price):
            break
        price = new_price
    else:
        return None
    load = np.bincount(assigned[matched], minlength=m)
    if (profit < 0).any() or (price[load < places] != 0).any():
        return None
    return profit, price


def solve_stable(
    scores: np.ndarray,
    feasible: np.ndarray,
    capacity: np.ndarray,
    *,
    locked: Mapping[int, int] | None = None,
) -> np.ndarray:
    """Mentee-proposing deferred acceptance with capacities: no mentee and mentor would both
    rather be together than with whom they got. Both sides rank by the pair score (ties: the
    earlier row or column first)."""
    mentor_of, rows, places = _apply_locked(feasible, capacity, locked)
    held: list[list[tuple[float, int, int]]] = [[] for _ in range(feasible.shape[1])]
    preferences: dict[int, np.ndarray] = {}
    next_choice = dict.fromkeys(rows.tolist(), 0)
    free = deque(rows.tolist())
    while free:
        row = free.popleft()
        if row not in preferences:
            options = np.flatnonzero(feasible[row] & (places > 0))
            preferences[row] = options[np.argsort(-scores[row, options], kind="stable")]
        if next_choice[row] >= len(preferences[row]):
            continue
        col = int(preferences[row][next_choice[row]])
        next_choice[row] += 1
        offer = (float(scores[row, col]), -row, row)
        heap = held[col]
        if len(heap) < places[col]:
            heapq.heappush(heap, offer)
        elif heap[0] < offer:
            rejected = heapq.heapreplace(heap, offer)
            free.append(rejected[2])
        else:
            free.append(row)
    for col, heap in enumerate(held):
        for _, _, row in heap:
            mentor_of[row] = col
    return mentor_of


def suggest_mentors(
    scores_row: np.ndarray, feasible_row: np.ndarray, places: np.ndarray, limit: int
) -> np.ndarray:
    """A mentee's best mentors, highest score first; mentors without a free place are left out."""
    options = np.flatnonzero(feasible_row & (places > 0))
    return options[np.argsort(-scores_row[options], kind="stable")][:limit]
