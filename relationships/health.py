"""Relationship health: on track, needs attention or at risk, with the reasons in words.

A pure function of a mentorship's signals (days since the last message and meeting, overdue
milestones and check-ins, goal progress against the time gone, the latest ratings), so every
rule is tested on its own and the same answer shows to the pair, to the managers and in the
daily snapshot. Each rule gives a level and a reason; the worst level wins and the reasons are
listed worst first.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from relationships.models import HealthStatus

LEVELS = {HealthStatus.ON_TRACK: 0, HealthStatus.NEEDS_ATTENTION: 1, HealthStatus.AT_RISK: 2}


@dataclass(frozen=True)
class HealthPolicy:
    # Messages: days of silence before the pair needs attention, and before it is at risk.
    message_attention_days: int = 14
    message_risk_days: int = 28
    # Meetings, as multiples of the pair's agreed rhythm (every 7, 14 or 28 days).
    meeting_attention_factor: float = 1.5
    meeting_risk_factor: float = 3.0
    # A new pair has this long for its first meeting and its first goal.
    first_meeting_days: int = 14
    first_goal_days: int = 21
    overdue_milestones_risk: int = 4
    check_in_risk_days: int = 21
    # Goals this many points behind the share of time gone need attention.
    progress_lag_points: int = 40
    rating_risk: int = 2
    rating_attention: int = 3


@dataclass(frozen=True)
class Signals:
    today: datetime.date
    started_on: datetime.date
    ends_on: datetime.date
    meeting_every_days: int
    last_message_on: datetime.date | None = None
    last_meeting_on: datetime.date | None = None
    next_meeting_on: datetime.date | None = None
    goals: int = 0
    average_progress: float | None = None
    overdue_milestones: int = 0
    overdue_relationship_milestones: tuple[str, ...] = ()
    check_in_overdue_days: int = 0
    latest_ratings: tuple[int, ...] = ()

    @property
    def age_days(self) -> int:
        return (self.today - self.started_on).days


@dataclass(frozen=True)
class Health:
    status: HealthStatus
    # Why, worst first: what needs attention or puts the pair at risk.
    reasons: tuple[str, ...] = ()
    # What goes well, for the pair's own page.
    good: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return self.status.label


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _meetings(s: Signals, p: HealthPolicy, found: list, good: list) -> None:
    if s.last_meeting_on is None:
        if s.age_days <= p.first_meeting_days:
            return
        reason = f"no meeting yet, {_days(s.age_days)} after the match"
        level = 2 if s.age_days > 2 * p.first_meeting_days else 1
    else:
        silent = (s.today - s.last_meeting_on).days
        if silent <= s.meeting_every_days * p.meeting_attention_factor:
            good.append(f"met {_days(silent)} ago" if silent else "met today")
            return
        reason = f"no meeting for {_days(silent)}"
        level = 2 if silent > s.meeting_every_days * p.meeting_risk_factor else 1
    if s.next_meeting_on is not None:
        # Planned again: the pair is on its way back.
        reason += f" (the next one is on {s.next_meeting_on:%-d %b})"
        level = 1
    found.append((level, reason))


def _messages(s: Signals, p: HealthPolicy, found: list, good: list) -> None:
    since = s.last_message_on or s.started_on
    silent = (s.today - since).days
    if silent <= p.message_attention_days:
        if s.last_message_on is not None:
            good.append("talking on the platform")
        return
    reason = (
        f"no message for {_days(silent)}"
        if s.last_message_on
        else f"no message yet, {_days(silent)} after the match"
    )
    found.append((2 if silent > p.message_risk_days else 1, reason))


def _milestones(s: Signals, p: HealthPolicy, found: list) -> None:
    if s.overdue_milestones:
        count = s.overdue_milestones
        level = 2 if count >= p.overdue_milestones_risk else 1
        found.append((level, f"{count} goal milestone{'s' if count != 1 else ''} overdue"))
    for title in s.overdue_relationship_milestones:
        found.append((1, f"“{title}” overdue"))


def _check_ins(s: Signals, p: HealthPolicy, found: list) -> None:
    late = s.check_in_overdue_days
    if late > 0:
        found.append(
            (2 if late > p.check_in_risk_days else 1, f"a check-in overdue by {_days(late)}")
        )


def _goals(s: Signals, p: HealthPolicy, found: list, good: list) -> None:
    if s.goals == 0:
        if s.age_days > p.first_goal_days:
            found.append((1, f"no goals set, {_days(s.age_days)} after the match"))
        return
    if s.average_progress is None:
        return
    length = max(1, (s.ends_on - s.started_on).days)
    time_gone = min(100, round(100 * s.age_days / length))
    progress = round(s.average_progress)
    if progress + p.progress_lag_points < time_gone:
        found.append((1, f"goals at {progress}% with {time_gone}% of the time gone"))
    elif progress:
        good.append(f"goals at {progress}%")


def _ratings(s: Signals, p: HealthPolicy, found: list) -> None:
    if not s.latest_ratings:
        return
    lowest = min(s.latest_ratings)
    if lowest <= p.rating_risk:
        found.append((2, f"rated the relationship {lowest} of 5 in the latest check-in"))
    elif lowest <= p.rating_attention:
        found.append((1, f"rated the relationship {lowest} of 5 in the latest check-in"))


def assess(signals: Signals, policy: HealthPolicy = HealthPolicy()) -> Health:
    found: list[tuple[int, str]] = []
    good: list[str] = []
    _meetings(signals, policy, found, good)
    _messages(signals, policy, found, good)
    _milestones(signals, policy, found)
    _check_ins(signals, policy, found)
    _goals(signals, policy, found, good)
    _ratings(signals, policy, found)
    worst = max((level for level, _ in found), default=0)
    status = next(status for status, level in LEVELS.items() if level == worst)
    reasons = tuple(reason for _, reason in sorted(found, key=lambda item: -item[0]))
    return Health(status=status, reasons=reasons, good=tuple(good))
