"""What the goals app tells about how a relationship goes, for many mentorships at once: overdue
milestones and check-ins, goal progress and the latest ratings. A fixed number of queries,
whatever the number of mentorships (relationship health reads this for a whole cohort)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Max, Q

from goals.models import (
    CheckIn,
    CheckInSettings,
    Goal,
    GoalStatus,
    Milestone,
    RelationshipMilestone,
)
from goals.services.check_ins import check_in_due
from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import Mentorship


@dataclass
class GoalSignals:
    goals: int = 0
    # Average progress of the goals in progress (None without any).
    average_progress: float | None = None
    overdue_milestones: int = 0
    overdue_relationship_milestones: list[str] = field(default_factory=list)
    # The most days any person of the pair is late with a check-in (0: nobody is).
    check_in_overdue_days: int = 0
    # Each person's latest rating of the relationship, 1-5.
    latest_ratings: list[int] = field(default_factory=list)


def goal_signals_by_mentorship(
    organization: Organization, mentorships: Sequence[Mentorship], today: datetime.date
) -> dict[int, GoalSignals]:
    """Signals of each mentorship (loaded with mentor, members and cohort's program)."""
    ids = [m.pk for m in mentorships]
    signals = {pk: GoalSignals() for pk in ids}
    with organization_scope(organization):
        for row in (
            Goal.objects.filter(mentorship_id__in=ids)
            .values("mentorship_id")
            .annotate(
                total=Count("pk"),
                average=Avg("progress", filter=Q(status=GoalStatus.ACTIVE)),
            )
        ):
            signals[row["mentorship_id"]].goals = row["total"]
            signals[row["mentorship_id"]].average_progress = row["average"]
        for row in (
            Milestone.objects.filter(
                goal__mentorship_id__in=ids,
                goal__status=GoalStatus.ACTIVE,
                done_on__isnull=True,
                due_on__lt=today,
            )
            .values("goal__mentorship_id")
            .annotate(total=Count("pk"))
        ):
            signals[row["goal__mentorship_id"]].overdue_milestones = row["total"]
        for mentorship_id, title in RelationshipMilestone.objects.filter(
            mentorship_id__in=ids, done_on__isnull=True, due_on__lt=today
        ).values_list("mentorship_id", "title"):
            signals[mentorship_id].overdue_relationship_milestones.append(title)
        last_periods = {
            (row["mentorship_id"], row["author_id"]): row["last"]
            for row in CheckIn.objects.filter(mentorship_id__in=ids)
            .values("mentorship_id", "author_id")
            .annotate(last=Max("period"))
        }
        latest: dict[tuple[int, int], int] = {}
        for mentorship_id, author_id, rating in (
            CheckIn.objects.filter(mentorship_id__in=ids)
            .order_by("mentorship_id", "author_id", "-period")
            .values_list("mentorship_id", "author_id", "rating")
        ):
            latest.setdefault((mentorship_id, author_id), rating)
        settings = {
            row.program_id: row
            for row in CheckInSettings.objects.filter(
                program_id__in={m.cohort.program_id for m in mentorships}
            )
        }
    ratings: dict[int, list[int]] = defaultdict(list)
    for (mentorship_id, _), rating in latest.items():
        ratings[mentorship_id].append(rating)
    for mentorship in mentorships:
        found = signals[mentorship.pk]
        found.latest_ratings = sorted(ratings.get(mentorship.pk, []))
        program_settings = settings.get(mentorship.cohort.program_id)
        if program_settings is None or not program_settings.enabled:
            continue
        people = [mentorship.mentor, *(member.mentee for member in mentorship.members.all())]
        found.check_in_overdue_days = max(
            check_in_due(
                started_on=mentorship.started_on,
                cadence_days=program_settings.cadence_days,
                last_period=last_periods.get((mentorship.pk, person.user_id)),
                today=today,
            ).overdue_days
            for person in people
        )
    return signals
