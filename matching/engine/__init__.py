"""The matching engine: pure numpy, no Django and no database.

A cohort's profiles are encoded into feature arrays once (`MatchingModel.build`); every mentee x
mentor pair is then scored at once, hard rules become a feasibility mask, and the solvers assign
mentees to mentors under the mentors' capacities. The Django side (matching.loading,
matching.services) turns database rows into `Person` and `CriterionSpec` values and back.
"""

from matching.engine.criteria import CriterionSpec, Rules
from matching.engine.model import MatchingModel, PairExplanation, Part, Person
from matching.engine.solvers import solve_optimal, solve_stable, suggest_mentors

__all__ = [
    "CriterionSpec",
    "MatchingModel",
    "PairExplanation",
    "Part",
    "Person",
    "Rules",
    "solve_optimal",
    "solve_stable",
    "suggest_mentors",
]
