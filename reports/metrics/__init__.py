"""The numbers of the HR program dashboard for a report's filters (reports.filters), in a fixed
number of queries whatever the number of people: at most 20, the surveys' summary included.

What the filters mean
- Programs and cohort: the programs the member may report on (all of them when none is chosen),
  narrowed to one cohort when given.
- Department: a person counts when their enrolment's department matches (in any case); a pair
  counts when its mentor or one of its mentees is in that department.
- Dates, `since` and `until` (both optional and inclusive, days in the current time zone):
  - people (the funnel, the match rate, the time to match): the enrolments created up to
    `until`, each at the furthest stage it has reached today;
  - pairs (match quality, meetings, messages, goals, health): the mentorships overlapping the
    range, that is started on or before `until` and not ended before `since`;
  - activity (meetings held, messages sent, check-ins): what happened within the range;
  - goals: the pairs' goals set up to `until`; milestones done and overdue on the reference day
    (`until`, or today when `until` is absent or later);
  - health: each pair running on the reference day, by its latest daily snapshot up to that
    day; the trend counts, week by week over the range (the 12 weeks to the reference day when
    `since` is absent), the snapshots of each week's last day that has any.

Privacy: numbers only. Nothing here reads a message body, the words of a goal or milestone, a
note or a check-in's answers. Names appear only in the pairs needing attention, with the reasons
the health rules give (relationships.health), which never quote what a pair wrote.

Survey results come from the surveys app once it is installed: see reports.metrics.surveys.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from organizations.models import Membership
from organizations.scope import organization_scope
from reports.filters import ReportFilters
from reports.metrics.health import Health, PairNeedingAttention, TrendWeek, health_of
from reports.metrics.pairs import (
    MEETING_BUCKETS,
    MESSAGE_BUCKETS,
    Goals,
    Pairs,
    goals_of,
    match_quality,
    meetings_held,
    messages_sent,
    pair_counts,
    pairs_of,
)
from reports.metrics.people import Funnel, FunnelStage, Matching, funnel_of
from reports.metrics.scope import Named, PerPair, Tally, per_pair, reference_day_of, scope_of
from reports.metrics.surveys import SurveyQuestion, surveys_of

__all__ = [
    "Dashboard",
    "Funnel",
    "FunnelStage",
    "Goals",
    "Health",
    "Matching",
    "Named",
    "PairNeedingAttention",
    "Pairs",
    "PerPair",
    "SurveyQuestion",
    "Tally",
    "TrendWeek",
    "dashboard",
    "funnel",
    "health",
    "reference_day_of",
]


@dataclass(frozen=True)
class Dashboard:
    reference_day: datetime.date
    since: datetime.date | None
    until: datetime.date | None
    department: str
    programs: list[Named]
    cohort: Named | None
    funnel: Funnel
    pairs: Pairs
    match_quality: list[Tally]
    meetings: PerPair
    messages: PerPair
    goals: Goals
    health: Health
    # None: the surveys app is not installed; []: no survey results for these filters.
    surveys: list[SurveyQuestion] | None


def funnel(membership: Membership, filters: ReportFilters) -> Funnel:
    """The enrolment funnel, the match rate and the time to match (two queries)."""
    with organization_scope(membership.organization):
        return funnel_of(scope_of(membership, filters))


def health(membership: Membership, filters: ReportFilters) -> Health:
    """The health distribution, its weekly trend and the pairs needing attention."""
    with organization_scope(membership.organization):
        scope = scope_of(membership, filters)
        return health_of(scope, pairs_of(scope))


def dashboard(membership: Membership, filters: ReportFilters) -> Dashboard:
    """Every number of the program dashboard for these filters (see the module's docstring)."""
    with organization_scope(membership.organization):
        scope = scope_of(membership, filters)
        pairs = pairs_of(scope)
        pair_ids = [pair.pk for pair in pairs]
        return Dashboard(
            reference_day=scope.reference_day,
            since=filters.since,
            until=filters.until,
            department=filters.department,
            programs=[Named(p.pk, p.name) for p in filters.programs],
            cohort=Named(filters.cohort.pk, filters.cohort.name) if filters.cohort else None,
            funnel=funnel_of(scope),
            pairs=pair_counts(pairs),
            match_quality=match_quality(pairs),
            meetings=per_pair(meetings_held(scope), pair_ids, MEETING_BUCKETS),
            messages=per_pair(messages_sent(scope), pair_ids, MESSAGE_BUCKETS),
            goals=goals_of(scope),
            health=health_of(scope, pairs),
            surveys=surveys_of(scope),
        )
