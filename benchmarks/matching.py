"""Matching at scale: vectorised scoring against a per-pair loop, the exact solver against
scipy's linear_sum_assignment, and a whole run from the database.

Data: 5,000 mentees x 1,500 mentors (capacity 3-4) with realistic profiles for the standard
questions (`--large`: 10,000 x 3,000). Prints one JSON object as its last line:

- score_seconds, score_loop_seconds, score_speedup_vs_loop: the loop is timed on a random sample
  of pairs (at least 200,000) and scaled to all pairs; it must agree with the vectorised scores
  on that sample (score_loop_max_abs_diff).
- solve_seconds, scipy_lsa_seconds, solve_time_ratio_vs_scipy, objective_rel_diff: both solve
  "match as many mentees as possible, then maximise the total score" under capacities and hard
  rules; scipy on the slot-expanded cost matrix (one column per mentor place).
- end_to_end_seconds: load a seeded cohort of that size from the database, score, solve and save
  the proposals (a real match run through the service). Uses DATABASE_URL when it is set
  (PostgreSQL), otherwise a throwaway SQLite database.

    .venv/bin/python benchmarks/matching.py [--large] [--skip-end-to-end]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def configure_django(var_dir: str) -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "mentorship.settings.base"
    os.environ["VAR_DIR"] = var_dir
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="10,000 mentees x 3,000 mentors")
    parser.add_argument("--sample", type=int, default=200_000, help="pairs timed in the loop")
    parser.add_argument("--skip-end-to-end", action="store_true")
    args = parser.parse_args()
    mentees_count, mentors_count = (10_000, 3_000) if args.large else (5_000, 1_500)

    with tempfile.TemporaryDirectory(prefix="bench-matching-") as var_dir:
        configure_django(var_dir)
        result = {"benchmark": "matching", "mentees": mentees_count, "mentors": mentors_count}
        result.update(score_and_solve(mentees_count, mentors_count, args.sample))
        if not args.skip_end_to_end:
            result.update(end_to_end(mentees_count, mentors_count))
    print(json.dumps(result))


def score_and_solve(mentees_count: int, mentors_count: int, sample: int) -> dict:
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from matching.criteria_mapping import criterion_specs
    from matching.engine import MatchingModel, Rules, solve_optimal
    from matching.engine.reference import python_values, reference_scores
    from matching.engine.solvers import total_score
    from matching.synthetic import random_people
    from programs.standard_questions import STANDARD_QUESTIONS

    partners = {q.key: q.partner_key for q in STANDARD_QUESTIONS if q.partner_key}
    specs = criterion_specs(STANDARD_QUESTIONS, {}, partners)
    rules = Rules(max_timezone_difference_hours=8)
    mentees = random_people(mentees_count, "mentee", seed=2026)
    mentors = random_people(mentors_count, "mentor", seed=2026, capacity=(3, 4))

    def build() -> MatchingModel:
        return MatchingModel(mentees=mentees, mentors=mentors, criteria=specs, rules=rules)

    # The first scoring in a process also pays for the kernel handing over fresh memory (huge
    # pages for numpy's large arrays) and for BLAS starting its threads; it is reported as
    # score_cold_seconds, and the steady state is timed on a second, freshly built model.
    started = time.perf_counter()
    assert build().scores.shape == (mentees_count, mentors_count)
    score_cold_seconds = time.perf_counter() - started

    model = build()
    started = time.perf_counter()
    scores = model.scores
    score_seconds = time.perf_counter() - started

    rng = np.random.default_rng(7)
    total_pairs = mentees_count * mentors_count
    sample = min(max(sample, 200_000), total_pairs)
    flat = rng.choice(total_pairs, size=sample, replace=False)
    pairs = list(
        zip((flat // mentors_count).tolist(), (flat % mentors_count).tolist(), strict=True)
    )
    values = python_values(model)
    started = time.perf_counter()
    loop_scores = reference_scores(model, pairs, values)
    loop_sample_seconds = time.perf_counter() - started
    loop_diff = float(np.abs(np.array(loop_scores) - scores.ravel()[flat]).max())
    if loop_diff > 1e-9:
        raise SystemExit(f"The loop and the vectorised scores disagree by {loop_diff}.")
    score_loop_seconds = loop_sample_seconds * total_pairs / sample

    feasible = model.feasible
    capacity = model.capacity
    # Both solvers are timed twice and their faster run kept: the first run of each in the
    # process also pays for fresh memory.
    solve_seconds = math.inf
    for _ in range(2):
        started = time.perf_counter()
        mentor_of = solve_optimal(scores, feasible, capacity, maximize_matched=True)
        solve_seconds = min(solve_seconds, time.perf_counter() - started)

    slots = np.repeat(np.arange(mentors_count), capacity)
    # Infeasible pairs cost more than any feasible assignment can, so scipy seats as many
    # mentees as possible on feasible pairs first, the same objective as the solver's.
    forbidden = float(scores.max() + 1) * mentees_count
    cost = np.where(feasible, -scores, forbidden)[:, slots]
    scipy_seconds = math.inf
    for _ in range(2):
        started = time.perf_counter()
        rows, cols = linear_sum_assignment(cost)
        scipy_seconds = min(scipy_seconds, time.perf_counter() - started)
    kept = feasible[rows, slots[cols]]
    scipy_objective = float(scores[rows[kept], slots[cols[kept]]].sum())
    objective = total_score(scores, mentor_of)
    return {
        "pairs": total_pairs,
        "feasible_share": round(float(feasible.mean()), 4),
        "score_seconds": round(score_seconds, 4),
        "score_cold_seconds": round(score_cold_seconds, 4),
        "score_loop_seconds": round(score_loop_seconds, 2),
        "score_loop_sample_pairs": sample,
        "score_loop_max_abs_diff": loop_diff,
        "score_speedup_vs_loop": round(score_loop_seconds / score_seconds, 1),
        "solve_seconds": round(solve_seconds, 4),
        "scipy_lsa_seconds": round(scipy_seconds, 4),
        "solve_time_ratio_vs_scipy": round(solve_seconds / scipy_seconds, 4),
        "matched": int((mentor_of >= 0).sum()),
        "scipy_matched": int(kept.sum()),
        "objective": round(objective, 4),
        "scipy_objective": round(scipy_objective, 4),
        "objective_rel_diff": abs(objective - scipy_objective) / max(abs(scipy_objective), 1e-12),
    }


def end_to_end(mentees_count: int, mentors_count: int) -> dict:
    """A real match run through the service on a cohort seeded in a throwaway database (the
    test database of DATABASE_URL's server, created and dropped here)."""
    from django.db import connection

    test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        cohort, actor = seed_cohort(mentees_count, mentors_count)
        from matching.services import match_run_create

        started = time.perf_counter()
        run = match_run_create(actor=actor, cohort=cohort)
        seconds = time.perf_counter() - started
        return {
            "end_to_end_seconds": round(seconds, 3),
            "end_to_end_matched": run.summary["matched"],
            "database": connection.vendor,
        }
    finally:
        connection.creation.destroy_test_db(test_database, verbosity=0)


def seed_cohort(mentees_count: int, mentors_count: int):
    """An organisation with a program (standard questions), a cohort in matching and its
    people with complete profiles. Plain rows in bulk: the seeding is not what is measured."""
    from datetime import date

    from accounts.models import User
    from matching.synthetic import random_people
    from organizations.models import Membership, Organization, Role
    from organizations.scope import organization_scope
    from programs import services as program_services
    from programs.models import CohortStatus, Enrolment, ProfileAnswer, ProfileQuestion

    owner = User.objects.create_user(email="owner@bench.example", password=None, full_name="Owner")
    organization = Organization.objects.create(name="Bench", slug="bench")
    with organization_scope(organization):
        membership = Membership.objects.create(
            organization=organization, user=owner, role=Role.OWNER
        )
        membership = Membership.objects.select_related("organization", "user").get(pk=membership.pk)
        program = program_services.program_create(
            actor_membership=membership,
            values=program_services.ProgramSettings(
                name="Bench mentoring", purpose="Benchmark", default_mentor_capacity=3
            ),
        )
        cohort = program_services.cohort_create(
            actor_membership=membership,
            program=program,
            values=program_services.CohortSettings(
                name="Bench cohort",
                enrolment_opens_on=date(2027, 1, 1),
                enrolment_closes_on=date(2027, 1, 31),
                starts_on=date(2027, 2, 1),
                ends_on=date(2027, 7, 31),
            ),
        )
        for status in (CohortStatus.ENROLLING, CohortStatus.MATCHING):
            cohort = program_services.cohort_transition(
                actor_membership=membership, cohort=cohort, to_status=status, force=True
            )
        questions = {q.key: q for q in ProfileQuestion.objects.filter(program=program)}
        people = [
            ("mentee", person) for person in random_people(mentees_count, "mentee", seed=2026)
        ] + [
            ("mentor", person)
            for person in random_people(mentors_count, "mentor", seed=2026, capacity=(3, 4))
        ]
        enrolments = Enrolment.objects.bulk_create(
            [
                Enrolment(
                    organization=organization,
                    cohort=cohort,
                    email=person.email,
                    full_name=person.name,
                    role=role,
                    state="profile_complete",
                    department=person.department,
                    mentor_capacity=person.capacity if role == "mentor" else None,
                )
                for role, person in people
            ],
            batch_size=2000,
        )
        answers = []
        for enrolment, (_, person) in zip(enrolments, people, strict=True):
            given = {**person.answers, "timezone": person.timezone}
            for key, value in given.items():
                question = questions.get(key)
                if question is not None:
                    answers.append(
                        ProfileAnswer(
                            organization=organization,
                            enrolment=enrolment,
                            question=question,
                            question_key=key,
                            question_label=question.label,
                            question_kind=question.kind,
                            value=value,
                        )
                    )
        ProfileAnswer.objects.bulk_create(answers, batch_size=5000)
    return cohort, membership


if __name__ == "__main__":
    main()
