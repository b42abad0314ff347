"""Match runs: propose, review (swap, lock, remove), re-run and publish a cohort's matching."""

from __future__ import annotations

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from matching.engine.model import MatchingModel
from matching.engine.solvers import SolverError, solve_optimal, solve_stable
from matching.models import (
    MatchProposal,
    MatchRun,
    MatchRunMode,
    MatchRunStatus,
    UnmatchedMentee,
    UnmatchedReason,
)
from matching.services.pool import Pool, load_pool
from organizations.audit import AuditAction, audit_record
from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import (
    MATCHABLE_COHORT_STATES,
    Cohort,
    Enrolment,
    EnrolmentState,
    MentorshipOrigin,
)
from programs.services.common import require_program_manager
from programs.services.mentorships import (
    NewMentorship,
    mentor_places,
    mentorships_start,
    open_mentee_counts,
)

QUALITY_BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))
NAMES_SHOWN = 5


def explanation_parts(model: MatchingModel, rows, cols) -> list[list[dict]]:
    """Each pair's score by criterion: points (adding up to the score), maximum and words."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    points = model.pair_points(rows, cols)
    specs = model.scored_criteria
    return [
        [
            {
                "key": spec.key,
                "mentor_key": spec.mentor_key,
                "kind": spec.question_kind,
                "name": spec.name,
                "points": float(points[spec.key][index]),
                "max_points": model.max_points[spec.key],
                "words": model.encoders[spec.key].describe(int(row), int(col)),
            }
            for spec in specs
        ]
        for index, (row, col) in enumerate(zip(rows, cols, strict=True))
    ]


def mentee_exclusions(model: MatchingModel, row: int) -> list[dict]:
    """Which rules excluded which mentors for one mentee, with a few names each."""
    out = []
    for code, cols in model.exclusions_for_mentee(row).items():
        out.append(
            {
                "rule": code,
                "label": model.rule_label(code),
                "count": len(cols),
                "mentors": [model.mentors[col].name for col in cols[:NAMES_SHOWN]],
            }
        )
    return sorted(out, key=lambda item: -item["count"])


def _parameters(pool: Pool, mode: str, maximize_matched: bool) -> dict:
    rules = pool.model.rules
    return {
        "mode": mode,
        "maximize_matched": maximize_matched,
        "criteria": [
            {"key": s.key, "name": s.name, "weight": s.weight, "method": s.method}
            for s in pool.model.criteria
        ],
        "rules": {
            "exclude_same_department": rules.exclude_same_department,
            "exclude_reporting_line": rules.exclude_reporting_line,
            "require_shared_language": rules.require_shared_language,
            "max_timezone_difference_hours": rules.max_timezone_difference_hours,
            "seniority_gap_min": rules.seniority_gap_min,
            "seniority_gap_max": rules.seniority_gap_max,
            "availability_target_hours": rules.availability_target_hours,
            "personality_modes": dict(rules.personality_modes),
        },
        "scored_at": pool.model.at.isoformat(),
    }


def summarize(scores: list[float], *, mentees: int, mentors: int, places: int, unmatched: int,
              incomplete: int, rule_pairs: dict[str, int]) -> dict:  # fmt: skip
    values = np.array(scores, dtype=np.float64)
    return {
        "mentees": mentees,
        "mentors": mentors,
        "places": places,
        "matched": len(scores),
        "unmatched": unmatched,
        "incomplete_mentees": incomplete,
        "mean_score": round(float(values.mean()), 1) if len(values) else None,
        "median_score": round(float(np.median(values)), 1) if len(values) else None,
        "lowest_score": round(float(values.min()), 1) if len(values) else None,
        "quality": [
            {
                "band": f"{low}-{min(high, 100)}",
                "count": int(((values >= low) & (values < high)).sum()),
            }
            for low, high in QUALITY_BANDS
        ],
        "excluded_pairs_by_rule": rule_pairs,
    }


def _require_matchable(actor: Membership, cohort: Cohort) -> None:
    require_program_manager(actor, cohort.program)
    if cohort.status not in MATCHABLE_COHORT_STATES:
        raise ValidationError(
            "Move the cohort to matching first: while it is "
            f"{cohort.get_status_display().lower()}, profiles can still change."
        )


def match_run_create(
    *,
    actor: Membership,
    cohort: Cohort,
    mode: str = MatchRunMode.OPTIMAL,
    maximize_matched: bool = True,
    based_on: MatchRun | None = None,
) -> MatchRun:
    """Score every pair of the cohort's pool, solve, and store the proposals as a draft run.

    Locked pairs of `based_on` are kept as they are when both people are still in the pool and
    the mentor still has the place. A mentee nobody can be matched with is stored with the
    reason: the rules that excluded each mentor, or that the places went to others.
    """
    _require_matchable(actor, cohort)
    if mode not in MatchRunMode.values:
        raise ValidationError({"mode": "Choose how to match: best overall or stable."})
    pool = load_pool(cohort)
    model = pool.model
    if not pool.mentees:
        raise ValidationError(
            "Nobody to match: no mentee of this cohort is waiting with a complete profile."
        )
    if not pool.mentors:
        raise ValidationError("No mentors to match with: no mentor has completed their profile.")
    locked: dict[int, int] = {}
    if based_on is not None:
        with organization_scope(cohort.organization):
            for mentee_id, mentor_id in MatchProposal.objects.filter(
                run=based_on, locked=True
            ).values_list("mentee_id", "mentor_id"):
                row, col = model.mentee_index.get(mentee_id), model.mentor_index.get(mentor_id)
                if row is not None and col is not None:
                    locked[row] = col
    solver_args = (model.scores, model.feasible, model.capacity)
    try:
        if mode == MatchRunMode.STABLE:
            mentor_of = solve_stable(*solver_args, locked=locked)
        else:
            mentor_of = solve_optimal(
                *solver_args, maximize_matched=maximize_matched, locked=locked
            )
    except SolverError as error:
        raise ValidationError(str(error)) from None

    rows = np.flatnonzero(mentor_of >= 0)
    cols = mentor_of[rows]
    scores = model.scores[rows, cols]
    parts = explanation_parts(model, rows, cols)
    unmatched_rows = np.flatnonzero(mentor_of < 0)
    feasible_counts = model.feasible.sum(axis=1)
    with transaction.atomic(), organization_scope(cohort.organization):
        number = (MatchRun.objects.filter(cohort=cohort).aggregate(n=Max("number"))["n"] or 0) + 1
        run = MatchRun.objects.create(
            organization=cohort.organization,
            cohort=cohort,
            number=number,
            mode=mode,
            maximize_matched=maximize_matched,
            parameters=_parameters(pool, mode, maximize_matched),
            summary=summarize(
                scores.tolist(),
                mentees=len(pool.mentees),
                mentors=len(pool.mentors),
                places=int(model.capacity.sum()),
                unmatched=len(unmatched_rows),
                incomplete=pool.incomplete_mentees,
                rule_pairs={
                    model.rule_label(code): int(mask.sum())
                    for code, mask in model.exclusions.items()
                },
            ),
            based_on=based_on,
            created_by_id=actor.user_id,
        )
        MatchProposal.objects.bulk_create(
            [
                MatchProposal(
                    organization=cohort.organization,
                    run=run,
                    mentee=pool.mentees[row],
                    mentor=pool.mentors[col],
                    score=float(score),
                    explanation=explanation,
                    locked=locked.get(int(row)) == int(col),
                )
                for row, col, score, explanation in zip(rows, cols, scores, parts, strict=True)
            ],
            batch_size=1000,
        )
        UnmatchedMentee.objects.bulk_create(
            [
                UnmatchedMentee(
                    organization=cohort.organization,
                    run=run,
                    mentee=pool.mentees[row],
                    reason=UnmatchedReason.PLACES_TAKEN
                    if feasible_counts[row]
                    else UnmatchedReason.NO_FEASIBLE_MENTOR,
                    exclusions=mentee_exclusions(model, int(row)),
                    feasible_mentors=int(feasible_counts[row]),
                )
                for row in unmatched_rows
            ],
            batch_size=1000,
        )
        if based_on is not None and based_on.status == MatchRunStatus.DRAFT:
            MatchRun.objects.filter(pk=based_on.pk).update(status=MatchRunStatus.DISCARDED)
    return run


def _editable_run(actor: Membership, run: MatchRun) -> MatchRun:
    require_program_manager(actor, run.cohort.program)
    with organization_scope(run.organization):
        run = MatchRun.objects.select_for_update().select_related("cohort__program").get(pk=run.pk)
    if run.status != MatchRunStatus.DRAFT:
        raise ValidationError(
            f"This run is {run.get_status_display().lower()}; start a new run to change matches."
        )
    return run


def _proposal(run: MatchRun, proposal_id: int) -> MatchProposal:
    try:
        return MatchProposal.objects.select_related("mentee", "mentor").get(run=run, pk=proposal_id)
    except (MatchProposal.DoesNotExist, ValueError, TypeError):
        raise ValidationError("That pair is not among this run's proposals.") from None


@transaction.atomic
def match_run_swap(
    *, actor: Membership, run: MatchRun, first_id: int, second_id: int
) -> tuple[MatchProposal, MatchProposal]:
    """Swap the mentors of two proposed pairs. Both new pairs must keep every hard rule; their
    scores and explanations are computed again."""
    run = _editable_run(actor, run)
    with organization_scope(run.organization):
        first, second = _proposal(run, first_id), _proposal(run, second_id)
        if first.pk == second.pk:
            raise ValidationError("Choose two different pairs to swap.")
        if first.mentor_id == second.mentor_id:
            raise ValidationError("Both mentees already have the same mentor.")
        if first.locked or second.locked:
            raise ValidationError("Unlock the pair first: locked pairs stay as they are.")
        pool = load_pool(run.cohort, mentee_ids=[first.mentee_id, second.mentee_id])
        model = pool.model
        problems = []
        new_pairs = [(first, second.mentor), (second, first.mentor)]
        for proposal, mentor in new_pairs:
            row, col = model.mentee_index.get(proposal.mentee_id), model.mentor_index.get(mentor.pk)
            if row is None or col is None:
                raise ValidationError(
                    f"{proposal.mentee.full_name or proposal.mentee.email} or "
                    f"{mentor.full_name or mentor.email} is no longer waiting to be matched."
                )
            # Their places are the two being swapped: only the rules decide.
            broken = [c for c in model.broken_rules(row, col) if c != "at_capacity"]
            if broken:
                problems.append(
                    f"{model.mentees[row].name} and {model.mentors[col].name}: "
                    f"{model.rule_label(broken[0]).lower()}."
                )
        if problems:
            raise ValidationError(["This swap would break a rule.", *problems])
        for proposal, mentor in new_pairs:
            row, col = model.mentee_index[proposal.mentee_id], model.mentor_index[mentor.pk]
            proposal.mentor = mentor
            proposal.score = float(model.pair_scores(np.array([row]), np.array([col]))[0])
            proposal.explanation = explanation_parts(model, [row], [col])[0]
            proposal.changed_by_admin = True
            proposal.save(update_fields=["mentor", "score", "explanation", "changed_by_admin"])
        _refresh_summary(run)
    return first, second


@transaction.atomic
def match_run_set_locked(
    *, actor: Membership, run: MatchRun, proposal_id: int, locked: bool
) -> MatchProposal:
    """A locked pair is kept when the cohort is matched again."""
    run = _editable_run(actor, run)
    with organization_scope(run.organization):
        proposal = _proposal(run, proposal_id)
        proposal.locked = locked
        proposal.save(update_fields=["locked"])
    return proposal


@transaction.atomic
def match_run_remove_pair(*, actor: Membership, run: MatchRun, proposal_id: int) -> None:
    """Take a pair out of the proposals; the mentee is listed as unmatched (removed)."""
    run = _editable_run(actor, run)
    with organization_scope(run.organization):
        proposal = _proposal(run, proposal_id)
        if proposal.locked:
            raise ValidationError("Unlock the pair first: locked pairs stay as they are.")
        UnmatchedMentee.objects.create(
            organization=run.organization,
            run=run,
            mentee=proposal.mentee,
            reason=UnmatchedReason.REMOVED,
        )
        proposal.delete()
        _refresh_summary(run)


def _refresh_summary(run: MatchRun) -> None:
    scores = list(MatchProposal.objects.filter(run=run).values_list("score", flat=True))
    summary = dict(run.summary)
    summary.update(
        summarize(
            scores,
            mentees=summary.get("mentees", 0),
            mentors=summary.get("mentors", 0),
            places=summary.get("places", 0),
            unmatched=UnmatchedMentee.objects.filter(run=run).count(),
            incomplete=summary.get("incomplete_mentees", 0),
            rule_pairs=summary.get("excluded_pairs_by_rule", {}),
        )
    )
    run.summary = summary
    run.save(update_fields=["summary"])


def match_run_rerun(*, actor: Membership, run: MatchRun) -> MatchRun:
    """Match the cohort again with the current settings and profiles, keeping locked pairs;
    the run it replaces is discarded."""
    if run.status != MatchRunStatus.DRAFT:
        raise ValidationError("Only a draft run can be run again; start a new run instead.")
    return match_run_create(
        actor=actor,
        cohort=run.cohort,
        mode=run.mode,
        maximize_matched=run.maximize_matched,
        based_on=run,
    )


@transaction.atomic
def match_run_discard(*, actor: Membership, run: MatchRun) -> MatchRun:
    run = _editable_run(actor, run)
    run.status = MatchRunStatus.DISCARDED
    run.save(update_fields=["status"])
    return run


@transaction.atomic
def match_run_publish(*, actor: Membership, run: MatchRun) -> list:
    """Start a mentorship for every proposed pair, all or nothing.

    Everyone is checked again under lock: a mentee matched meanwhile (by a request) or a mentor
    whose places filled up stops the whole publication with the names, and nothing is created.
    Both sides are notified once the transaction commits. Other draft runs of the cohort are
    discarded.
    """
    run = _editable_run(actor, run)
    cohort = run.cohort
    with organization_scope(run.organization):
        proposals = list(MatchProposal.objects.filter(run=run).order_by("mentor_id", "pk"))
        if not proposals:
            raise ValidationError("There is nothing to publish: this run proposes no pairs.")
        ids = sorted({p.mentee_id for p in proposals} | {p.mentor_id for p in proposals})
        enrolments = {
            e.pk: e
            for e in Enrolment.objects.select_for_update()
            .filter(pk__in=ids)
            .select_related("cohort__program")
            .order_by("pk")
        }
        problems = []
        for proposal in proposals:
            mentee = enrolments.get(proposal.mentee_id)
            if mentee is None or mentee.state != EnrolmentState.PROFILE_COMPLETE:
                name = mentee.full_name or mentee.email if mentee else "A mentee"
                problems.append(f"{name} is no longer waiting to be matched.")
        taken = open_mentee_counts(cohort, [p.mentor_id for p in proposals])
        wanted: dict[int, int] = {}
        for proposal in proposals:
            wanted[proposal.mentor_id] = wanted.get(proposal.mentor_id, 0) + 1
        for mentor_id, count in wanted.items():
            mentor = enrolments.get(mentor_id)
            if mentor is None or mentor.state not in (
                EnrolmentState.PROFILE_COMPLETE,
                EnrolmentState.MATCHED,
            ):
                problems.append("A proposed mentor has left the cohort.")
            elif taken.get(mentor_id, 0) + count > mentor_places(mentor):
                problems.append(
                    f"{mentor.full_name or mentor.email} has "
                    f"{max(mentor_places(mentor) - taken.get(mentor_id, 0), 0)} free places "
                    f"but {count} proposed mentees."
                )
        if problems:
            raise ValidationError(
                ["Nothing was published: the cohort changed since this run.", *problems,
                 "Run the matching again to propose pairs for the cohort as it is now."]
            )  # fmt: skip
        started = mentorships_start(
            cohort=cohort,
            new=[
                NewMentorship(
                    mentor=enrolments[p.mentor_id],
                    mentees=[enrolments[p.mentee_id]],
                    score=p.score,
                    explanation=p.explanation,
                )
                for p in proposals
            ],
            origin=MentorshipOrigin.MATCH_RUN,
        )
        for proposal, mentorship in zip(proposals, started, strict=True):
            proposal.mentorship = mentorship
        MatchProposal.objects.bulk_update(proposals, ["mentorship"], batch_size=1000)
        run.status = MatchRunStatus.PUBLISHED
        run.published_at = timezone.now()
        run.published_by_id = actor.user_id
        run.save(update_fields=["status", "published_at", "published_by"])
        MatchRun.objects.filter(cohort=cohort, status=MatchRunStatus.DRAFT).exclude(
            pk=run.pk
        ).update(status=MatchRunStatus.DISCARDED)
        audit_record(
            organization=run.organization,
            actor=actor.user,
            action=AuditAction.MATCHES_PUBLISHED,
            target_label=f"{len(started)} {'pair' if len(started) == 1 else 'pairs'} in "
            f"{cohort.program.name}, {cohort.name}",
            details={"run_id": run.pk, "cohort_id": cohort.pk, "pairs": len(started)},
        )
    return started
