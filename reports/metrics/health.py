"""Health: each running pair by its latest daily snapshot (relationships.HealthSnapshot), the
weekly trend of the snapshots, and the pairs that need attention with the health rules'
reasons. Three queries, four with pairs to name."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery

from programs.models import Mentorship
from relationships.models import HealthSnapshot, HealthStatus
from reports.metrics.pairs import Pair, running_on
from reports.metrics.scope import Scope, Tally

TREND_WEEKS = 12
PAIRS_NEEDING_ATTENTION_SHOWN = 50
HEALTH_ORDER = [HealthStatus.ON_TRACK, HealthStatus.NEEDS_ATTENTION, HealthStatus.AT_RISK]
SEVERITY = {HealthStatus.AT_RISK: 0, HealthStatus.NEEDS_ATTENTION: 1}


@dataclass(frozen=True)
class TrendWeek:
    week_of: datetime.date  # its Monday
    taken_on: datetime.date | None  # the day counted; None: no snapshot that week
    on_track: int
    needs_attention: int
    at_risk: int

    @property
    def total(self) -> int:
        return self.on_track + self.needs_attention + self.at_risk


@dataclass(frozen=True)
class PairNeedingAttention:
    mentorship_id: int
    mentor: str
    mentees: list[str]
    cohort: str
    status: str
    label: str
    reasons: list[str]
    taken_on: datetime.date


@dataclass(frozen=True)
class Health:
    pairs_running: int
    # Running pairs with no snapshot yet (matched since the last daily check).
    not_assessed: int
    as_of: datetime.date | None
    distribution: list[Tally]
    trend: list[TrendWeek]
    needing_attention: list[PairNeedingAttention]
    needing_attention_total: int


def trend_window(scope: Scope) -> tuple[datetime.date, datetime.date]:
    """The range, or the 12 weeks (the current one and 11 before) up to the reference day
    when it has no start."""
    end = scope.reference_day
    start = scope.filters.since or end - datetime.timedelta(weeks=TREND_WEEKS - 1)
    return start, end


def trend_of(scope: Scope) -> list[TrendWeek]:
    """Week by week (Monday to Sunday), the snapshots of the week's last day that has any.
    Without `since`, the weeks before the first with snapshots are left out."""
    start, end = trend_window(scope)
    if start > end:
        return []
    by_day: dict[datetime.date, dict[str, int]] = defaultdict(dict)
    for taken_on, status, count in (
        HealthSnapshot.objects.filter(
            mentorship_id__in=scope.mentorship_ids(), taken_on__gte=start, taken_on__lte=end
        )
        .order_by()
        .values_list("taken_on", "status")
        .annotate(count=Count("pk"))
    ):
        by_day[taken_on][status] = count
    last_day: dict[datetime.date, datetime.date] = {}
    for day in by_day:
        monday = day - datetime.timedelta(days=day.weekday())
        last_day[monday] = max(day, last_day.get(monday, day))
    weeks = []
    monday = start - datetime.timedelta(days=start.weekday())
    while monday <= end:
        day = last_day.get(monday)
        counts = by_day[day] if day else {}
        weeks.append(
            TrendWeek(
                week_of=monday,
                taken_on=day,
                on_track=counts.get(HealthStatus.ON_TRACK, 0),
                needs_attention=counts.get(HealthStatus.NEEDS_ATTENTION, 0),
                at_risk=counts.get(HealthStatus.AT_RISK, 0),
            )
        )
        monday += datetime.timedelta(weeks=1)
    if scope.filters.since is None:
        # Without a start, the trend starts at the first week with a check, not before.
        first = next((i for i, week in enumerate(weeks) if week.taken_on), len(weeks))
        weeks = weeks[first:]
    return weeks


def _pair_names(pair_ids: list[int]) -> dict[int, tuple[str, list[str], str]]:
    """Mentor, mentees and cohort of each pair, by name, in one query."""
    names: dict[int, tuple[str, list[str], str]] = {}
    for pk, mentor_name, mentor_email, mentee_name, mentee_email, cohort in (
        Mentorship.objects.filter(pk__in=pair_ids)
        .order_by("pk", "members__pk")
        .values_list(
            "pk", "mentor__full_name", "mentor__email",
            "members__mentee__full_name", "members__mentee__email", "cohort__name",
        )
    ):  # fmt: skip
        _, mentees, _ = names.setdefault(pk, (mentor_name or mentor_email, [], cohort))
        if mentee_email:
            mentees.append(mentee_name or mentee_email)
    return names


def _latest_snapshots(scope: Scope, running: set[int]) -> list[dict]:
    day = scope.reference_day
    latest_day = (
        HealthSnapshot.objects.filter(mentorship_id=OuterRef("mentorship_id"), taken_on__lte=day)
        .order_by("-taken_on")
        .values("taken_on")[:1]
    )
    rows = (
        HealthSnapshot.objects.filter(
            running_on(day, prefix="mentorship__"),
            mentorship_id__in=scope.mentorship_ids(),
            taken_on=Subquery(latest_day),
        )
        .order_by()
        .values("mentorship_id", "status", "taken_on", "reasons")
    )
    return [row for row in rows if row["mentorship_id"] in running]


def health_of(scope: Scope, pairs: list[Pair]) -> Health:
    running = {pair.pk for pair in pairs if pair.running_on(scope.reference_day)}
    latest = _latest_snapshots(scope, running)
    counts = Counter(row["status"] for row in latest)
    attention = sorted(
        (row for row in latest if row["status"] in SEVERITY),
        key=lambda row: (SEVERITY[row["status"]], -len(row["reasons"]), row["mentorship_id"]),
    )
    shown = attention[:PAIRS_NEEDING_ATTENTION_SHOWN]
    names = _pair_names([row["mentorship_id"] for row in shown]) if shown else {}
    return Health(
        pairs_running=len(running),
        not_assessed=len(running) - len(latest),
        as_of=max((row["taken_on"] for row in latest), default=None),
        distribution=[Tally(s.value, s.label, counts[s.value]) for s in HEALTH_ORDER],
        trend=trend_of(scope),
        needing_attention=[
            PairNeedingAttention(
                mentorship_id=row["mentorship_id"],
                mentor=names[row["mentorship_id"]][0],
                mentees=names[row["mentorship_id"]][1],
                cohort=names[row["mentorship_id"]][2],
                status=row["status"],
                label=HealthStatus(row["status"]).label,
                reasons=[str(reason) for reason in row["reasons"]],
                taken_on=row["taken_on"],
            )
            for row in shown
        ],
        needing_attention_total=len(attention),
    )
