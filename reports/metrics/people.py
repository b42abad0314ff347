"""People: the enrolment funnel, the match rate and the time to match (two queries)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Min, OuterRef, Q
from django.utils import timezone

from programs.models import (
    EnrolmentRole,
    EnrolmentState,
    Mentorship,
    MentorshipMentee,
    MentorshipStatus,
)
from reports.metrics.scope import Scope, rounded

# (key, label, what it means); a person counts at every stage they passed.
FUNNEL_STAGES = [
    ("invited", "Invited or applied", "Everyone enrolled in the cohorts, however they joined."),
    ("registered", "Registered", "Has an account on the platform."),
    ("profile_complete", "Profile complete", "Filled in the profile used for matching."),
    ("matched", "Matched", "Has been in a mentorship."),
    ("active", "In an active mentorship", "Working with their mentor or mentee now."),
    ("completed", "Completed a mentorship", "Took a mentorship to its planned end."),
]
PROFILE_COMPLETE, MATCHED = 2, 3  # indexes into FUNNEL_STAGES


@dataclass(frozen=True)
class FunnelStage:
    key: str
    label: str
    help: str
    people: int
    mentees: int
    mentors: int


@dataclass(frozen=True)
class Matching:
    mentees_with_profile: int
    mentees_matched: int
    # Percent of the mentees with a complete profile who are matched; None without any.
    match_rate: float | None
    # Days from profile completion to the start of the mentee's first mentorship.
    days_to_match_median: float | None
    days_to_match_average: float | None
    days_to_match_measured: int


@dataclass(frozen=True)
class Funnel:
    stages: list[FunnelStage]
    withdrawn: int
    matching: Matching


def _furthest_stage(row: dict) -> int:
    """The furthest stage (an index into FUNNEL_STAGES) a group of enrolments has reached."""
    if row["in_completed"]:
        return 5
    if row["in_active"]:
        return 4
    if row["in_any"] or row["state"] == EnrolmentState.MATCHED:
        return MATCHED
    if row["has_profile"] or row["state"] == EnrolmentState.PROFILE_COMPLETE:
        return PROFILE_COMPLETE
    if row["has_user"]:
        return 1
    return 0


def _in_mentorship(**conditions) -> ExpressionWrapper:
    """The enrolment is (or was) the mentor or a mentee of a mentorship meeting `conditions`."""
    as_mentor = Mentorship.objects.filter(mentor_id=OuterRef("pk"), **conditions)
    as_mentee = MentorshipMentee.objects.filter(
        mentee_id=OuterRef("pk"), **{f"mentorship__{k}": v for k, v in conditions.items()}
    )
    return ExpressionWrapper(Q(Exists(as_mentor)) | Q(Exists(as_mentee)), BooleanField())


def _days_to_match(scope: Scope) -> list[int]:
    """For each matched mentee with a complete profile: days from completing the profile to
    the start of their first mentorship (0 when matched first)."""
    rows = (
        scope.enrolments()
        .filter(role=EnrolmentRole.MENTEE, profile_completed_at__isnull=False)
        .annotate(first_start=Min("mentorships_as_mentee__mentorship__started_on"))
        .filter(first_start__isnull=False)
        .values_list("profile_completed_at", "first_start")
    )
    return [max(0, (start - timezone.localdate(completed)).days) for completed, start in rows]


def funnel_of(scope: Scope) -> Funnel:
    # One row per combination of what the enrolments have reached, counted in the database.
    groups = (
        scope.enrolments()
        .annotate(
            has_user=ExpressionWrapper(Q(user_id__isnull=False), BooleanField()),
            has_profile=ExpressionWrapper(Q(profile_completed_at__isnull=False), BooleanField()),
            in_any=_in_mentorship(),
            in_active=_in_mentorship(status=MentorshipStatus.ACTIVE),
            in_completed=_in_mentorship(status=MentorshipStatus.COMPLETED),
        )
        .values("role", "state", "has_user", "has_profile", "in_any", "in_active", "in_completed")
        .annotate(people=Count("pk"))
    )
    reached = {role: [0] * len(FUNNEL_STAGES) for role in EnrolmentRole.values}
    withdrawn = 0
    for row in groups:
        for stage in range(_furthest_stage(row) + 1):
            reached[row["role"]][stage] += row["people"]
        if row["state"] == EnrolmentState.WITHDRAWN:
            withdrawn += row["people"]
    mentees, mentors = reached[EnrolmentRole.MENTEE], reached[EnrolmentRole.MENTOR]
    waits = _days_to_match(scope)
    with_profile, matched = mentees[PROFILE_COMPLETE], mentees[MATCHED]
    return Funnel(
        stages=[
            FunnelStage(key, label, meaning, mentees[i] + mentors[i], mentees[i], mentors[i])
            for i, (key, label, meaning) in enumerate(FUNNEL_STAGES)
        ],
        withdrawn=withdrawn,
        matching=Matching(
            mentees_with_profile=with_profile,
            mentees_matched=matched,
            match_rate=rounded(100 * matched / with_profile) if with_profile else None,
            days_to_match_median=rounded(float(statistics.median(waits))) if waits else None,
            days_to_match_average=rounded(statistics.fmean(waits)) if waits else None,
            days_to_match_measured=len(waits),
        ),
    )
