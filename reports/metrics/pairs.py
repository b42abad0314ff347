"""Pairs: how many, their match quality, meetings and messages per pair, goals, milestones and
check-in ratings. Counts only: nothing here reads what a pair wrote."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from goals.models import CheckIn, Goal, GoalStatus, Milestone
from meetings.models import Attendance, Meeting, MeetingStatus
from messaging.models import ConversationKind, Message
from programs.models import MentorshipStatus
from reports.metrics.scope import Bucket, Scope, Tally, number_range, rounded

# Match scores (of 100) by band, found by their lowest score; the last band includes 100.
SCORE_BANDS = [
    Bucket(f"{low}-{low + 20}", f"Score {number_range(low, low + 20)}", low, None)
    for low in range(0, 100, 20)
]
NO_SCORE = Tally("none", "No score", 0)
MEETING_BUCKETS = [
    Bucket("0", "No meeting", 0, 0),
    Bucket("1", "1 meeting", 1, 1),
    Bucket("2-3", f"{number_range(2, 3)} meetings", 2, 3),
    Bucket("4-6", f"{number_range(4, 6)} meetings", 4, 6),
    Bucket("7+", "7 or more meetings", 7, None),
]
MESSAGE_BUCKETS = [
    Bucket("0", "No message", 0, 0),
    Bucket("1-9", f"{number_range(1, 9)} messages", 1, 9),
    Bucket("10-24", f"{number_range(10, 24)} messages", 10, 24),
    Bucket("25-49", f"{number_range(25, 49)} messages", 25, 49),
    Bucket("50+", "50 or more messages", 50, None),
]
ENDED_STATES = (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY)


@dataclass(frozen=True)
class Pair:
    pk: int
    status: str
    match_score: float | None
    started_on: datetime.date
    ended_on: datetime.date | None

    def running_on(self, day: datetime.date) -> bool:
        """Working together that day. A paused pair is not judged (relationships gives it no
        health), and a pair that ended is judged up to the day before it ended."""
        if self.started_on > day:
            return False
        if self.status == MentorshipStatus.ACTIVE:
            return True
        return self.status in ENDED_STATES and self.ended_on is not None and self.ended_on > day


def running_on(day: datetime.date, prefix: str = "") -> Q:
    """`Pair.running_on` in SQL, for a model whose mentorship is at `prefix`."""
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}status": MentorshipStatus.ACTIVE})
        | Q(**{f"{prefix}status__in": ENDED_STATES, f"{prefix}ended_on__gt": day})
    )


@dataclass(frozen=True)
class Pairs:
    total: int
    active: int
    paused: int
    completed: int
    ended_early: int


@dataclass(frozen=True)
class Goals:
    goals_set: int
    goals_achieved: int
    goals_in_progress: int
    goals_dropped: int
    milestones: int
    milestones_done: int
    milestones_overdue: int
    check_ins: int
    rating_average: float | None
    ratings: list[Tally]


def pairs_of(scope: Scope) -> list[Pair]:
    return [
        Pair(*row)
        for row in scope.mentorships().values_list(
            "pk", "status", "match_score", "started_on", "ended_on"
        )
    ]


def pair_counts(pairs: list[Pair]) -> Pairs:
    by_status = Counter(pair.status for pair in pairs)
    return Pairs(
        total=len(pairs),
        active=by_status[MentorshipStatus.ACTIVE],
        paused=by_status[MentorshipStatus.PAUSED],
        completed=by_status[MentorshipStatus.COMPLETED],
        ended_early=by_status[MentorshipStatus.ENDED_EARLY],
    )


def match_quality(pairs: list[Pair]) -> list[Tally]:
    """Pairs by match score band (of 100), and those formed without a score."""
    scores = [pair.match_score for pair in pairs if pair.match_score is not None]
    counts = Counter(
        next(band.key for band in reversed(SCORE_BANDS) if score >= band.lowest) for score in scores
    )
    return [Tally(band.key, band.label, counts[band.key]) for band in SCORE_BANDS] + [
        Tally(NO_SCORE.key, NO_SCORE.label, len(pairs) - len(scores))
    ]


def meetings_held(scope: Scope) -> dict[int, int]:
    """Meetings that took place in the range, per pair: marked held, or scheduled and over with
    no attendance recorded (as relationship health counts them)."""
    return dict(
        Meeting.objects.filter(
            mentorship_id__in=scope.mentorship_ids(), status=MeetingStatus.SCHEDULED
        )
        .filter(Q(attendance=Attendance.HELD) | Q(attendance="", ends_at__lte=timezone.now()))
        .filter(scope.within_range("starts_at"))
        .order_by()
        .values_list("mentorship_id")
        .annotate(count=Count("pk"))
    )


def messages_sent(scope: Scope) -> dict[int, int]:
    """Messages in each pair's private conversation in the range: counted, never read."""
    return dict(
        Message.objects.filter(
            conversation__kind=ConversationKind.MENTORSHIP,
            conversation__mentorship_id__in=scope.mentorship_ids(),
            deleted_at__isnull=True,
        )
        .filter(scope.within_range("created_at"))
        .order_by()
        .values_list("conversation__mentorship_id")
        .annotate(count=Count("pk"))
    )


def goals_of(scope: Scope) -> Goals:
    """Goals set by `until`, their milestones done and overdue on the reference day, and the
    check-ins (ratings only) of the range. Three queries."""
    day = scope.reference_day
    goals = Goal.objects.filter(mentorship_id__in=scope.mentorship_ids())
    milestones = Milestone.objects.filter(goal__mentorship_id__in=scope.mentorship_ids())
    if scope.ends_before is not None:
        goals = goals.filter(created_at__lt=scope.ends_before)
        milestones = milestones.filter(created_at__lt=scope.ends_before)
    goal_counts = goals.aggregate(
        total=Count("pk"),
        achieved=Count("pk", filter=Q(status=GoalStatus.ACHIEVED)),
        active=Count("pk", filter=Q(status=GoalStatus.ACTIVE)),
        dropped=Count("pk", filter=Q(status=GoalStatus.DROPPED)),
    )
    open_on_the_day = Q(done_on__isnull=True) | Q(done_on__gt=day)
    milestone_counts = milestones.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(done_on__lte=day)),
        # As relationship health counts them: steps of goals in progress, past their date.
        overdue=Count(
            "pk", filter=Q(goal__status=GoalStatus.ACTIVE, due_on__lt=day) & open_on_the_day
        ),
    )
    ratings = dict(
        CheckIn.objects.filter(mentorship_id__in=scope.mentorship_ids())
        .filter(scope.within_range("created_at"))
        .order_by()
        .values_list("rating")
        .annotate(count=Count("pk"))
    )
    check_ins = sum(ratings.values())
    average = sum(rating * n for rating, n in ratings.items()) / check_ins if check_ins else None
    return Goals(
        goals_set=goal_counts["total"],
        goals_achieved=goal_counts["achieved"],
        goals_in_progress=goal_counts["active"],
        goals_dropped=goal_counts["dropped"],
        milestones=milestone_counts["total"],
        milestones_done=milestone_counts["done"],
        milestones_overdue=milestone_counts["overdue"],
        check_ins=check_ins,
        rating_average=rounded(average, 2),
        ratings=[Tally(str(r), f"{r} of 5", ratings.get(r, 0)) for r in range(1, 6)],
    )
